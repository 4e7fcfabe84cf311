// create-account: makes a user straight in the configured database, no running server needed
// (the server may be running too: SQLite's WAL and PostgreSQL both allow it). With `url`, it
// registers through a running server's shared-secret endpoint instead, as Dendrite's -url does.
import { createHmac } from 'node:crypto';
import { openBus } from '../bus/open.ts';
import { readSigningKey } from '../config/signing-key.ts';
import type { Config } from '../config/types.ts';
import { MatrixError } from '../http/errors.ts';
import { openDatabase } from '../storage/open.ts';
import { createUserapi } from '../userapi/index.ts';
import { stderrLogger } from './logger.ts';

export interface CreateAccountOptions {
  /** A localpart (`alice`) or a full user ID on this server (`@alice:example.com`). */
  username: string;
  password: string;
  admin: boolean;
  /** Dendrite's -url: a running server to register through (shared-secret registration); optional. */
  url?: string;
}

function localpartFor(username: string, serverName: string): string {
  if (!username.startsWith('@')) return username.toLowerCase();
  const colon = username.indexOf(':');
  if (colon < 0 || username.slice(colon + 1) !== serverName) {
    throw new Error(`${username} is not a user of this server (${serverName})`);
  }
  return username.slice(1, colon).toLowerCase();
}

export async function createAccount(config: Config, opts: CreateAccountOptions): Promise<{ userId: string }> {
  const localpart = localpartFor(opts.username, config.global.server_name);
  if (opts.url) return registerWithSharedSecret(config, localpart, opts);
  const log = stderrLogger('warn');
  // The server's bus log belongs to the server; account creation publishes nothing it needs.
  const bus = await openBus({ ...config.global.jetstream, addresses: [], in_memory: true }, log);
  const key = readSigningKey(config.global.private_key);
  const dbs: { close(): Promise<void> }[] = [];
  const userapi = await createUserapi({
    config,
    serverName: config.global.server_name,
    log,
    bus,
    signingKey: key,
    async openDatabase(o) {
      const db = await openDatabase(o, config.global.database, config.config_dir, log);
      dbs.push(db);
      return db;
    },
  });
  try {
    const account = await userapi.api.createAccount({ localpart, password: opts.password, kind: opts.admin ? 'admin' : 'user' });
    return { userId: account.userId };
  } catch (e) {
    if (e instanceof MatrixError) throw new Error(`cannot create ${localpart}: ${e.message} (${e.errcode})`);
    throw e;
  } finally {
    await userapi.close();
    await Promise.all(dbs.map((d) => d.close()));
    await bus.close();
  }
}

async function registerWithSharedSecret(config: Config, localpart: string, opts: CreateAccountOptions) {
  const secret = config.client_api.registration_shared_secret;
  if (!secret) throw new Error('--url needs client_api.registration_shared_secret in the config (the server must have it too)');
  const endpoint = `${opts.url!.replace(/\/+$/, '')}/_synapse/admin/v1/register`;
  const nonceRes = await fetch(endpoint);
  if (!nonceRes.ok) throw new Error(`${endpoint} answered ${nonceRes.status}: is shared-secret registration enabled there?`);
  const { nonce } = (await nonceRes.json()) as { nonce: string };
  const mac = createHmac('sha1', secret)
    .update(`${nonce}\0${localpart}\0${opts.password}\0${opts.admin ? 'admin' : 'notadmin'}`)
    .digest('hex');
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ nonce, username: localpart, password: opts.password, admin: opts.admin, mac }),
  });
  const body = (await res.json()) as { user_id?: string; error?: string; errcode?: string };
  if (!res.ok || !body.user_id) throw new Error(`registration failed: ${body.errcode ?? res.status} ${body.error ?? ''}`);
  return { userId: body.user_id };
}
