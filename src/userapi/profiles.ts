// Profiles (Client-Server API, "Profiles"): displayname, avatar_url, m.tz and, since v1.16,
// custom fields. The whole profile must stay under 64 KiB and each key under 255 bytes.
import { MatrixError, notFound } from '../http/errors.ts';
import type { Profile, UserApi } from './api.ts';
import type { UserapiContext } from './context.ts';
import * as accounts from './storage/accounts.ts';
import * as profiles from './storage/profiles.ts';
import { localpartOf } from './user-id.ts';

type ProfileMethods = Pick<UserApi, 'getProfile' | 'setProfileField' | 'deleteProfileField'>;

const MAX_PROFILE_BYTES = 64 * 1024;
const MAX_KEY_BYTES = 255;
const encoder = new TextEncoder();

function toProfile(rows: { field: string; value: string }[]): Profile {
  const out: Profile = {};
  for (const r of rows) out[r.field] = JSON.parse(r.value);
  return out;
}

export function profileMethods(ctx: UserapiContext): ProfileMethods {
  const { db, serverName } = ctx;

  async function existingLocalpart(userId: string): Promise<string | null> {
    const lp = localpartOf(userId, serverName);
    if (lp === null) return null;
    return (await accounts.localpartExists(db, lp)) ? lp : null;
  }

  return {
    async getProfile(userId) {
      const lp = await existingLocalpart(userId);
      return lp === null ? null : toProfile(await profiles.selectProfile(db, lp));
    },

    async setProfileField(userId, field, value) {
      if (encoder.encode(field).length > MAX_KEY_BYTES) {
        throw new MatrixError('M_KEY_TOO_LARGE', `Profile keys are limited to ${MAX_KEY_BYTES} bytes`);
      }
      const lp = await existingLocalpart(userId);
      if (lp === null) throw notFound('Profile not found');
      await db.transaction(async (tx) => {
        await profiles.upsertProfileField(tx, lp, field, JSON.stringify(value ?? null));
        const size = encoder.encode(JSON.stringify(toProfile(await profiles.selectProfile(tx, lp)))).length;
        // Throwing rolls the write back.
        if (size > MAX_PROFILE_BYTES) throw new MatrixError('M_PROFILE_TOO_LARGE', 'The profile would exceed 64 KiB');
      });
    },

    async deleteProfileField(userId, field) {
      const lp = await existingLocalpart(userId);
      if (lp === null) throw notFound('Profile not found');
      await db.transaction((tx) => profiles.deleteProfileField(tx, lp, field));
    },
  };
}
