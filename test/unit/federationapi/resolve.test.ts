// Server-Server API, "Resolving server names": every step of the process, with DNS and the
// .well-known fetch answering from tables (they are other systems, not ours), and the
// .well-known cache rules.
import { describe, expect, test } from 'bun:test';
import type { Dns, SrvRecord } from '../../../src/federationapi/client/dns.ts';
import { InvalidServerNameError, pickSrv, ServerResolver } from '../../../src/federationapi/client/resolve.ts';
import { parseWellKnown, WellKnownCache } from '../../../src/federationapi/client/well-known.ts';

function fakeDns(srv: Record<string, SrvRecord[]> = {}): Dns & { srvAsked: string[] } {
  const srvAsked: string[] = [];
  return {
    srvAsked,
    lookup: async (h) => ['192.0.2.1'],
    resolveSrv: async (name) => {
      srvAsked.push(name);
      return srv[name] ?? [];
    },
  };
}

function wellKnown(answers: Record<string, Response | (() => Response)>, clock = { now: 0 }) {
  const fetched: string[] = [];
  const cache = new WellKnownCache(async (url) => {
    fetched.push(url);
    const a = answers[url];
    if (!a) throw new Error('connection refused');
    return (typeof a === 'function' ? a() : a.clone()) as Response;
  }, () => clock.now);
  return { cache, fetched, clock };
}

const json = (body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status: 200, headers });

describe('resolving server names (Server-Server API, "Resolving server names")', () => {
  test('1. an IP literal: that address, its port or 8448, Host is the server name, no SNI', async () => {
    const r = new ServerResolver(fakeDns(), wellKnown({}).cache);
    expect(await r.resolve('192.0.2.7')).toEqual({ connectHost: '192.0.2.7', port: 8448, hostHeader: '192.0.2.7', tlsName: undefined });
    expect(await r.resolve('[2001:db8::1]:1234')).toEqual({ connectHost: '2001:db8::1', port: 1234, hostHeader: '[2001:db8::1]:1234', tlsName: undefined });
  });

  test('2. a hostname with an explicit port: no .well-known, no SRV; certificate for the hostname', async () => {
    const dns = fakeDns();
    const wk = wellKnown({});
    const r = new ServerResolver(dns, wk.cache);
    expect(await r.resolve('example.org:8449')).toEqual({ connectHost: 'example.org', port: 8449, hostHeader: 'example.org:8449', tlsName: 'example.org' });
    expect(wk.fetched).toEqual([]);
    expect(dns.srvAsked).toEqual([]);
  });

  test('3.1 .well-known delegating to an IP literal (with and without port)', async () => {
    const wk = wellKnown({
      'https://a.example/.well-known/matrix/server': json({ 'm.server': '192.0.2.9' }),
      'https://b.example/.well-known/matrix/server': json({ 'm.server': '192.0.2.9:7000' }),
    });
    const r = new ServerResolver(fakeDns(), wk.cache);
    expect(await r.resolve('a.example')).toEqual({ connectHost: '192.0.2.9', port: 8448, hostHeader: '192.0.2.9', tlsName: undefined });
    expect(await r.resolve('b.example')).toEqual({ connectHost: '192.0.2.9', port: 7000, hostHeader: '192.0.2.9:7000', tlsName: undefined });
  });

  test('3.2 .well-known delegating to hostname:port', async () => {
    const wk = wellKnown({ 'https://a.example/.well-known/matrix/server': json({ 'm.server': 'matrix.a.example:443' }) });
    const r = new ServerResolver(fakeDns(), wk.cache);
    expect(await r.resolve('a.example')).toEqual({ connectHost: 'matrix.a.example', port: 443, hostHeader: 'matrix.a.example:443', tlsName: 'matrix.a.example' });
  });

  test('3.3 and 3.4: delegated hostname without port: _matrix-fed._tcp, then the deprecated _matrix._tcp', async () => {
    const wk = wellKnown({
      'https://a.example/.well-known/matrix/server': json({ 'm.server': 'hs.a.example' }),
      'https://b.example/.well-known/matrix/server': json({ 'm.server': 'hs.b.example' }),
    });
    const dns = fakeDns({
      '_matrix-fed._tcp.hs.a.example': [{ name: 'box1.a.example', port: 8000, priority: 10, weight: 0 }],
      '_matrix._tcp.hs.b.example': [{ name: 'box2.b.example.', port: 9000, priority: 10, weight: 0 }],
    });
    const r = new ServerResolver(dns, wk.cache);
    expect(await r.resolve('a.example')).toEqual({ connectHost: 'box1.a.example', port: 8000, hostHeader: 'hs.a.example', tlsName: 'hs.a.example' });
    expect(await r.resolve('b.example')).toEqual({ connectHost: 'box2.b.example', port: 9000, hostHeader: 'hs.b.example', tlsName: 'hs.b.example' });
    expect(dns.srvAsked).toEqual(['_matrix-fed._tcp.hs.a.example', '_matrix-fed._tcp.hs.b.example', '_matrix._tcp.hs.b.example']);
  });

  test('3.5 delegated hostname, no SRV: port 8448 with the delegated name', async () => {
    const wk = wellKnown({ 'https://a.example/.well-known/matrix/server': json({ 'm.server': 'hs.a.example' }) });
    const r = new ServerResolver(fakeDns(), wk.cache);
    expect(await r.resolve('a.example')).toEqual({ connectHost: 'hs.a.example', port: 8448, hostHeader: 'hs.a.example', tlsName: 'hs.a.example' });
  });

  test('4 and 5: no .well-known: SRV for the name itself; Host and certificate stay the server name', async () => {
    const dns = fakeDns({ '_matrix._tcp.c.example': [{ name: 'box.c.example', port: 1234, priority: 0, weight: 0 }] });
    const r = new ServerResolver(dns, wellKnown({}).cache);
    expect(await r.resolve('c.example')).toEqual({ connectHost: 'box.c.example', port: 1234, hostHeader: 'c.example', tlsName: 'c.example' });
  });

  test('6: nothing at all: the hostname on port 8448', async () => {
    const wk = wellKnown({ 'https://d.example/.well-known/matrix/server': new Response('nope', { status: 404 }) });
    const r = new ServerResolver(fakeDns(), wk.cache);
    expect(await r.resolve('d.example')).toEqual({ connectHost: 'd.example', port: 8448, hostHeader: 'd.example', tlsName: 'd.example' });
  });

  test('an invalid .well-known (bad JSON, missing m.server, invalid name) counts as none', async () => {
    for (const body of ['{', '{}', '{"m.server": 5}', '{"m.server": "bad name:x"}']) expect(parseWellKnown(body)).toBeNull();
    expect(parseWellKnown('{"m.server": "ok.example:1"}')).toBe('ok.example:1');
  });

  test('invalid server names are refused (non-numeric port, SyTest 02server-names.pl)', async () => {
    const r = new ServerResolver(fakeDns(), wellKnown({}).cache);
    await expect(r.resolve('localhost:http')).rejects.toBeInstanceOf(InvalidServerNameError);
  });

  test('SRV: lowest priority first, then highest weight; a "." target means no service', () => {
    const best = pickSrv([
      { name: 'b', port: 2, priority: 20, weight: 100 },
      { name: 'a', port: 1, priority: 10, weight: 1 },
      { name: 'c', port: 3, priority: 10, weight: 5 },
    ]);
    expect(best?.name).toBe('c');
    expect(pickSrv([{ name: '.', port: 0, priority: 0, weight: 0 }])).toBeUndefined();
  });
});

describe('.well-known caching (step 3: "Responses (successful or otherwise) ... should be cached")', () => {
  test('a response is kept for its max-age, 24 hours without one, at most 48 hours', async () => {
    const wk = wellKnown({
      'https://a.example/.well-known/matrix/server': () => json({ 'm.server': 'x.example' }, { 'cache-control': 'max-age=60' }),
      'https://b.example/.well-known/matrix/server': () => json({ 'm.server': 'x.example' }),
      'https://c.example/.well-known/matrix/server': () => json({ 'm.server': 'x.example' }, { 'cache-control': 'max-age=999999999' }),
    });
    for (const h of ['a.example', 'b.example', 'c.example']) await wk.cache.lookup(h);
    wk.clock.now = 61_000;
    for (const h of ['a.example', 'b.example', 'c.example']) await wk.cache.lookup(h);
    expect(wk.fetched.filter((u) => u.includes('a.example')).length).toBe(2);
    expect(wk.fetched.filter((u) => u.includes('b.example')).length).toBe(1);
    wk.clock.now = 24 * 3600_000 + 1;
    await wk.cache.lookup('b.example');
    expect(wk.fetched.filter((u) => u.includes('b.example')).length).toBe(2);
    wk.clock.now = 48 * 3600_000 + 1;
    await wk.cache.lookup('c.example');
    expect(wk.fetched.filter((u) => u.includes('c.example')).length).toBe(2);
  });

  test('errors are cached for an hour', async () => {
    const wk = wellKnown({});
    expect(await wk.cache.lookup('down.example')).toBeNull();
    wk.clock.now = 59 * 60_000;
    await wk.cache.lookup('down.example');
    expect(wk.fetched.length).toBe(1);
    wk.clock.now = 61 * 60_000;
    await wk.cache.lookup('down.example');
    expect(wk.fetched.length).toBe(2);
  });

  test('30x redirects are followed (at most five)', async () => {
    const wk = wellKnown({
      'https://a.example/.well-known/matrix/server': new Response(null, { status: 302, headers: { location: 'https://cdn.example/wk' } }),
      'https://cdn.example/wk': json({ 'm.server': 'hs.example:1' }),
      'https://loop.example/.well-known/matrix/server': () => new Response(null, { status: 301, headers: { location: '/.well-known/matrix/server' } }),
    });
    expect(await wk.cache.lookup('a.example')).toBe('hs.example:1');
    expect(await wk.cache.lookup('loop.example')).toBeNull();
    expect(wk.fetched.filter((u) => u.includes('loop.example')).length).toBe(6);
  });
});
