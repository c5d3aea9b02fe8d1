import { hostileBehaviour } from './hostile.behaviour.ts';
import { sqliteStore } from './stores.ts';

hostileBehaviour(sqliteStore);
