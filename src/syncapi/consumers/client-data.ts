// OutputClientData (from the user API) -> the account data stream: records where each (user,
// room, type) changed and wakes the user; the content itself is fetched back when a sync needs it.
import { STREAM } from '../../bus/streams.ts';
import type { Subscription } from '../../bus/types.ts';
import { AccountDataType } from '../../protocol/constants.ts';
import type { OutputClientData } from '../../userapi/api.ts';
import type { SyncapiContext } from '../context.ts';
import { upsertAccountData } from '../storage/account-data.ts';
import { nextPositions } from '../storage/stream-positions.ts';

export const CLIENT_DATA_DURABLE = 'SyncAPIClientDataConsumer';

export function startClientDataConsumer(ctx: SyncapiContext): Promise<Subscription> {
  return ctx.bus.consume({ stream: STREAM.OutputClientData, durable: CLIENT_DATA_DURABLE }, async (msg) => {
    const data = msg.json<OutputClientData>();
    const pos = await ctx.db.transaction(async (tx) => {
      const p = await nextPositions(tx, 'accountData');
      await upsertAccountData(tx, { userId: data.userId, roomId: data.roomId, type: data.type, pos: p });
      return p;
    });
    if (data.roomId === '' && data.type === AccountDataType.IgnoredUserList) ctx.ignored.invalidate(data.userId);
    ctx.notifier.setPosition('accountData', pos);
    ctx.notifier.wakeUsers([data.userId]);
    ctx.progress.handled(STREAM.OutputClientData, msg.seq);
  });
}
