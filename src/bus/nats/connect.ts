// Connecting to NATS from jetstream.addresses: `nats://host:port` over TCP with the Node
// transport, `ws://` or `wss://` with the websocket transport. Failures name the address and
// say what to do, because a polylith operator meets them before anything else.
import { readFileSync } from 'node:fs';
import { credsAuthenticator, type NatsConnection, wsconnect } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import type { JetStreamOptions } from '../../config/types.ts';

type Scheme = 'tcp' | 'ws';

/** Parses the addresses; all must use one transport. Websocket URLs get an explicit port. */
export function natsServers(addresses: readonly string[]): { scheme: Scheme; servers: string[] } {
  const schemes = new Set<Scheme>();
  const servers = addresses.map((raw) => {
    const a = raw.trim();
    const m = /^(nats|tls|ws|wss):\/\//i.exec(a);
    const proto = (m?.[1] ?? 'nats').toLowerCase();
    if (!m && a.includes('://')) throw new Error(`jetstream.addresses: unsupported address ${a}: use nats://host:port, ws://host:port or wss://host:port`);
    if (proto === 'ws' || proto === 'wss') {
      schemes.add('ws');
      const u = new URL(a);
      // The websocket client reads a bare ws://host as wss on 443; say the port out loud.
      const port = u.port || (proto === 'ws' ? '80' : '443');
      return `${proto}://${u.hostname}:${port}${u.pathname === '/' ? '' : u.pathname}`;
    }
    schemes.add('tcp');
    return a;
  });
  if (schemes.size > 1) throw new Error('jetstream.addresses: mixes nats:// and ws:// addresses; use one transport');
  return { scheme: schemes.has('ws') ? 'ws' : 'tcp', servers };
}

/** A websocket factory that accepts any certificate (Bun's WebSocket takes a `tls` option). */
const insecureWs = async (u: string) => ({
  socket: new WebSocket(u, { tls: { rejectUnauthorized: false } } as unknown as string[]),
  encrypted: u.startsWith('wss:'),
});

export async function connectNats(opts: JetStreamOptions, name: string): Promise<NatsConnection> {
  const { scheme, servers } = natsServers(opts.addresses);
  let authenticator: ReturnType<typeof credsAuthenticator> | undefined;
  if (opts.credentials_path) {
    try {
      authenticator = credsAuthenticator(readFileSync(opts.credentials_path));
    } catch (err) {
      throw new Error(`jetstream.credentials_path: cannot read ${opts.credentials_path}: ${(err as Error).message}`);
    }
  }
  const common = {
    servers,
    name,
    authenticator,
    timeout: 5000,
    // Once connected, a server keeps trying for ever: NATS restarts must not take it down.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
  };
  try {
    if (scheme === 'ws') {
      return await wsconnect({ ...common, ...(opts.disable_tls_validation ? { wsFactory: insecureWs } : {}) });
    }
    return await connect({ ...common, ...(opts.disable_tls_validation ? { tls: { rejectUnauthorized: false } } : {}) });
  } catch (err) {
    throw new Error(
      `bus: cannot reach NATS at ${servers.join(', ')} (jetstream.addresses): ${(err as Error).message}. ` +
        'Start nats-server with JetStream enabled (nats-server -js) and check the address and port, ' +
        'or leave jetstream.addresses empty to use the in-process bus (monolith only).',
    );
  }
}
