// Builds a real user API over the database of a forEachDatabase run and an in-process bus, with a
// clock the tests can move.
import { openBus } from '../../../src/bus/open.ts';
import { STREAMS } from '../../../src/bus/streams.ts';
import type { Bus } from '../../../src/bus/types.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import type { Database } from '../../../src/storage/types.ts';
import type { UserApi } from '../../../src/userapi/api.ts';
import { buildUserapi, migrateUserapi } from '../../../src/userapi/index.ts';

export const SERVER = 'test.example';

export interface UserapiHarness {
  api: UserApi;
  bus: Bus;
  clock: { now: number };
  close(): Promise<void>;
}

let prefixes = 0;

export async function userapiHarness(db: Database): Promise<UserapiHarness> {
  await migrateUserapi(db);
  const bus = await openBus(
    {
      addresses: [],
      storage_path: '',
      topic_prefix: `UserapiTest${prefixes++}`,
      in_memory: true,
      disable_tls_validation: false,
      credentials_path: '',
    },
    stderrLogger('error', 'bus'),
  );
  await bus.ensureStreams(STREAMS);
  const clock = { now: Date.now() };
  const api = buildUserapi({ db, serverName: SERVER, bcryptCost: 4, bus, log: stderrLogger('error', 'userapi'), now: () => clock.now });
  return { api, bus, clock, close: () => bus.close() };
}

let names = 0;
/** A localpart no other test of this process uses. */
export const uniqueLocalpart = (stem = 'user') => `${stem}-${process.pid}-${names++}`;
export const uid = (localpart: string) => `@${localpart}:${SERVER}`;
