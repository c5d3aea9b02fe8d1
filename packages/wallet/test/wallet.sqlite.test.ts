import { openWallet } from '../src/index.ts';
import { walletBehaviour } from './wallet.behaviour.ts';

walletBehaviour({
  name: 'SQLite',
  async open(clock) {
    const wallet = await openWallet({ file: ':memory:', clock: clock.now });
    return { wallet, dispose: () => wallet.close() };
  },
});
