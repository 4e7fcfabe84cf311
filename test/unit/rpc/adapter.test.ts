// The generic component adapter (DESIGN.md "src/rpc"): an api.ts interface served as
// POST /api/<component>/<method> and called back through the same interface, errors included.
import { afterAll, describe, expect, test } from 'bun:test';
import { Hono } from 'hono';
import { MatrixError } from '../../../src/http/errors.ts';
import { apiClient, serveApi } from '../../../src/rpc/adapter.ts';

interface CounterApi {
  add(a: number, b: number): Promise<number>;
  find(name: string): Promise<{ name: string; tags: string[] } | null>;
  refuse(): Promise<void>;
  crash(): Promise<void>;
}
const METHODS = ['add', 'find', 'refuse', 'crash'] as const;

const impl: CounterApi = {
  add: async (a, b) => a + b,
  find: async (name) => (name === 'x' ? { name, tags: ['a', 'b'] } : null),
  refuse: async () => {
    throw new MatrixError('M_FORBIDDEN', 'not you', { extra: { reason: 'test' } });
  },
  crash: async () => {
    throw new Error('disk on fire');
  },
};

const app = new Hono();
serveApi(app, 'counter', impl, METHODS);
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: app.fetch });
afterAll(() => server.stop(true));

describe('rpc adapter', () => {
  const client = apiClient<CounterApi>('counter', `http://127.0.0.1:${server.port}`, METHODS);

  test('calls cross the process boundary as JSON and come back typed', async () => {
    expect(await client.add(2, 40)).toBe(42);
    expect(await client.find('x')).toEqual({ name: 'x', tags: ['a', 'b'] });
    expect(await client.find('y')).toBeUndefined();
  });

  test('a MatrixError keeps its errcode, status and extra fields', async () => {
    const err = await client.refuse().catch((e) => e);
    expect(err).toBeInstanceOf(MatrixError);
    expect([err.errcode, err.status, err.message, err.extra.reason]).toEqual(['M_FORBIDDEN', 403, 'not you', 'test']);
  });

  test('any other error becomes 500 M_UNKNOWN naming the call', async () => {
    const err = await client.crash().catch((e) => e);
    expect([err.errcode, err.status]).toEqual(['M_UNKNOWN', 500]);
    expect(err.message).toContain('counter.crash');
  });

  test('an unreachable component is M_CONNECTION_FAILED', async () => {
    const dead = apiClient<CounterApi>('counter', 'http://127.0.0.1:1', METHODS);
    const err = await dead.add(1, 2).catch((e) => e);
    expect(err.errcode).toBe('M_CONNECTION_FAILED');
  });

  test('a malformed call is refused with M_BAD_JSON', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/counter/add`, { method: 'POST', body: '{"args": 3}' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errcode: string }).errcode).toBe('M_BAD_JSON');
  });
});
