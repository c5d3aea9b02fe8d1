import { openWallet } from '../src/index.ts';
import { hostileBehaviour } from './hostile.behaviour.ts';

hostileBehaviour({
  name: 'SQLite',
  async open(clock) {
    const wallet = await openWallet({ file: ':memory:', clock: clock.now });
    return { wallet, dispose: () => wallet.close() };
  },
});
