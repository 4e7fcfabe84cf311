// What the user API's parts share: built once by index.ts from the Base (or by a test).
import type { Bus } from '../bus/types.ts';
import type { Logger } from '../setup/logger.ts';
import type { Database } from '../storage/types.ts';
import type { TokenCache } from './token-cache.ts';

export interface UserapiContext {
  db: Database;
  serverName: string;
  bcryptCost: number;
  bus: Bus;
  log: Logger;
  tokens: TokenCache;
  now: () => number;
}
