// Server-side key backups (Client-Server API, "Server-side key backups"): versions with their
// algorithm and auth_data, and the session keys stored in them. Keys may only be written to the
// newest version (M_WRONG_ROOM_KEYS_VERSION otherwise); a stored key is replaced only by a better
// one (storage/backup-keys.ts). auth_data and session_data are kept as given: they are the
// algorithm's business, and SyTest stores plain strings in them.
import { MatrixError, invalidParam, notFound } from '../http/errors.ts';
import type { KeyserverContext } from './context.ts';
import * as keys from './storage/backup-keys.ts';
import * as versions from './storage/backup-versions.ts';
import { canonical } from './validate.ts';

export interface BackupInfo {
  algorithm: string;
  auth_data: unknown;
  count: number;
  etag: string;
  version: string;
}

export interface KeyBackupData {
  first_message_index: number;
  forwarded_count: number;
  is_verified: boolean;
  session_data: unknown;
}

export type RoomSessions = Record<string, KeyBackupData>;

/** Versions are decimal numbers; anything else names no backup (SyTest: 'bogusversion' is M_NOT_FOUND). */
function parseVersion(version: string): number | undefined {
  return /^[1-9][0-9]{0,14}$/.test(version) ? Number(version) : undefined;
}

const unknownVersion = () => notFound('Unknown backup version');

export async function createVersion(ctx: KeyserverContext, userId: string, algorithm: string, authData: unknown): Promise<string> {
  const data = canonical(authData, 'auth_data');
  for (;;) {
    const row = await ctx.db.transaction((tx) => versions.insertNextVersion(tx, userId, algorithm, data));
    if (row) return String(row.version);
  }
}

async function info(ctx: KeyserverContext, userId: string, row: versions.BackupVersionRow | undefined): Promise<BackupInfo> {
  if (!row || row.deleted) throw unknownVersion();
  return {
    algorithm: row.algorithm,
    auth_data: JSON.parse(row.auth_data),
    count: await keys.countBackupKeys(ctx.db, userId, Number(row.version)),
    etag: String(row.etag),
    version: String(row.version),
  };
}

export async function getVersion(ctx: KeyserverContext, userId: string, version?: string): Promise<BackupInfo> {
  if (version === undefined) {
    const row = await versions.selectLatestVersion(ctx.db, userId);
    if (!row) throw notFound('No current backup version');
    return info(ctx, userId, row);
  }
  const v = parseVersion(version);
  return info(ctx, userId, v === undefined ? undefined : await versions.selectVersion(ctx.db, userId, v));
}

export async function updateVersion(
  ctx: KeyserverContext,
  userId: string,
  version: string,
  body: { algorithm: string; auth_data: unknown; version?: string },
): Promise<void> {
  if (body.version !== undefined && body.version !== version) throw invalidParam('version does not match the path');
  const v = parseVersion(version);
  const row = v === undefined ? undefined : await versions.selectVersion(ctx.db, userId, v);
  if (!row || row.deleted) throw unknownVersion();
  if (row.algorithm !== body.algorithm) throw invalidParam('Algorithm does not match');
  const data = canonical(body.auth_data, 'auth_data');
  if (!(await ctx.db.transaction((tx) => versions.updateAuthData(tx, userId, v!, data)))) throw unknownVersion();
}

/** Deleting a deleted backup succeeds; only a version that never existed is M_NOT_FOUND. */
export async function deleteVersion(ctx: KeyserverContext, userId: string, version: string): Promise<void> {
  const v = parseVersion(version);
  const row = v === undefined ? undefined : await versions.selectVersion(ctx.db, userId, v);
  if (!row) throw unknownVersion();
  await ctx.db.transaction(async (tx) => {
    await versions.markDeleted(tx, userId, v!);
    await keys.deleteBackupKeys(tx, userId, v!);
  });
}

export interface KeysUpdate {
  etag: string;
  count: number;
}

/** PUT /room_keys/keys[/{roomId}[/{sessionId}]]: `rooms` is room -> session -> key data. */
export async function putKeys(ctx: KeyserverContext, userId: string, version: string, rooms: Record<string, RoomSessions>): Promise<KeysUpdate> {
  const latest = await versions.selectLatestVersion(ctx.db, userId);
  if (!latest) throw unknownVersion();
  if (String(latest.version) !== version) {
    throw new MatrixError('M_WRONG_ROOM_KEYS_VERSION', 'Wrong backup version.', { extra: { current_version: String(latest.version) } });
  }
  const v = Number(latest.version);
  const rows: keys.BackupKeyRow[] = [];
  for (const [roomId, sessions] of Object.entries(rooms)) {
    for (const [sessionId, d] of Object.entries(sessions)) {
      const where = `rooms.${roomId}.sessions.${sessionId}`;
      rows.push({
        room_id: roomId,
        session_id: sessionId,
        first_message_index: d.first_message_index,
        forwarded_count: d.forwarded_count,
        is_verified: d.is_verified ? 1 : 0,
        session_data: canonical(d.session_data, `${where}.session_data`),
      });
    }
  }
  return ctx.db.transaction(async (tx) => {
    // Bumping the etag first locks the version: writers of one backup go one at a time, and a
    // backup deleted meanwhile is noticed here.
    const bumped = await versions.bumpEtag(tx, userId, v);
    if (!bumped) throw unknownVersion();
    for (const r of rows) await keys.upsertBackupKey(tx, userId, v, r);
    return { etag: String(bumped.etag), count: await keys.countBackupKeys(tx, userId, v) };
  });
}

async function liveVersion(ctx: KeyserverContext, userId: string, version: string): Promise<number> {
  const v = parseVersion(version);
  const row = v === undefined ? undefined : await versions.selectVersion(ctx.db, userId, v);
  if (!row || row.deleted) throw unknownVersion();
  return v!;
}

function toData(r: keys.BackupKeyRow): KeyBackupData {
  return {
    first_message_index: Number(r.first_message_index),
    forwarded_count: Number(r.forwarded_count),
    is_verified: Number(r.is_verified) === 1,
    session_data: JSON.parse(r.session_data),
  };
}

/** GET: every room, one room (`{sessions}`), or one session (M_NOT_FOUND when absent). */
export async function getKeys(ctx: KeyserverContext, userId: string, version: string, roomId?: string, sessionId?: string) {
  const v = await liveVersion(ctx, userId, version);
  const rows = await keys.selectBackupKeys(ctx.db, userId, v, roomId, sessionId);
  if (sessionId !== undefined) {
    if (rows.length === 0) throw notFound('Key not found.');
    return toData(rows[0]!);
  }
  const rooms: Record<string, { sessions: RoomSessions }> = {};
  for (const r of rows) (rooms[r.room_id] ??= { sessions: {} }).sessions[r.session_id] = toData(r);
  if (roomId !== undefined) return rooms[roomId] ?? { sessions: {} };
  return { rooms };
}

export async function deleteKeys(ctx: KeyserverContext, userId: string, version: string, roomId?: string, sessionId?: string): Promise<KeysUpdate> {
  const v = await liveVersion(ctx, userId, version);
  return ctx.db.transaction(async (tx) => {
    const bumped = await versions.bumpEtag(tx, userId, v);
    if (!bumped) throw unknownVersion();
    await keys.deleteBackupKeys(tx, userId, v, roomId, sessionId);
    return { etag: String(bumped.etag), count: await keys.countBackupKeys(tx, userId, v) };
  });
}
