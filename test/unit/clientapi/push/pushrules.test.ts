// The push rules endpoints (Client-Server API, "Push Rules: API", pushrules.yaml), after SyTest's
// tests/61push/02add_rules.pl, 05_set_actions.pl, 07_set_enabled.pl and 80torture.pl.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { forEachDatabase } from '../../../helpers/databases.ts';
import { type PushHarness, type TestUser, call, client, enc, pushHarness, v3 } from '../../userapi/push/harness.ts';

forEachDatabase('push rules API', (dbc) => {
  let h: PushHarness;
  let c: ReturnType<typeof client>;
  let user: TestUser;
  beforeAll(async () => {
    h = await pushHarness(dbc);
    c = client(h);
    user = await c.register();
  });
  afterAll(() => h.close());

  const req = (method: string, path: string, body?: unknown, who = user) => call(h.app, method, v3(`/pushrules${path}`), body, who.token);
  const rule = (kind: string, id: string) => `/global/${kind}/${enc(id)}`;

  describe('adding rules of each kind, read back by every GET', () => {
    const cases: [string, string, Record<string, unknown>][] = [
      ['room', '#spam:example.com', {}],
      ['sender', '@bob:example.com', {}],
      ['content', 'my_content_rule', { pattern: 'my_pattern' }],
      ['override', 'my_override_rule', { conditions: [{ kind: 'event_match', key: 'content.msgtype', pattern: 'm.notice' }] }],
      ['underride', 'my_underride_rule', { conditions: [{ kind: 'event_match', key: 'content.msgtype', pattern: 'm.notice' }] }],
      ['content', 'тест', { pattern: 'тест' }],
    ];
    for (const [kind, id, extra] of cases) {
      test(`${kind} rule ${id}`, async () => {
        const u = await c.register();
        expect((await req('PUT', rule(kind, id), { actions: ['notify'], ...extra }, u)).status).toBe(200);
        const one = await req('GET', rule(kind, id), undefined, u);
        expect(one.body).toEqual({ rule_id: id, default: false, enabled: true, actions: ['notify'], ...extra });
        // The most important user-defined rule: after .m.rule.master for overrides, else first.
        expect((await req('GET', `/global/${kind}/`, undefined, u)).body[kind === 'override' ? 1 : 0]).toEqual(one.body);
        expect((await req('GET', '/global/', undefined, u)).body[kind]).toContainEqual(one.body);
        expect((await req('GET', '/', undefined, u)).body.global[kind]).toContainEqual(one.body);
        expect((await req('GET', `${rule(kind, id)}/enabled`, undefined, u)).body).toEqual({ enabled: true });
        expect((await req('GET', `${rule(kind, id)}/actions`, undefined, u)).body).toEqual({ actions: ['notify'] });
        // The ruleset is m.push_rules account data (Client-Server API, "Push Rules: Events").
        const stored = await h.userapi.api.getAccountData(u.userId, '', 'm.push_rules');
        expect((stored as any).global[kind]).toContainEqual(one.body);
      });
    }
  });

  test('the default ruleset has every kind and the spec\'s rules in order', async () => {
    const r = await req('GET', '/');
    expect(Object.keys(r.body.global).sort()).toEqual(['content', 'override', 'room', 'sender', 'underride']);
    const ids = (k: string) => r.body.global[k].map((x: { rule_id: string }) => x.rule_id);
    expect(ids('override')[0]).toBe('.m.rule.master');
    expect(ids('override')).toContain('.m.rule.is_user_mention');
    expect(ids('underride')).toEqual(['.m.rule.call', '.m.rule.encrypted_room_one_to_one', '.m.rule.room_one_to_one', '.m.rule.message', '.m.rule.encrypted']);
    const invite = r.body.global.override.find((x: { rule_id: string }) => x.rule_id === '.m.rule.invite_for_me');
    expect(invite.conditions).toContainEqual({ kind: 'event_match', key: 'state_key', pattern: user.userId });
  });

  test('new rules come first; before and after place a rule next to another; adding twice is idempotent', async () => {
    const u = await c.register();
    for (const id of ['#a:example.com', '#b:example.com']) await req('PUT', rule('room', id), { actions: ['notify'] }, u);
    await req('PUT', `${rule('room', '#c:example.com')}?before=${enc('#a:example.com')}`, { actions: ['notify'] }, u);
    await req('PUT', `${rule('room', '#d:example.com')}?after=${enc('#b:example.com')}`, { actions: ['notify'] }, u);
    await req('PUT', rule('room', '#b:example.com'), { actions: ['notify'] }, u);
    const rooms = (await req('GET', '/global/room/', undefined, u)).body.map((r: { rule_id: string }) => r.rule_id);
    expect(rooms).toEqual(['#b:example.com', '#d:example.com', '#c:example.com', '#a:example.com']);
    const unknown = await req('PUT', `${rule('room', '#e:example.com')}?before=nope`, { actions: ['notify'] }, u);
    expect([unknown.status, unknown.body.errcode]).toEqual([400, 'M_UNKNOWN']);
    const beforeDefault = await req('PUT', `${rule('override', 'x')}?after=.m.rule.master`, { actions: ['notify'] }, u);
    expect(beforeDefault.status).toBe(400);
  });

  test('delete, disable, and change the actions of rules; default rules only their enabled and actions', async () => {
    const u = await c.register();
    await req('PUT', rule('sender', '@bob:example.com'), { actions: ['notify'] }, u);
    expect((await req('PUT', `${rule('sender', '@bob:example.com')}/enabled`, { enabled: false }, u)).status).toBe(200);
    expect((await req('GET', rule('sender', '@bob:example.com'), undefined, u)).body.enabled).toBe(false);
    expect((await req('PUT', `${rule('sender', '@bob:example.com')}/actions`, { actions: ['dont_notify'] }, u)).status).toBe(200);
    expect((await req('GET', `${rule('sender', '@bob:example.com')}/actions`, undefined, u)).body).toEqual({ actions: ['dont_notify'] });
    expect((await req('DELETE', rule('sender', '@bob:example.com'), undefined, u)).status).toBe(200);
    expect((await req('GET', rule('sender', '@bob:example.com'), undefined, u)).status).toBe(404);
    expect((await req('DELETE', rule('sender', '@bob:example.com'), undefined, u)).status).toBe(404);

    // Every default rule's actions and enabled can be changed (SyTest 05_set_actions, 07_set_enabled).
    const all = (await req('GET', '/', undefined, u)).body.global as Record<string, { rule_id: string }[]>;
    for (const [kind, rules] of Object.entries(all)) {
      for (const r of rules) {
        expect((await req('PUT', `${rule(kind, r.rule_id)}/actions`, { actions: ['dont_notify'] }, u)).status).toBe(200);
        expect((await req('PUT', `${rule(kind, r.rule_id)}/enabled`, { enabled: false }, u)).status).toBe(200);
      }
    }
    const after = (await req('GET', '/', undefined, u)).body.global as Record<string, { enabled: boolean; actions: unknown[]; default: boolean }[]>;
    for (const rules of Object.values(after)) for (const r of rules) expect([r.enabled, r.actions, r.default]).toEqual([false, ['dont_notify'], true]);
    expect((await req('DELETE', rule('override', '.m.rule.master'), undefined, u)).status).toBe(400);
    expect((await req('PUT', rule('override', '.m.rule.master'), { actions: [] }, u)).status).toBe(400);
    expect((await req('PUT', `${rule('override', '.not.a.default.rule')}/actions`, { actions: ['notify'] }, u)).status).toBe(404);
    expect((await req('PUT', `${rule('override', '.not.a.default.rule')}/enabled`, { enabled: true }, u)).status).toBe(404);
    expect((await req('PUT', `${rule('sender', '@nobody:example.com')}/actions`, { actions: ['notify'] }, u)).status).toBe(404);
  });

  describe('malformed requests (SyTest 80torture.pl)', () => {
    const puts: [string, string, Record<string, unknown>][] = [
      ['no scope', '/', {}],
      ['invalid scope', `/not_a_scope/room/${enc('#spam:example.com')}`, { actions: ['notify'] }],
      ['missing template', '/global', {}],
      ['missing rule_id', '/global/room', {}],
      ['empty rule_id', '/global/room/', {}],
      ['invalid template', '/global/not_a_template/foo', { actions: ['notify'] }],
      ['rule_id with backslashes', `/global/room/${enc('#fo\\o:example.com')}`, { actions: ['notify'] }],
      ['rule_id with slashes', `/global/room/${enc('#fo/o:example.com')}`, { actions: ['notify'] }],
      ['override rule without actions', '/global/override/my_id', {}],
      ['condition without kind', '/global/underride/my_id', { actions: ['notify'], conditions: [{}] }],
      ['content rule without pattern', '/global/content/my_id', { actions: ['notify'] }],
      ['no actions', `/global/room/${enc('#my_room:example.com')}`, {}],
      ['invalid action', `/global/room/${enc('#my_room:example.com')}`, { actions: ['not_an_action'] }],
      ['invalid attr', '/global/override/.m.rule.master/not_an_attr', { enabled: true }],
      ['invalid value for enabled', '/global/override/.m.rule.master/enabled', { enabled: 'not a boolean' }],
    ];
    for (const [name, path, body] of puts) {
      test(`PUT with ${name} is 400`, async () => {
        expect((await req('PUT', path, body)).status).toBe(400);
      });
    }
    test('GET /pushrules without its trailing slash is 404', async () => {
      expect((await req('GET', '')).status).toBe(404);
    });
    for (const path of ['/global', '/global/room', '/not_a_scope/', '/global/not_a_template/', '/global/override/.m.rule.master/not_an_attr']) {
      test(`GET ${path} is 400`, async () => {
        expect((await req('GET', path)).status).toBe(400);
      });
    }
    test('GET of an unknown rule is 404 M_NOT_FOUND', async () => {
      const r = await req('GET', '/global/override/not_a_rule_id');
      expect([r.status, r.body.errcode]).toEqual([404, 'M_NOT_FOUND']);
    });
    test('an unknown action (such as the unstable mark_unread) is refused with 400', async () => {
      const r = await req('PUT', '/global/content/anything', { pattern: '*', actions: ['org.matrix.msc2625.mark_unread'] });
      expect([r.status, r.body.errcode]).toEqual([400, 'M_INVALID_PARAM']);
    });
    test('another method on a rule path is 405', async () => {
      expect((await req('POST', rule('room', '#x:example.com'), {})).status).toBe(405);
    });
  });
});
