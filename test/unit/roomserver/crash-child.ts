// Child process for crash.test.ts: a room server on the database given, sending events until it
// is killed with SIGKILL. Prints one line per fact the parent relies on:
//   ROOM <roomId>        the room exists
//   ACK <eventId>        sendEvent resolved for this event
//   STORED <id> <id> …   (mode "stall") these events are stored, their output never acknowledged
// Usage: bun crash-child.ts <connection string> send|stall
import { tmpdir } from 'node:os';
import { openBus } from '../../../src/bus/open.ts';
import { STREAM, STREAMS } from '../../../src/bus/streams.ts';
import { buildRoomserver } from '../../../src/roomserver/index.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import { openDatabase } from '../../../src/storage/open.ts';
import { databaseOptions } from '../../helpers/databases.ts';
import { KEY_ID, message, roomRequest, SEED, SERVER, user } from './harness.ts';

const [connection, mode] = process.argv.slice(2);
const log = stderrLogger('error', 'crash-child');
const db = await openDatabase(databaseOptions(connection!), databaseOptions(''), tmpdir());
const bus = await openBus(
  { addresses: [], storage_path: '', topic_prefix: 'Crash', in_memory: true, disable_tls_validation: false, credentials_path: '' },
  log,
);
await bus.ensureStreams(STREAMS.filter((s) => s.name === STREAM.OutputRoomEvent));
await bus.consume({ stream: STREAM.OutputRoomEvent, durable: 'child' }, async () => {});
let stalled = false;
const publish = bus.publish.bind(bus);
// In "stall" mode the bus stops acknowledging: events are stored but never marked sent.
bus.publish = (subject, data, headers) => (stalled ? new Promise(() => {}) : publish(subject, data, headers));

const rs = await buildRoomserver({ db, bus, log, serverName: SERVER, signingKey: { keyId: KEY_ID, seed: SEED } });
const alice = user('alice');
const { roomId } = await rs.createRoom(roomRequest('10', alice));
const say = (line: string) => process.stdout.write(`${line}\n`);
say(`ROOM ${roomId}`);

if (mode === 'stall') {
  stalled = true;
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    void rs.sendEvent({ roomId, sender: alice, event: message(`stalled ${i}`) });
  }
  await rs.idle();
  const latest = await rs.latestEvents(roomId);
  ids.push(...latest.eventIds);
  say(`STORED ${ids.join(' ')}`);
  await new Promise(() => {});
} else {
  // Two rooms at once, so the kill also lands between rooms' transactions.
  const { roomId: other } = await rs.createRoom(roomRequest('10', alice));
  let i = 0;
  const pump = async (room: string) => {
    for (;;) {
      const { eventId } = await rs.sendEvent({ roomId: room, sender: alice, event: message(`m${i++}`) });
      if (room === roomId) say(`ACK ${eventId}`);
    }
  };
  await Promise.all([pump(roomId), pump(other)]);
}
