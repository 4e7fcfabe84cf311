// Single-use, expiring tokens: m.login.token login tokens (Client-Server API, "POST
// /login/get_token", 2 minutes recommended) and shared-secret registration nonces (60 s).
import type { UserApi } from './api.ts';
import type { UserapiContext } from './context.ts';
import { randomToken, sha256Hex } from './secrets.ts';
import * as store from './storage/one-time-tokens.ts';

type OneTimeMethods = Pick<UserApi, 'createLoginToken' | 'consumeLoginToken' | 'createRegistrationNonce' | 'consumeRegistrationNonce'>;

export const LOGIN_TOKEN_TTL_MS = 120_000;
export const NONCE_TTL_MS = 60_000;

export function oneTimeTokenMethods(ctx: UserapiContext): OneTimeMethods {
  const { db } = ctx;

  async function create(kind: store.OneTimeTokenKind, userId: string | null, ttlMs: number): Promise<string> {
    const token = randomToken();
    const now = ctx.now();
    await db.transaction(async (tx) => {
      // Each new token clears the expired ones, so the table stays the size of the live set.
      await store.deleteExpiredOneTimeTokens(tx, now);
      await store.insertOneTimeToken(tx, sha256Hex(token), kind, userId, now + ttlMs);
    });
    return token;
  }

  const consume = (kind: store.OneTimeTokenKind, token: string) =>
    db.transaction((tx) => store.consumeOneTimeToken(tx, sha256Hex(token), kind, ctx.now()));

  return {
    async createLoginToken(userId, ttlMs = LOGIN_TOKEN_TTL_MS) {
      return { token: await create('login', userId, ttlMs), expiresInMs: ttlMs };
    },
    async consumeLoginToken(token) {
      return (await consume('login', token))?.user_id ?? null;
    },
    createRegistrationNonce() {
      return create('registration_nonce', null, NONCE_TTL_MS);
    },
    async consumeRegistrationNonce(nonce) {
      return (await consume('registration_nonce', nonce)) !== undefined;
    },
  };
}
