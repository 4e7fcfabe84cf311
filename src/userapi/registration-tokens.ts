// Registration tokens (Client-Server API, "Token-authenticated registration"). Tokens follow the
// Opaque Identifier Grammar and are at most 64 characters.
import { MatrixError } from '../http/errors.ts';
import type { RegistrationToken, UserApi } from './api.ts';
import type { UserapiContext } from './context.ts';
import * as tokens from './storage/registration-tokens.ts';

type TokenMethods = Pick<
  UserApi,
  | 'createRegistrationToken'
  | 'getRegistrationToken'
  | 'listRegistrationTokens'
  | 'updateRegistrationToken'
  | 'deleteRegistrationToken'
  | 'reserveRegistrationToken'
  | 'completeRegistrationToken'
  | 'releaseRegistrationToken'
>;

const OPAQUE_ID = /^[A-Za-z0-9._~-]{1,64}$/;
const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomTokenString(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const b of bytes) out += TOKEN_CHARS[b % TOKEN_CHARS.length];
  return out;
}

function checkLimits(usesAllowed: number | null | undefined, expiryTime: number | null | undefined, now: number) {
  if (usesAllowed != null && (!Number.isSafeInteger(usesAllowed) || usesAllowed < 0)) {
    throw new MatrixError('M_INVALID_PARAM', 'uses_allowed must be a non-negative integer or null');
  }
  if (expiryTime != null && (!Number.isSafeInteger(expiryTime) || expiryTime <= now)) {
    throw new MatrixError('M_INVALID_PARAM', 'expiry_time must be a time in the future or null');
  }
}

export function registrationTokenMethods(ctx: UserapiContext): TokenMethods {
  const { db } = ctx;

  const view = (r: tokens.RegistrationTokenRow): RegistrationToken => {
    const usesAllowed = r.uses_allowed === null ? null : Number(r.uses_allowed);
    const expiryTime = r.expiry_time === null ? null : Number(r.expiry_time);
    const pending = Number(r.pending);
    const completed = Number(r.completed);
    return {
      token: r.token,
      usesAllowed,
      pending,
      completed,
      expiryTime,
      valid: (usesAllowed === null || pending + completed < usesAllowed) && (expiryTime === null || expiryTime > ctx.now()),
    };
  };

  return {
    async createRegistrationToken(req) {
      const now = ctx.now();
      checkLimits(req.usesAllowed, req.expiryTime, now);
      const length = req.length ?? 16;
      if (req.token === undefined && (!Number.isSafeInteger(length) || length < 1 || length > 64)) {
        throw new MatrixError('M_INVALID_PARAM', 'length must be between 1 and 64');
      }
      const token = req.token ?? randomTokenString(length);
      if (!OPAQUE_ID.test(token)) throw new MatrixError('M_INVALID_PARAM', 'token must be 1–64 characters of A-Z a-z 0-9 . _ ~ -');
      const inserted = await db.transaction((tx) => tokens.insertToken(tx, token, req.usesAllowed ?? null, req.expiryTime ?? null));
      if (!inserted) throw new MatrixError('M_INVALID_PARAM', 'This token already exists');
      return view({ token, uses_allowed: req.usesAllowed ?? null, pending: 0, completed: 0, expiry_time: req.expiryTime ?? null });
    },

    async getRegistrationToken(token) {
      const row = await tokens.selectToken(db, token);
      return row ? view(row) : null;
    },

    async listRegistrationTokens() {
      return (await tokens.selectTokens(db)).map(view);
    },

    async updateRegistrationToken(token, update) {
      checkLimits(update.usesAllowed, update.expiryTime, ctx.now());
      const row = await db.transaction(async (tx) => {
        const cur = await tokens.selectToken(tx, token);
        if (!cur) return undefined;
        const usesAllowed = update.usesAllowed !== undefined ? update.usesAllowed : cur.uses_allowed;
        const expiryTime = update.expiryTime !== undefined ? update.expiryTime : cur.expiry_time;
        await tokens.updateToken(tx, token, usesAllowed, expiryTime);
        return { ...cur, uses_allowed: usesAllowed, expiry_time: expiryTime };
      });
      return row ? view(row) : null;
    },

    async deleteRegistrationToken(token) {
      await db.transaction((tx) => tokens.deleteToken(tx, token));
    },

    reserveRegistrationToken(token) {
      return db.transaction((tx) => tokens.reserveUse(tx, token, ctx.now()));
    },

    async completeRegistrationToken(token) {
      await db.transaction((tx) => tokens.completeUse(tx, token));
    },

    async releaseRegistrationToken(token) {
      await db.transaction((tx) => tokens.releaseUse(tx, token));
    },
  };
}
