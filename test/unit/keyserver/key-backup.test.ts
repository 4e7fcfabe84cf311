// Server-side key backups on both databases (Client-Server API, "Server-side key backups";
// key_backup.yaml), following SyTest tests/41end-to-end-keys/07-backup.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type Harness, type TestDevice, V3, call, keyserverHarness, newDevice } from './harness.ts';

const ALGORITHM = 'm.megolm_backup.v1.curve25519-aes-sha2';

forEachDatabase('keyserver key backup', (dbc) => {
  let h: Harness;
  let d: TestDevice;
  beforeAll(async () => {
    h = await keyserverHarness(dbc.db());
  });
  afterAll(() => h.close());

  const req = (method: string, path: string, body?: unknown, who = d) => call(h.app, method, `${V3}${path}`, body, who.token);
  const create = async (authData: unknown = { public_key: 'abc' }) => (await req('POST', '/room_keys/version', { algorithm: ALGORITHM, auth_data: authData })).body.version as string;
  const key = (fmi: number, fc: number, verified: boolean, data: unknown = { ciphertext: `c${fmi}${fc}${verified}` }) => ({
    first_message_index: fmi,
    forwarded_count: fc,
    is_verified: verified,
    session_data: data,
  });

  test('create, get latest and by version, update auth_data, with count and etag', async () => {
    d = await newDevice(h);
    expect((await req('GET', '/room_keys/version')).body).toEqual({ errcode: 'M_NOT_FOUND', error: 'No current backup version' });
    const v = await create('anopaquestring');
    const latest = await req('GET', '/room_keys/version');
    expect(latest.body).toEqual({ algorithm: ALGORITHM, auth_data: 'anopaquestring', count: 0, etag: '0', version: v });
    expect((await req('PUT', `/room_keys/version/${v}`, { algorithm: ALGORITHM, auth_data: { x: 1 }, version: v })).status).toBe(200);
    expect((await req('GET', `/room_keys/version/${v}`)).body.auth_data).toEqual({ x: 1 });
    const wrongAlgorithm = await req('PUT', `/room_keys/version/${v}`, { algorithm: 'other', auth_data: {} });
    expect([wrongAlgorithm.status, wrongAlgorithm.body.errcode]).toEqual([400, 'M_INVALID_PARAM']);
    const wrongVersion = await req('PUT', `/room_keys/version/${v}`, { algorithm: ALGORITHM, auth_data: {}, version: '999' });
    expect(wrongVersion.body.errcode).toBe('M_INVALID_PARAM');
    expect((await req('PUT', '/room_keys/version/999', { algorithm: ALGORITHM, auth_data: {} })).status).toBe(404);
    expect((await req('GET', '/room_keys/version/bogusversion')).body.errcode).toBe('M_NOT_FOUND');
    // Another user sees none of it.
    const other = await newDevice(h);
    expect((await req('GET', `/room_keys/version/${v}`, undefined, other)).status).toBe(404);
  });

  test('an empty backup: no session is M_NOT_FOUND, a room is {sessions: {}}, all is {rooms: {}}', async () => {
    d = await newDevice(h);
    const v = await create();
    expect((await req('GET', `/room_keys/keys/!notaroom/notasession?version=${v}`)).body.errcode).toBe('M_NOT_FOUND');
    expect((await req('GET', `/room_keys/keys/!notaroom?version=${v}`)).body).toEqual({ sessions: {} });
    expect((await req('GET', `/room_keys/keys?version=${v}`)).body).toEqual({ rooms: {} });
    expect((await req('GET', '/room_keys/keys?version=bogus')).body.errcode).toBe('M_NOT_FOUND');
    expect((await req('GET', '/room_keys/keys')).body.errcode).toBe('M_MISSING_PARAM');
  });

  test('storing keys by session, by room and all at once; each write changes the etag and gives the count', async () => {
    d = await newDevice(h);
    const v = await create();
    const one = await req('PUT', `/room_keys/keys/${encodeURIComponent('!a:x')}/s1?version=${v}`, key(3, 0, false, 'anopaquestring'));
    expect(one.body).toEqual({ etag: '1', count: 1 });
    const room = await req('PUT', `/room_keys/keys/${encodeURIComponent('!a:x')}?version=${v}`, { sessions: { s2: key(0, 0, true) } });
    expect(room.body).toEqual({ etag: '2', count: 2 });
    const all = await req('PUT', `/room_keys/keys?version=${v}`, { rooms: { '!b:x': { sessions: { s3: key(1, 1, false) } } } });
    expect(all.body).toEqual({ etag: '3', count: 3 });
    expect((await req('GET', `/room_keys/keys/${encodeURIComponent('!a:x')}/s1?version=${v}`)).body).toEqual(key(3, 0, false, 'anopaquestring'));
    const everything = await req('GET', `/room_keys/keys?version=${v}`);
    expect(everything.body).toEqual({
      rooms: { '!a:x': { sessions: { s1: key(3, 0, false, 'anopaquestring'), s2: key(0, 0, true) } }, '!b:x': { sessions: { s3: key(1, 1, false) } } },
    });
    const info = await req('GET', '/room_keys/version');
    expect([info.body.count, info.body.etag]).toEqual([3, '3']);
    expect((await req('DELETE', `/room_keys/keys/${encodeURIComponent('!a:x')}/s1?version=${v}`)).body).toEqual({ etag: '4', count: 2 });
    expect((await req('DELETE', `/room_keys/keys/${encodeURIComponent('!a:x')}?version=${v}`)).body).toEqual({ etag: '5', count: 1 });
    expect((await req('DELETE', `/room_keys/keys?version=${v}`)).body).toEqual({ etag: '6', count: 0 });
  });

  test('which key wins: is_verified, then lower first_message_index, then lower forwarded_count', async () => {
    d = await newDevice(h);
    const v = await create();
    const put = (k: object) => req('PUT', `/room_keys/keys/!r/s?version=${v}`, k);
    const get = async () => (await req('GET', `/room_keys/keys/!r/s?version=${v}`)).body;
    await put(key(2, 0, false));
    await put(key(3, 0, false)); // SyTest "Will not update keys with worse versions"
    expect(await get()).toEqual(key(2, 0, false));
    await put(key(1, 0, false)); // SyTest "Can update keys with better versions"
    expect(await get()).toEqual(key(1, 0, false));
    await put(key(1, 5, false, 'same index, more forwarded'));
    expect(await get()).toEqual(key(1, 0, false));
    await put(key(9, 9, true)); // verified beats everything unverified
    expect(await get()).toEqual(key(9, 9, true));
    await put(key(0, 0, false));
    expect(await get()).toEqual(key(9, 9, true));
    await put(key(9, 2, true));
    expect(await get()).toEqual(key(9, 2, true));
    await put(key(9, 2, true, 'equal: the stored key stays'));
    expect(await get()).toEqual(key(9, 2, true));
  });

  test('only the newest version takes keys: M_WRONG_ROOM_KEYS_VERSION with current_version', async () => {
    d = await newDevice(h);
    const old = await create();
    const current = await create();
    const r = await req('PUT', `/room_keys/keys/!r/s?version=${old}`, key(0, 0, false));
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ errcode: 'M_WRONG_ROOM_KEYS_VERSION', error: 'Wrong backup version.', current_version: current });
    // Reading an older live version still works.
    expect((await req('GET', `/room_keys/keys?version=${old}`)).body).toEqual({ rooms: {} });
  });

  test('deleting: the previous version becomes current, deleted versions are 404, deleting twice succeeds, a new backup starts empty', async () => {
    d = await newDevice(h);
    const first = await create();
    const second = await create();
    await req('PUT', `/room_keys/keys/!r/s?version=${second}`, key(0, 0, false));
    expect((await req('DELETE', `/room_keys/version/${second}`)).status).toBe(200);
    expect((await req('GET', '/room_keys/version')).body.version).toBe(first);
    expect((await req('GET', `/room_keys/version/${second}`)).status).toBe(404);
    expect((await req('DELETE', `/room_keys/version/${second}`)).status).toBe(200);
    expect((await req('DELETE', '/room_keys/version/12345')).status).toBe(404);
    const third = await create();
    expect(Number(third)).toBeGreaterThan(Number(second));
    expect((await req('GET', `/room_keys/keys?version=${third}`)).body).toEqual({ rooms: {} });
    expect(await dbc.db().all('SELECT session_id FROM keyserver_backup_keys WHERE version = $1 AND user_id = $2', [Number(second), d.userId])).toEqual([]);
  });

  test('more than ten versions order numerically (SyTest "Can create more than 10 backup versions"), also when created at once', async () => {
    d = await newDevice(h);
    const versions = await Promise.all(Array.from({ length: 12 }, () => create()));
    expect(new Set(versions).size).toBe(12);
    expect((await req('GET', '/room_keys/version')).body.version).toBe('12');
  });

  test('bad key data is refused and stores nothing', async () => {
    d = await newDevice(h);
    const v = await create();
    const missing = await req('PUT', `/room_keys/keys/!r/s?version=${v}`, { first_message_index: 1, forwarded_count: 0, is_verified: false });
    expect(missing.body.errcode).toBe('M_MISSING_PARAM');
    const wrongType = await req('PUT', `/room_keys/keys?version=${v}`, { rooms: { '!r': { sessions: { s: { ...key(0, 0, false), is_verified: 'yes' } } } } });
    expect(wrongType.body.errcode).toBe('M_BAD_JSON');
    const negative = await req('PUT', `/room_keys/keys/!r/s?version=${v}`, key(-1, 0, false));
    expect(negative.body.errcode).toBe('M_INVALID_PARAM');
    expect((await req('GET', '/room_keys/version')).body.count).toBe(0);
  });
});
