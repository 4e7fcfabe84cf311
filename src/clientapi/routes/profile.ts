// Client-Server API, "Profiles" (profile.yaml): whole profiles and single fields, including the
// custom fields of v1.16. Another server's users are asked of their server (federation's
// /query/profile); a user unknown to this server is 404 M_NOT_FOUND (the spec lets servers choose
// 403 or 404). Changing displayname or avatar_url
// also updates the user's membership events ("Events on Change of Profile Information").
import { badJson, forbidden, invalidParam, missingParam, notFound } from '../../http/errors.ts';
import type { Requester } from '../../http/env.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import type { ClientapiContext } from '../context.ts';
import { propagateProfile } from '../membership.ts';

// profile.yaml, `keyName`: the defined fields or a Common Namespaced Identifier.
const KEY_NAME = /^(avatar_url|displayname|m\.tz|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+)$/;
/** Fields that appear in m.room.member events. */
const MEMBER_FIELDS = new Set(['displayname', 'avatar_url']);

function checkKey(keyName: string): void {
  if (!KEY_NAME.test(keyName)) throw invalidParam('Invalid profile key.');
}

/** Type rules of the defined fields; custom fields take any JSON value. */
function checkValue(keyName: string, value: unknown): void {
  if (keyName === 'displayname' || keyName === 'avatar_url' || keyName === 'm.tz') {
    // null clears the field, as clients send to remove a display name or avatar.
    if (value !== null && typeof value !== 'string') throw badJson(`${keyName} must be a string`);
  }
}

export function profileOps(ctx: ClientapiContext): Operation[] {
  async function profileOf(userId: string, field?: string): Promise<Record<string, unknown>> {
    // Another server's user: their server answers (Server-Server API, "Querying for information").
    if (serverNameOf(userId) !== ctx.serverName && ctx.federation) return ctx.federation.queryProfile(userId, field);
    const profile = await ctx.userapi.getProfile(userId);
    if (!profile) throw notFound('Profile not found');
    return profile;
  }

  function mustOwn(requester: Requester, userId: string) {
    if (requester.userId !== userId) throw forbidden("Cannot change another user's profile");
  }

  return [
    // GET /_matrix/client/v3/profile/{userId}
    op({ method: 'GET', path: '/profile/:userId', access: 'none' }, async function getUserProfile({ params }) {
      return profileOf(params.userId!);
    }),

    // GET /_matrix/client/v3/profile/{userId}/{keyName}
    op({ method: 'GET', path: '/profile/:userId/:keyName', access: 'none' }, async function getProfileField({ params }) {
      const keyName = params.keyName!;
      checkKey(keyName);
      const value = (await profileOf(params.userId!, keyName))[keyName];
      if (value === undefined) throw notFound(`The user has no ${keyName}`);
      return { [keyName]: value };
    }),

    // PUT /_matrix/client/v3/profile/{userId}/{keyName}
    op(
      { method: 'PUT', path: '/profile/:userId/:keyName', access: 'user-or-guest', rateLimited: true, body: v.anyObject() },
      async function setProfileField({ params, body, requester }) {
        const userId = params.userId!;
        const keyName = params.keyName!;
        checkKey(keyName);
        mustOwn(requester, userId);
        if (!(keyName in body)) throw missingParam(`The body must contain ${keyName}`);
        const value = body[keyName];
        checkValue(keyName, value);
        await ctx.userapi.setProfileField(userId, keyName, value);
        if (MEMBER_FIELDS.has(keyName)) await propagateProfile(ctx, userId);
        return {};
      },
    ),

    // DELETE /_matrix/client/v3/profile/{userId}/{keyName}
    op(
      { method: 'DELETE', path: '/profile/:userId/:keyName', access: 'user-or-guest', rateLimited: true },
      async function deleteProfileField({ params, requester }) {
        const userId = params.userId!;
        const keyName = params.keyName!;
        checkKey(keyName);
        mustOwn(requester, userId);
        await ctx.userapi.deleteProfileField(userId, keyName);
        if (MEMBER_FIELDS.has(keyName)) await propagateProfile(ctx, userId);
        return {};
      },
    ),
  ];
}
