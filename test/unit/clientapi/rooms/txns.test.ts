// Client-Server API, "Transaction identifiers": the client API's store of (device, endpoint,
// txnId) -> event ID on both databases: retransmissions answer the first event, concurrent ones
// wait for it, failures are not remembered, and transactions older than a day are forgotten.
import { expect, test } from 'bun:test';
import { tmpdir } from 'node:os';
import { TXN_RETENTION_MS, createTxnStore, txnKey } from '../../../../src/clientapi/rooms/txns.ts';
import { openDatabase } from '../../../../src/storage/open.ts';
import { databaseOptions, forEachDatabase } from '../../../helpers/databases.ts';

forEachDatabase('client API transaction store', (dbc) => {
  test('once per device and key; concurrent calls share the first; errors are retried; old entries are swept', async () => {
    const clock = { now: 1_000_000 };
    const open = () => openDatabase(databaseOptions(dbc.connectionString()), databaseOptions(''), tmpdir());
    const store = createTxnStore(open, () => clock.now);
    const alice = { userId: '@a:hs', deviceId: 'D1', isGuest: false };
    let sent = 0;
    const send = async () => `$e${++sent}`;
    const key = txnKey('send', '!r:hs', 'm.room.message', 't1');
    expect(await store.once(alice, key, send)).toBe('$e1');
    expect(await store.once(alice, key, send)).toBe('$e1');
    expect(await store.once({ ...alice, deviceId: 'D2' }, key, send)).toBe('$e2');
    expect(await store.once(alice, txnKey('send', '!r:hs', 'm.other', 't1'), send)).toBe('$e3');
    const burst = await Promise.all([1, 2, 3].map(() => store.once(alice, txnKey('x'), send)));
    expect(burst).toEqual(['$e4', '$e4', '$e4']);
    await expect(store.once(alice, txnKey('fails'), async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await store.once(alice, txnKey('fails'), send)).toBe('$e5');
    // A second store over the same database (another process, or after a restart) knows them.
    const other = createTxnStore(open, () => clock.now);
    expect(await other.once(alice, key, send)).toBe('$e1');
    // A day and an hour later, the next insert sweeps the old ones.
    clock.now += TXN_RETENTION_MS + 60 * 60 * 1000;
    expect(await other.once(alice, txnKey('late'), send)).toBe('$e6');
    expect(await other.once(alice, key, send)).toBe('$e7');
    await store.close();
    await other.close();
  });
});
