// Crash safety (DESIGN.md, "How a message flows"; the room server's storage contract): a child
// process sending events is killed with SIGKILL; the database it leaves must hold every event
// whose sendEvent had resolved, no half-written transaction, and the OutputRoomEvent messages
// that were stored but not acknowledged are published at the next start, in order.
import { afterAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import type { OutputRoomEvent } from '../../../src/roomserver/api.ts';
import { decodeBlockList } from '../../../src/roomserver/state/snapshot.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { message, openHarness, user, type Harness } from './harness.ts';

const CHILD = join(import.meta.dir, 'crash-child.ts');

/** Runs the child until `done(lines)` holds, then kills it with SIGKILL. */
async function runChild(connection: string, mode: string, done: (lines: string[]) => boolean): Promise<string[]> {
  const proc = Bun.spawn([process.execPath, CHILD, connection, mode], { stdout: 'pipe', stderr: 'inherit' });
  const lines: string[] = [];
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = proc.stdout.getReader();
  const deadline = Date.now() + 20_000;
  try {
    while (!done(lines)) {
      if (Date.now() > deadline) throw new Error(`child did not get there in time; last lines: ${lines.slice(-3).join(' | ')}`);
      const { value, done: ended } = await reader.read();
      if (ended) throw new Error(`child exited early (${await proc.exited}); lines: ${lines.slice(-3).join(' | ')}`);
      buffer += decoder.decode(value, { stream: true });
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      lines.push(...parts);
    }
  } finally {
    proc.kill('SIGKILL');
    await proc.exited;
  }
  return lines;
}

forEachDatabase('roomserver crash safety', (ctx) => {
  let h: Harness | undefined;
  afterAll(async () => h?.close());

  test('SIGKILL mid-input: every acknowledged event is stored, nothing is half-written', async () => {
    const lines = await runChild(ctx.connectionString(), 'send', (l) => l.filter((x) => x.startsWith('ACK ')).length >= 150);
    const roomId = lines.find((l) => l.startsWith('ROOM '))!.slice(5);
    const acked = lines.filter((l) => l.startsWith('ACK ')).map((l) => l.slice(4));
    const db = ctx.db();

    // No event naming a snapshot that was not written, no snapshot naming a missing block.
    const missingSnapshots = await db.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM roomserver_events e LEFT JOIN roomserver_state_snapshots s ON s.state_snapshot_nid = e.state_after_nid
       WHERE e.state_after_nid <> 0 AND s.state_snapshot_nid IS NULL`,
    );
    expect(missingSnapshots!.n).toBe(0);
    const snapshots = await db.all<{ block_nids: Uint8Array }>('SELECT block_nids FROM roomserver_state_snapshots');
    const blocks = new Set((await db.all<{ n: number }>('SELECT state_block_nid AS n FROM roomserver_state_blocks')).map((r) => r.n));
    for (const s of snapshots) for (const nid of decodeBlockList(s.block_nids)) if (nid !== 0) expect(blocks.has(nid)).toBe(true);
    const queued = await db.all<{ message: string }>('SELECT message FROM roomserver_output_queue ORDER BY output_id');
    const unsent = queued.map((q) => JSON.parse(q.message) as OutputRoomEvent).flatMap((m) => (m.kind === 'new_room_event' ? [m.event.eventId] : []));

    h = await openHarness(db);
    const stored = await h.rs.eventsById(acked);
    expect(stored.map((e) => e.eventId)).toEqual(acked);

    // The room's forward extremity is the last event stored for it, and the chain back from it
    // is whole: every prev event is there.
    const latest = await h.rs.latestEvents(roomId);
    expect(latest.eventIds).toHaveLength(1);
    const maxRow = await db.get<{ event_id: string }>(
      `SELECT event_id FROM roomserver_events WHERE room_nid = (SELECT room_nid FROM roomserver_rooms WHERE room_id = $1)
       ORDER BY event_nid DESC LIMIT 1`,
      [roomId],
    );
    expect(latest.eventIds[0]).toBe(maxRow!.event_id);
    let cursor = latest.eventIds[0]!;
    let walked = 0;
    for (;;) {
      const [e] = await h.rs.eventsById([cursor]);
      expect(e).toBeDefined();
      walked++;
      if (e!.json.prev_events.length === 0) break;
      cursor = e!.json.prev_events[0] as string;
    }
    expect(walked).toBeGreaterThanOrEqual(acked.length + 5);

    // Messages stored but not acknowledged by the bus were published again at start, in order.
    await h.until(unsent.length);
    const republished = h.got.flatMap((m) => (m.kind === 'new_room_event' ? [m.event.eventId] : []));
    expect(republished.slice(0, unsent.length)).toEqual(unsent);

    // And the room goes on from where it was.
    const next = await h.rs.sendEvent({ roomId, sender: user('alice'), event: message('after the crash') });
    const [e] = await h.rs.eventsById([next.eventId]);
    expect(e!.json.prev_events).toEqual(latest.eventIds);
    await h.close();
    h = undefined;
  }, 60_000);

  test('events stored but never acknowledged by the bus are published at the next start', async () => {
    const lines = await runChild(ctx.connectionString(), 'stall', (l) => l.some((x) => x.startsWith('STORED ')));
    const roomId = lines.find((l) => l.startsWith('ROOM '))!.slice(5);
    const [last] = lines.find((l) => l.startsWith('STORED '))!.slice(7).split(' ');
    h = await openHarness(ctx.db());
    await h.until(3);
    await h.settled();
    const mine = h.got.filter((m) => m.kind === 'new_room_event' && m.roomId === roomId) as Extract<OutputRoomEvent, { kind: 'new_room_event' }>[];
    const bodies = mine.map((m) => m.event.json.content.body).filter((b) => typeof b === 'string');
    expect(bodies).toEqual(['stalled 0', 'stalled 1', 'stalled 2']);
    expect(mine[mine.length - 1]!.event.eventId).toBe(last!);
    expect(mine[mine.length - 1]!.latestEventIds).toEqual([last!]);
    // Once published, they are marked sent: a further restart publishes nothing again.
    await h.close();
    const queued = await ctx.db().get<{ n: number }>('SELECT COUNT(*) AS n FROM roomserver_output_queue');
    expect(queued!.n).toBe(0);
    h = undefined;
  }, 60_000);
});
