// Account data (Client-Server API, "Client Config"): stored here, announced on the
// OutputClientData stream so the sync API can tell clients (it fetches the content back from here).
import { notFound } from '../http/errors.ts';
import { STREAM } from '../bus/streams.ts';
import type { AccountDataSnapshot, OutputClientData, UserApi } from './api.ts';
import type { UserapiContext } from './context.ts';
import * as accountData from './storage/account-datas.ts';
import { localpartOf } from './user-id.ts';

type AccountDataMethods = Pick<UserApi, 'getAccountData' | 'setAccountData' | 'allAccountData'>;

export function accountDataMethods(ctx: UserapiContext): AccountDataMethods {
  const { db, serverName } = ctx;
  const localpart = (userId: string) => {
    const lp = localpartOf(userId, serverName);
    if (lp === null) throw notFound(`${userId} is not a user of this server`);
    return lp;
  };

  return {
    async getAccountData(userId, roomId, type) {
      const content = await accountData.selectAccountData(db, localpart(userId), roomId, type);
      return content === undefined ? null : JSON.parse(content);
    },

    async setAccountData(userId, roomId, type, content) {
      const lp = localpart(userId);
      await db.transaction((tx) => accountData.upsertAccountData(tx, lp, roomId, type, JSON.stringify(content)));
      // After the commit: a reader woken by this message must find the new content.
      const msg: OutputClientData = { userId, roomId, type };
      await ctx.bus.publish(STREAM.OutputClientData, msg, { user_id: userId });
    },

    async allAccountData(userId) {
      const out: AccountDataSnapshot = { global: {}, rooms: {} };
      for (const row of await accountData.selectAllAccountData(db, localpart(userId))) {
        const content = JSON.parse(row.content);
        if (row.room_id === '') out.global[row.type] = content;
        else (out.rooms[row.room_id] ??= {})[row.type] = content;
      }
      return out;
    },
  };
}
