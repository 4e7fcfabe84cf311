// Push over the real room server and bus (Client-Server API, "Push Notifications", "Server
// behaviour" and "Receiving notifications"): each new event is evaluated for the room's other
// local members by their rules, and the counts the sync API relays follow.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { STREAM } from '../../../../src/bus/streams.ts';
import type { OutputNotificationData } from '../../../../src/syncapi/api.ts';
import { forEachDatabase } from '../../../helpers/databases.ts';
import { type PushHarness, call, client, enc, eventually, pushHarness, v3 } from './harness.ts';

forEachDatabase('push: notifications from room events', (dbc) => {
  let h: PushHarness;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    h = await pushHarness(dbc);
    c = client(h);
  });
  afterAll(() => h.close());

  describe('default rules (Client-Server API, "Predefined Rules")', () => {
    test('.m.rule.room_one_to_one: a message in a room of two notifies the other member, never the sender', async () => {
      const [alice, bob] = [await c.register(), await c.register()];
      const roomId = await c.roomWith(alice, bob);
      await c.text(bob, roomId, 'hello');
      await c.countsBecome(alice, roomId, 1, 0);
      await c.settle();
      expect(await c.counts(bob, roomId)).toMatchObject({ notification_count: 0, highlight_count: 0 });
      const [n] = (await h.userapi.api.getNotifications(alice.userId, {})).notifications;
      expect(n).toMatchObject({ room_id: roomId, read: false, highlight: false, actions: ['notify', { set_tweak: 'sound', value: 'default' }] });
    });

    test('.m.rule.message notifies in group rooms; notices, reactions, edits and joins do not', async () => {
      const [alice, bob, carol] = [await c.register(), await c.register(), await c.register()];
      const roomId = await c.roomWith(alice, bob, carol);
      const first = await c.text(bob, roomId, 'first');
      await c.send(bob, roomId, { msgtype: 'm.notice', body: 'I am a bot' });
      await c.send(bob, roomId, { 'm.relates_to': { rel_type: 'm.annotation', event_id: first, key: '👍' } }, 'm.reaction');
      await c.text(bob, roomId, '* first!', { 'm.new_content': { msgtype: 'm.text', body: 'first!' }, 'm.relates_to': { rel_type: 'm.replace', event_id: first } });
      await c.settle();
      expect(await c.counts(alice, roomId)).toMatchObject({ notification_count: 1, highlight_count: 0 });
      expect(await c.counts(carol, roomId)).toMatchObject({ notification_count: 1, highlight_count: 0 });
    });

    test('.m.rule.is_user_mention and the display name (without m.mentions) highlight', async () => {
      const [alice, bob, carol] = [await c.register(), await c.register(), await c.register()];
      const roomId = await c.roomWith(alice, bob, carol);
      await c.text(bob, roomId, 'hey you', { 'm.mentions': { user_ids: [alice.userId] } });
      await c.countsBecome(alice, roomId, 1, 1);
      // The display name is the localpart by default.
      await c.text(bob, roomId, `hello ${alice.localpart}, how are you`);
      await c.countsBecome(alice, roomId, 2, 2);
      // With m.mentions present, a name in the body is no mention (v1.7's intentional mentions).
      await c.text(bob, roomId, `hello ${alice.localpart}`, { 'm.mentions': {} });
      await c.countsBecome(alice, roomId, 3, 2);
      expect((await c.counts(carol, roomId)).highlight_count).toBe(0);
    });

    test('.m.rule.is_room_mention needs the sender to reach notifications.room', async () => {
      const [alice, bob, carol] = [await c.register(), await c.register(), await c.register()];
      const roomId = await c.roomWith(alice, bob, carol);
      // bob is a plain member (0 < 50): notified, not highlighted.
      await c.text(bob, roomId, 'everyone!', { 'm.mentions': { room: true } });
      await c.countsBecome(carol, roomId, 1, 0);
      // alice created the room (100).
      await c.text(alice, roomId, 'everyone!', { 'm.mentions': { room: true } });
      await c.countsBecome(carol, roomId, 2, 1);
    });

    test('encrypted events notify in rooms of two and of more (.m.rule.encrypted_room_one_to_one, .m.rule.encrypted)', async () => {
      const [alice, bob, carol] = [await c.register(), await c.register(), await c.register()];
      const two = await c.roomWith(alice, bob);
      const three = await c.roomWith(alice, bob, carol);
      const encrypted = { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AwgA', sender_key: 'k', session_id: 's', device_id: 'D' };
      await c.send(bob, two, encrypted, 'm.room.encrypted');
      await c.send(bob, three, encrypted, 'm.room.encrypted');
      await c.countsBecome(alice, two, 1, 0);
      await c.countsBecome(alice, three, 1, 0);
      const actions = (await h.userapi.api.getNotifications(alice.userId, { limit: 2 })).notifications.map((n) => n.actions);
      expect(actions).toEqual([['notify'], ['notify', { set_tweak: 'sound', value: 'default' }]]);
    });

    test('.m.rule.invite_for_me notifies the invitee, who is not a member yet', async () => {
      const [alice, bob] = [await c.register(), await c.register()];
      const roomId = await c.createRoom(bob);
      await c.invite(bob, roomId, alice.userId);
      await c.countsBecome(alice, roomId, 1, 0);
    });

    test('.m.rule.tombstone highlights the members of an upgraded room', async () => {
      const [alice, bob] = [await c.register(), await c.register()];
      const roomId = await c.roomWith(bob, alice);
      await c.putState(bob, roomId, 'm.room.tombstone', { body: 'moved', replacement_room: '!elsewhere:test.example' });
      await c.countsBecome(alice, roomId, 1, 1);
    });
  });

  describe('user-defined rules (Client-Server API, "Push Rules: API")', () => {
    test('a room rule with no actions mutes a room; a sender rule; a content rule that highlights', async () => {
      const [alice, bob, carol] = [await c.register(), await c.register(), await c.register()];
      const muted = await c.roomWith(alice, bob, carol);
      const other = await c.roomWith(alice, bob, carol);
      await h.userapi.api.setPushRule({ userId: alice.userId, kind: 'room', ruleId: muted, rule: { actions: ['dont_notify'] } });
      await h.userapi.api.setPushRule({ userId: alice.userId, kind: 'sender', ruleId: carol.userId, rule: { actions: [] } });
      await h.userapi.api.setPushRule({
        userId: alice.userId,
        kind: 'content',
        ruleId: 'cake',
        rule: { pattern: 'cake*', actions: ['notify', { set_tweak: 'highlight', value: true }] },
      });
      await c.text(bob, muted, 'nobody hears this');
      await c.text(carol, other, 'nor this');
      await c.text(bob, other, 'plain');
      await c.text(bob, muted, 'cakes!');
      await c.settle();
      expect(await c.counts(alice, muted)).toMatchObject({ notification_count: 1, highlight_count: 1 });
      expect(await c.counts(alice, other)).toMatchObject({ notification_count: 1, highlight_count: 0 });
    });

    test('enabling .m.rule.master silences everything', async () => {
      const [alice, bob] = [await c.register(), await c.register()];
      const roomId = await c.roomWith(alice, bob);
      await h.userapi.api.setPushRuleEnabled(alice.userId, 'override', '.m.rule.master', true);
      await c.text(bob, roomId, 'hello', { 'm.mentions': { user_ids: [alice.userId] } });
      await c.settle();
      expect((await c.counts(alice, roomId)).notification_count).toBe(0);
    });
  });

  test('a room rule follows its user into the upgraded room (Client-Server API, "Room Upgrades")', async () => {
    const [alice, bob] = [await c.register(), await c.register()];
    const roomId = await c.roomWith(bob, alice);
    await h.userapi.api.setPushRule({ userId: alice.userId, kind: 'room', ruleId: roomId, rule: { actions: ['dont_notify'] } });
    await h.userapi.api.setPushRule({
      userId: alice.userId,
      kind: 'override',
      ruleId: 'loud',
      rule: { actions: ['notify'], conditions: [{ kind: 'event_match', key: 'room_id', pattern: roomId }] },
    });
    const up = await call(h.app, 'POST', v3(`/rooms/${enc(roomId)}/upgrade`), { new_version: '11' }, bob.token);
    expect(up.status).toBe(200);
    const newRoom = up.body.replacement_room as string;
    await c.join(alice, newRoom);
    const rules = await eventually(async () => {
      const rs = await h.userapi.api.getPushRules(alice.userId);
      return rs.room.some((r) => r.rule_id === newRoom) ? rs : undefined;
    }, 'the copied room rule');
    expect(rules.room.map((r) => r.rule_id)).toEqual([newRoom, roomId]);
    expect(rules.override.find((r) => r.rule_id === `loud-${newRoom}`)?.conditions).toEqual([{ kind: 'event_match', key: 'room_id', pattern: newRoom }]);
  });

  describe('reading notifications (Client-Server API, "Marking notifications as read")', () => {
    test('m.read and m.read.private receipts read up to and including their event', async () => {
      const [alice, bob] = [await c.register(), await c.register()];
      const roomId = await c.roomWith(alice, bob);
      const e1 = await c.text(bob, roomId, 'one');
      const e2 = await c.text(bob, roomId, 'two', { 'm.mentions': { user_ids: [alice.userId] } });
      await c.text(bob, roomId, 'three');
      await c.countsBecome(alice, roomId, 3, 1);
      await c.receipt(alice, roomId, e1, { type: 'm.read.private' });
      await c.countsBecome(alice, roomId, 2, 1);
      await c.receipt(alice, roomId, e2);
      await c.countsBecome(alice, roomId, 1, 0);
      // A receipt further back changes nothing: the one further ahead wins.
      await c.receipt(alice, roomId, e1);
      await c.settle();
      expect((await c.counts(alice, roomId)).notification_count).toBe(1);
      const listed = (await h.userapi.api.getNotifications(alice.userId, {})).notifications.map((n) => n.read);
      expect(listed).toEqual([false, true, true]);
    });

    test('threaded receipts read only their thread; an unthreaded one reads all (v1.4 threaded read receipts)', async () => {
      const [alice, bob, carol] = [await c.register(), await c.register(), await c.register()];
      const roomId = await c.roomWith(alice, bob, carol);
      const root = await c.text(bob, roomId, 'root');
      const inThread = await c.text(bob, roomId, 'in thread', { 'm.relates_to': { rel_type: 'm.thread', event_id: root } });
      // A reaction to a thread message belongs to that thread (followed through its relation).
      await c.send(bob, roomId, { 'm.relates_to': { rel_type: 'm.reference', event_id: inThread } }, 'm.room.message');
      const main = await c.text(bob, roomId, 'main again');
      const counts = await c.countsBecome(alice, roomId, 4, 0);
      expect(counts.main).toEqual({ notification_count: 2, highlight_count: 0 });
      expect(counts.threads).toEqual({ [root]: { notification_count: 2, highlight_count: 0 } });
      await c.receipt(alice, roomId, main, { threadId: 'main' });
      const afterMain = await c.countsBecome(alice, roomId, 2, 0);
      expect(afterMain.threads[root]!.notification_count).toBe(2);
      await c.receipt(alice, roomId, inThread, { threadId: root });
      await c.countsBecome(alice, roomId, 1, 0);
      await c.receipt(carol, roomId, main);
      await c.countsBecome(carol, roomId, 0, 0);
    });

    test("sending a message reads the sender's own notifications before it", async () => {
      const [alice, bob] = [await c.register(), await c.register()];
      const roomId = await c.roomWith(alice, bob);
      // Alice has nothing unread when she first speaks; later notifications are still read by her next message.
      await c.text(alice, roomId, 'hello');
      for (const round of [1, 2]) {
        await c.text(bob, roomId, `question ${round}?`);
        await c.countsBecome(alice, roomId, 1, 0);
        await c.text(alice, roomId, `answer ${round}`);
        await c.countsBecome(alice, roomId, 0, 0);
      }
    });

    test("another user's receipt, and an unknown event's, change nothing", async () => {
      const [alice, bob] = [await c.register(), await c.register()];
      const roomId = await c.roomWith(alice, bob);
      const e = await c.text(bob, roomId, 'hi');
      await c.countsBecome(alice, roomId, 1, 0);
      await c.receipt(bob, roomId, e);
      await c.receipt(alice, roomId, '$unknown:test.example');
      await c.settle();
      expect((await c.counts(alice, roomId)).notification_count).toBe(1);
    });
  });

  test('every count change is published on OutputNotificationData for the sync API', async () => {
    const [alice, bob] = [await c.register(), await c.register()];
    const roomId = await c.roomWith(alice, bob);
    const seen: OutputNotificationData[] = [];
    const sub = await h.bus.consume({ stream: STREAM.OutputNotificationData, durable: `PushTestWatcher${dbc.kind}` }, async (m) => {
      const n = m.json<OutputNotificationData>();
      if (n.userId === alice.userId && m.headers.user_id === alice.userId) seen.push(n);
    });
    try {
      const e = await c.text(bob, roomId, 'hi', { 'm.mentions': { user_ids: [alice.userId] } });
      await eventually(async () => seen.length === 1, 'the first message');
      await c.receipt(alice, roomId, e);
      await eventually(async () => seen.length === 2, 'the receipt');
      expect(seen).toEqual([
        { userId: alice.userId, roomId, notificationCount: 1, highlightCount: 1 },
        { userId: alice.userId, roomId, notificationCount: 0, highlightCount: 0 },
      ]);
    } finally {
      await sub.stop();
    }
  });

  test('GET /notifications pages: newest first, next_token, only=highlight', async () => {
    const [alice, bob] = [await c.register(), await c.register()];
    const roomId = await c.roomWith(alice, bob);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await c.text(bob, roomId, `m${i}`, i % 2 === 0 ? { 'm.mentions': { user_ids: [alice.userId] } } : {}));
    await c.countsBecome(alice, roomId, 5, 3);
    const api = h.userapi.api;
    const p1 = await api.getNotifications(alice.userId, { limit: 2 });
    const p2 = await api.getNotifications(alice.userId, { limit: 2, from: p1.nextToken });
    const p3 = await api.getNotifications(alice.userId, { limit: 2, from: p2.nextToken });
    expect([...p1.notifications, ...p2.notifications, ...p3.notifications].map((n) => n.event_id)).toEqual([...ids].reverse());
    expect(p3.nextToken).toBeUndefined();
    const highlights = await api.getNotifications(alice.userId, { only: 'highlight' });
    expect(highlights.notifications.map((n) => n.event_id)).toEqual([ids[4], ids[2], ids[0]]);
  });
});
