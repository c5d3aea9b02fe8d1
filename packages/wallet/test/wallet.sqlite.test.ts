import { sqliteStore } from './stores.ts';
import { walletBehaviour } from './wallet.behaviour.ts';

walletBehaviour(sqliteStore);
