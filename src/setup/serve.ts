// Listeners: the public app on HTTP and, with a certificate and key, on HTTPS.
import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import type { Logger } from './logger.ts';

export interface Listener {
  /** e.g. http://127.0.0.1:8008 with the port actually bound (a requested 0 becomes the real one). */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Parses Dendrite's bind addresses: ":8008", "0.0.0.0:8008", "localhost:8801", "[::1]:8008", "8008",
 * and the polylith form "http://localhost:7771".
 */
export function parseBind(bind: string): { hostname: string; port: number } {
  const text = bind.trim();
  if (/^\d+$/.test(text)) return parseBind(`:${text}`);
  const m = /^(?:https?:\/\/)?(?:\[([^\]]+)\]|([^:/]*)):(\d+)\/?$/.exec(text);
  if (!m) throw new Error(`bind address "${bind}" is not of the form host:port or :port`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`bind address "${bind}": port ${port} is out of range`);
  return { hostname: m[1] ?? (m[2] || '0.0.0.0'), port };
}

export interface ListenOptions {
  bind: string;
  tls?: { certFile: string; keyFile: string };
  /** Largest body Bun accepts at all; endpoints enforce their own, smaller limits while reading. */
  maxRequestBodySize: number;
}

export function listen(app: Hono<any>, opts: ListenOptions, log: Logger): Listener {
  const { hostname, port } = parseBind(opts.bind);
  const tls = opts.tls
    ? { cert: readFileSync(opts.tls.certFile, 'utf8'), key: readFileSync(opts.tls.keyFile, 'utf8') }
    : undefined;
  const server = Bun.serve({
    hostname,
    port,
    tls,
    maxRequestBodySize: opts.maxRequestBodySize,
    // Long-polling /sync holds a request open for its `timeout`; Bun's default idle limit is 10 s.
    idleTimeout: 255,
    fetch: (req, srv) => app.fetch(req, { server: srv }),
  });
  const scheme = tls ? 'https' : 'http';
  const url = `${scheme}://${hostname.includes(':') ? `[${hostname}]` : hostname}:${server.port}`;
  log.info('listening', { url });
  return {
    url,
    port: server.port ?? port,
    stop: async () => {
      await server.stop(true);
    },
  };
}
