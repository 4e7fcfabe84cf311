// Client-Server API, "Room Tagging" (tags.yaml): a user's tags on a room, kept as the room's
// `m.tag` account data ({ tags: { name: { order? } } }) so they reach the user's devices in /sync.
import { forbidden, invalidParam } from '../../http/errors.ts';
import type { Requester } from '../../http/env.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { AccountDataType } from '../../protocol/constants.ts';
import type { ClientapiContext } from '../context.ts';

const MAX_TAG_BYTES = 255; // "The name of a tag MUST NOT exceed 255 bytes."

type Tags = Record<string, Record<string, unknown>>;

function mustOwn(requester: Requester, userId: string) {
  if (requester.userId !== userId) throw forbidden('Cannot access the tags of other users.');
}

function checkRoomAndTag(roomId: string, tag?: string) {
  if (!roomId.startsWith('!')) throw invalidParam(`${roomId} is not a room ID`);
  if (tag !== undefined && (tag === '' || new TextEncoder().encode(tag).byteLength > MAX_TAG_BYTES)) {
    throw invalidParam(`A tag name must be 1 to ${MAX_TAG_BYTES} bytes long`);
  }
}

const tagBody = v.object({
  order: v
    .number()
    .refine((n) => n >= 0 && n <= 1, 'order must be a number between 0 and 1')
    .opt(),
});

export function tagsOps(ctx: ClientapiContext): Operation[] {
  async function tagsOf(userId: string, roomId: string): Promise<Tags> {
    const content = await ctx.userapi.getAccountData(userId, roomId, AccountDataType.Tag);
    const tags = content?.tags;
    return tags && typeof tags === 'object' && !Array.isArray(tags) ? { ...(tags as Tags) } : {};
  }

  return [
    // GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags
    op({ method: 'GET', path: '/user/:userId/rooms/:roomId/tags', access: 'user' }, async function getRoomTags({ params, requester }) {
      mustOwn(requester, params.userId!);
      checkRoomAndTag(params.roomId!);
      return { tags: await tagsOf(params.userId!, params.roomId!) };
    }),

    // PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag}
    op(
      { method: 'PUT', path: '/user/:userId/rooms/:roomId/tags/:tag', access: 'user', rateLimited: true, body: tagBody },
      async function setRoomTag({ params, body, requester }) {
        mustOwn(requester, params.userId!);
        checkRoomAndTag(params.roomId!, params.tag!);
        const tags = await tagsOf(params.userId!, params.roomId!);
        tags[params.tag!] = body;
        await ctx.userapi.setAccountData(params.userId!, params.roomId!, AccountDataType.Tag, { tags });
        return {};
      },
    ),

    // DELETE /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag}
    op(
      { method: 'DELETE', path: '/user/:userId/rooms/:roomId/tags/:tag', access: 'user', rateLimited: true },
      async function deleteRoomTag({ params, requester }) {
        mustOwn(requester, params.userId!);
        checkRoomAndTag(params.roomId!, params.tag!);
        const tags = await tagsOf(params.userId!, params.roomId!);
        // Removing a tag that is not there succeeds: the end state is what the client asked for.
        if (params.tag! in tags) {
          delete tags[params.tag!];
          await ctx.userapi.setAccountData(params.userId!, params.roomId!, AccountDataType.Tag, { tags });
        }
        return {};
      },
    ),
  ];
}
