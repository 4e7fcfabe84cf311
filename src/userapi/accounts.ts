// Accounts: creation, passwords (bcrypt via Bun.password at user_api.bcrypt_cost), deactivation.
import { MatrixError, notFound } from '../http/errors.ts';
import type { Account, UserApi } from './api.ts';
import type { UserapiContext } from './context.ts';
import * as accounts from './storage/accounts.ts';
import * as accountData from './storage/account-datas.ts';
import * as devices from './storage/devices.ts';
import * as profiles from './storage/profiles.ts';
import * as pushers from './storage/pushers.ts';
import { nextValue } from './storage/sequences.ts';
import { localpartOf, userIdOf } from './user-id.ts';

type AccountMethods = Pick<
  UserApi,
  | 'createAccount'
  | 'getAccount'
  | 'isLocalpartAvailable'
  | 'nextNumericLocalpart'
  | 'hashPassword'
  | 'verifyPassword'
  | 'setPassword'
  | 'deactivateAccount'
  | 'isAdmin'
>;

const KINDS = new Set(['user', 'guest', 'admin', 'appservice']);

function toAccount(row: accounts.AccountRow, serverName: string): Account {
  return {
    userId: userIdOf(row.localpart, serverName),
    localpart: row.localpart,
    kind: row.kind,
    createdTs: Number(row.created_ts),
    deactivated: row.is_deactivated === 1,
    ...(row.appservice_id ? { appserviceId: row.appservice_id } : {}),
  };
}

export function accountMethods(ctx: UserapiContext): AccountMethods {
  const { db, serverName } = ctx;
  const hash = (password: string) => Bun.password.hash(password, { algorithm: 'bcrypt', cost: ctx.bcryptCost });
  // Verifying against this when the user has no password costs the same time as a real check,
  // so response times do not tell which user IDs exist.
  let dummyHash: Promise<string> | undefined;

  const localpart = (userId: string) => {
    const lp = localpartOf(userId, serverName);
    if (lp === null) throw notFound(`${userId} is not a user of this server`);
    return lp;
  };

  return {
    async createAccount(req) {
      if (!KINDS.has(req.kind)) throw new MatrixError('M_INVALID_PARAM', `Unknown account kind ${req.kind}`);
      if (req.localpart === '' || req.localpart.includes(':')) {
        throw new MatrixError('M_INVALID_USERNAME', 'The localpart is not valid');
      }
      const passwordHash = req.passwordHash ?? (req.password !== undefined ? await hash(req.password) : null);
      const createdTs = ctx.now();
      const displayName = req.displayName ?? (req.kind === 'guest' ? undefined : req.localpart);
      await db.transaction(async (tx) => {
        const ok = await accounts.insertAccount(tx, {
          localpart: req.localpart,
          passwordHash,
          kind: req.kind,
          appserviceId: req.appserviceId ?? null,
          createdTs,
        });
        if (!ok) throw new MatrixError('M_USER_IN_USE', 'Desired user ID is already taken.');
        if (displayName !== undefined) {
          await profiles.upsertProfileField(tx, req.localpart, 'displayname', JSON.stringify(displayName));
        }
      });
      return toAccount(
        {
          localpart: req.localpart,
          password_hash: passwordHash,
          kind: req.kind,
          appservice_id: req.appserviceId ?? null,
          created_ts: createdTs,
          is_deactivated: 0,
        },
        serverName,
      );
    },

    async getAccount(userId) {
      const lp = localpartOf(userId, serverName);
      if (lp === null) return null;
      const row = await accounts.selectAccount(db, lp);
      return row ? toAccount(row, serverName) : null;
    },

    async isLocalpartAvailable(lp) {
      return !(await accounts.localpartExists(db, lp));
    },

    async nextNumericLocalpart() {
      // Someone may hold a numeric localpart already (an admin-created account): skip those.
      for (let i = 0; i < 1000; i++) {
        const n = await db.transaction((tx) => nextValue(tx, 'numeric_localpart'));
        if (!(await accounts.localpartExists(db, String(n)))) return String(n);
      }
      throw new MatrixError('M_UNKNOWN', 'Could not find a free numeric localpart');
    },

    hashPassword: hash,

    async verifyPassword(userId, password) {
      const lp = localpartOf(userId, serverName);
      const row = lp === null ? undefined : await accounts.selectAccount(db, lp);
      if (!row?.password_hash) {
        dummyHash ??= hash('not a password');
        await Bun.password.verify(password, await dummyHash);
        return null;
      }
      const ok = await Bun.password.verify(password, row.password_hash);
      return ok ? toAccount(row, serverName) : null;
    },

    async setPassword({ userId, password, logoutDevices, keepDeviceId }) {
      const lp = localpart(userId);
      const passwordHash = await hash(password);
      const ended = await db.transaction(async (tx) => {
        if (!(await accounts.updatePasswordHash(tx, lp, passwordHash))) throw notFound(`No account ${userId}`);
        if (!logoutDevices) return [];
        // The other devices' pushers go with them (SyTest: "Pushers created with a different
        // access token are deleted on password change").
        const gone = await devices.deleteAllDevices(tx, lp, keepDeviceId ?? null);
        await pushers.deletePushersOfDevices(tx, lp, gone.map((d) => d.device_id));
        return gone;
      });
      ctx.tokens.invalidate(ended.map((d) => d.access_token_hash));
    },

    async deactivateAccount(userId, opts = {}) {
      const lp = localpart(userId);
      const ended = await db.transaction(async (tx) => {
        if (!(await accounts.markDeactivated(tx, lp))) throw notFound(`No account ${userId}`);
        // Spec (Login): servers may answer M_FORBIDDEN once the password is wiped; nothing can
        // authenticate as this user any more.
        await accounts.updatePasswordHash(tx, lp, null);
        if (opts.erase) {
          await profiles.deleteProfile(tx, lp);
          await accountData.deleteAllAccountData(tx, lp);
        }
        // Nothing is pushed to a deactivated account's devices any more.
        await pushers.deleteAllPushers(tx, lp);
        return devices.deleteAllDevices(tx, lp, null);
      });
      ctx.tokens.invalidate(ended.map((d) => d.access_token_hash));
      ctx.log.info('account deactivated', { userId, erase: !!opts.erase });
    },

    async isAdmin(userId) {
      const lp = localpartOf(userId, serverName);
      if (lp === null) return false;
      const row = await accounts.selectAccount(db, lp);
      return row?.kind === 'admin' && row.is_deactivated === 0;
    },
  };
}
