// Pushes to a push gateway over HTTP (Push Gateway API, "POST /_matrix/push/v1/notify"), to a
// real server on 127.0.0.1, after SyTest's tests/61push/01message-pushed.pl and
// 08_rejected_pushers.pl.
import { afterAll, afterEach, beforeAll, expect, test } from 'bun:test';
import type { Server } from 'bun';
import { forEachDatabase } from '../../../helpers/databases.ts';
import { type PushHarness, type TestUser, client, eventually, pushHarness } from './harness.ts';

interface Received {
  contentType: string | null;
  // biome-ignore lint: bodies are checked field by field
  body: any;
}

/** A push gateway: records each request and answers with what `answer` says. */
function startGateway() {
  const received: Received[] = [];
  let answer: (body: any, n: number) => Response | Promise<Response> = () => Response.json({});
  const held: (() => void)[] = [];
  const server: Server<undefined> = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      if (new URL(req.url).pathname !== '/_matrix/push/v1/notify') return new Response('no', { status: 404 });
      const body = await req.json();
      received.push({ contentType: req.headers.get('content-type'), body });
      return answer(body, received.length);
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}/_matrix/push/v1/notify`,
    received,
    answerWith(f: typeof answer) {
      answer = f;
    },
    /** A response that only comes when release() is called. */
    hold(): Promise<Response> {
      return new Promise((resolve) => held.push(() => resolve(Response.json({}))));
    },
    release() {
      for (const r of held.splice(0)) r();
    },
    stop: () => server.stop(true),
  };
}

forEachDatabase('push: pushers and the push gateway', (dbc) => {
  let h: PushHarness;
  let c: ReturnType<typeof client>;
  let gw: ReturnType<typeof startGateway>;
  beforeAll(async () => {
    h = await pushHarness(dbc);
    c = client(h);
    gw = startGateway();
  });
  afterEach(async () => {
    gw.release();
    await h.userapi.pushesIdle();
    gw.answerWith(() => Response.json({}));
    gw.received.length = 0;
  });
  afterAll(async () => {
    await h.close();
    gw.stop();
  });

  const setPusher = (user: TestUser, pushkey: string, data: Record<string, unknown> = {}) =>
    h.userapi.api.setPusher(user.userId, user.deviceId, {
      kind: 'http',
      app_id: 'org.example.app',
      pushkey,
      app_display_name: 'App',
      device_display_name: 'Phone',
      lang: 'en',
      data: { url: gw.url, ...data },
    });
  const pushesFor = (eventId: string) => gw.received.filter((r) => r.body.notification.event_id === eventId);

  test('a notified event is pushed with its content, counts and the device (Content-Type application/json)', async () => {
    const [alice, bob] = [await c.register(), await c.register()];
    const roomId = await c.roomWith(bob, alice);
    await c.putState(bob, roomId, 'm.room.name', { name: 'Mission Control' });
    await setPusher(alice, 'key-a', { custom: 'kept' });
    const eventId = await c.text(bob, roomId, 'floating in a most peculiar way');
    const [push] = await eventually(async () => (pushesFor(eventId).length > 0 ? pushesFor(eventId) : undefined), 'the push');
    expect(push!.contentType).toBe('application/json');
    const n = push!.body.notification;
    expect(n).toMatchObject({
      event_id: eventId,
      id: eventId,
      room_id: roomId,
      type: 'm.room.message',
      sender: bob.userId,
      sender_display_name: bob.localpart,
      room_name: 'Mission Control',
      content: { msgtype: 'm.text', body: 'floating in a most peculiar way' },
      counts: { unread: 1 },
      prio: 'high',
    });
    expect(n.devices).toEqual([
      { app_id: 'org.example.app', pushkey: 'key-a', pushkey_ts: expect.any(Number), data: { custom: 'kept' }, tweaks: { sound: 'default' } },
    ]);

    // Reading it sends the badge down to zero.
    await c.receipt(alice, roomId, eventId);
    const badge = await eventually(async () => gw.received.find((r) => r.body.notification.event_id === undefined), 'the badge push');
    expect(badge.body.notification.counts).toEqual({ unread: 0 });
  });

  test('format event_id_only sends only the IDs, counts and devices', async () => {
    const [alice, bob] = [await c.register(), await c.register()];
    const roomId = await c.roomWith(bob, alice);
    await setPusher(alice, 'key-b', { format: 'event_id_only' });
    const eventId = await c.text(bob, roomId, 'secret');
    const [push] = await eventually(async () => (pushesFor(eventId).length > 0 ? pushesFor(eventId) : undefined), 'the push');
    expect(Object.keys(push!.body.notification).sort()).toEqual(['counts', 'devices', 'event_id', 'prio', 'room_id']);
    expect(push!.body.notification.devices[0].data).toEqual({ format: 'event_id_only' });
  });

  test('an invite is pushed to the invitee with membership and user_is_target (SyTest "Invites are pushed")', async () => {
    const [alice, bob] = [await c.register(), await c.register()];
    await setPusher(alice, 'key-c');
    const roomId = await c.createRoom(bob, { name: 'Invited Here' });
    await c.invite(bob, roomId, alice.userId);
    const push = await eventually(async () => gw.received.find((r) => r.body.notification.type === 'm.room.member'), 'the invite push');
    expect(push.body.notification).toMatchObject({ room_id: roomId, sender: bob.userId, membership: 'invite', user_is_target: true, room_name: 'Invited Here' });
  });

  test('a gateway that rejects a pushkey gets that pusher removed, the others stay', async () => {
    const [alice, bob] = [await c.register(), await c.register()];
    const roomId = await c.roomWith(bob, alice);
    await setPusher(alice, 'key_1');
    await setPusher(alice, 'key_2');
    gw.answerWith((body) => Response.json({ rejected: body.notification.devices[0].pushkey === 'key_1' ? ['key_1'] : [] }));
    await c.text(bob, roomId, 'message');
    const left = await eventually(async () => {
      const ps = await h.userapi.api.getPushers(alice.userId);
      return ps.length === 1 ? ps : undefined;
    }, 'the rejected pusher to go');
    expect(left[0]!.pushkey).toBe('key_2');
  });

  test('a failing gateway is retried; a silent one holds up no other push', async () => {
    const [alice, bob] = [await c.register(), await c.register()];
    const roomId = await c.roomWith(bob, alice);
    await setPusher(alice, 'key-r');
    gw.answerWith((_body, n) => (n === 1 ? new Response('overloaded', { status: 503 }) : n === 3 ? gw.hold() : Response.json({})));
    const first = await c.text(bob, roomId, 'first');
    await eventually(async () => pushesFor(first).length === 2, 'the retry');
    // The third request is held unanswered; the fourth still arrives.
    await c.text(bob, roomId, 'second');
    const third = await c.text(bob, roomId, 'third');
    await eventually(async () => pushesFor(third).length === 1, 'a push past the held one');
  });
});
