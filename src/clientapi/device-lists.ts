// Telling the key server that a user's devices changed (created, renamed, deleted), after the
// user API has made the change: it records a device-list change for the users who share a room
// with them and drops the keys of deleted devices (Client-Server API, "Tracking the device list
// for a user"). The device change itself has happened, so a key server that cannot be reached
// is logged, not reported to the client.
import type { ClientapiContext } from './context.ts';

export async function devicesChanged(ctx: ClientapiContext, userId: string): Promise<void> {
  if (!ctx.keyserver) return;
  await ctx.keyserver.userDevicesChanged(userId).catch((error) => ctx.log.warn('key server not told of a device change', { userId, error }));
}
