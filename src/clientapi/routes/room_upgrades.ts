// Client-Server API, "Room Upgrades" (room_upgrades.yaml): POST /rooms/{roomId}/upgrade. The room
// server does the upgrade (tombstone, replacement room, copied state, moved aliases, restricted
// old power levels); this checks what the spec lists first ("Checks that the user has permission
// to send m.room.tombstone events"), answers the spec's errors, and copies the upgrader's own
// settings (m.direct, tags) to the new room.
import { MatrixError } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { EventType } from '../../protocol/constants.ts';
import { roomVersion } from '../../protocol/room-versions.ts';
import type { RoomsContext } from '../context.ts';
import { knownRoom, requireJoined } from '../rooms/access.ts';
import { currentPowerLevels, requireStateLevel } from '../rooms/power.ts';
import { copyUserStateOnUpgrade } from '../rooms/upgrade-user-state.ts';

const upgradeBody = v.object({ new_version: v.string(), additional_creators: v.array(v.string()).opt() });

export function roomUpgradesOps(ctx: RoomsContext): Operation[] {
  return [
    // POST /_matrix/client/v3/rooms/{roomId}/upgrade
    op({ method: 'POST', path: '/rooms/:roomId/upgrade', access: 'user', rateLimited: true, body: upgradeBody }, async function upgradeRoom({ params, body, requester }) {
      const roomId = params.roomId!;
      const userId = requester.userId;
      const version = await knownRoom(ctx.rooms, roomId);
      const target = roomVersion(body.new_version);
      if (!target) throw new MatrixError('M_UNSUPPORTED_ROOM_VERSION', `Room version ${body.new_version} is not supported by this server`);
      // "When upgrading to a room version which doesn't support additional creators, this field
      // is ignored." Where it would matter, it cannot be passed on yet: refuse rather than drop it.
      if (target.privilegedCreators && (body.additional_creators?.length ?? 0) > 0) {
        throw new MatrixError('M_UNKNOWN', 'additional_creators is not supported by this server yet', { status: 400 });
      }
      await requireJoined(ctx.rooms, roomId, userId);
      requireStateLevel(await currentPowerLevels(ctx.rooms, roomId, version), userId, EventType.Tombstone, 'upgrade this room');
      const { replacementRoom } = await ctx.rooms.upgradeRoom(roomId, userId, target.id);
      await copyUserStateOnUpgrade(ctx, userId, roomId, replacementRoom);
      return { replacement_room: replacementRoom };
    }),
  ];
}
