// User-interactive auth sessions (Client-Server API, "User-Interactive Authentication API").
// Sessions live an hour; expired ones are swept when new ones are made, and any registration
// token use they had reserved is given back.
import { MatrixError, forbidden } from '../http/errors.ts';
import { RESERVED_TOKEN_KEY, type UiaSession, type UserApi } from './api.ts';
import type { UserapiContext } from './context.ts';
import { randomToken } from './secrets.ts';
import * as tokens from './storage/registration-tokens.ts';
import * as sessions from './storage/uia-sessions.ts';

type UiaMethods = Pick<
  UserApi,
  'createUiaSession' | 'getUiaSession' | 'completeUiaStage' | 'updateUiaSessionData' | 'deleteUiaSession'
>;

export const UIA_SESSION_TTL_MS = 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 5 * 60 * 1000;

function toSession(row: sessions.UiaSessionRow): UiaSession {
  return {
    id: row.session_id,
    operation: row.operation,
    completed: JSON.parse(row.completed),
    data: JSON.parse(row.data),
    createdTs: Number(row.created_ts),
    ...(row.user_id !== null ? { userId: row.user_id } : {}),
  };
}

export function uiaMethods(ctx: UserapiContext): UiaMethods {
  const { db } = ctx;
  let lastSweep = 0;

  async function sweep(now: number) {
    if (now - lastSweep < SWEEP_INTERVAL_MS) return;
    lastSweep = now;
    await db.transaction(async (tx) => {
      for (const { data } of await sessions.deleteSessionsBefore(tx, now - UIA_SESSION_TTL_MS)) {
        const reserved = (JSON.parse(data) as Record<string, unknown>)[RESERVED_TOKEN_KEY];
        if (typeof reserved === 'string') await tokens.releaseUse(tx, reserved);
      }
    });
  }

  async function fresh(sessionId: string): Promise<sessions.UiaSessionRow | undefined> {
    const row = await sessions.selectSession(db, sessionId);
    return row && ctx.now() - Number(row.created_ts) < UIA_SESSION_TTL_MS ? row : undefined;
  }

  /** Read, change, compare-and-set; a few retries cover concurrent requests on one session. */
  async function modify(
    sessionId: string,
    change: (s: UiaSession) => { completed: string[]; data: Record<string, unknown>; userId?: string },
  ): Promise<UiaSession> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const row = await fresh(sessionId);
      if (!row) throw new MatrixError('M_UNKNOWN', 'Unknown or expired UIA session', { status: 400 });
      const next = change(toSession(row));
      const after = { completed: JSON.stringify(next.completed), data: JSON.stringify(next.data), userId: next.userId ?? null };
      const ok = await db.transaction((tx) => sessions.updateSession(tx, sessionId, row, after));
      if (ok) return toSession({ ...row, completed: after.completed, data: after.data, user_id: after.userId });
    }
    throw new MatrixError('M_UNKNOWN', 'UIA session is being changed concurrently');
  }

  return {
    async createUiaSession({ operation, data }) {
      const now = ctx.now();
      await sweep(now);
      const row: sessions.UiaSessionRow = {
        session_id: randomToken(18),
        operation,
        completed: '[]',
        user_id: null,
        data: JSON.stringify(data ?? {}),
        created_ts: now,
      };
      await db.transaction((tx) => sessions.insertSession(tx, row));
      return toSession(row);
    },

    async getUiaSession(sessionId) {
      const row = await fresh(sessionId);
      return row ? toSession(row) : null;
    },

    completeUiaStage(sessionId, stage, userId) {
      return modify(sessionId, (s) => {
        if (userId !== undefined && s.userId !== undefined && s.userId !== userId) {
          // Client-Server API, "User-Interactive Authentication API": every stage of a session
          // must authenticate the same user.
          throw forbidden('This session authenticated a different user');
        }
        return {
          completed: s.completed.includes(stage) ? s.completed : [...s.completed, stage],
          data: s.data,
          userId: userId ?? s.userId,
        };
      });
    },

    async updateUiaSessionData(sessionId, data) {
      await modify(sessionId, (s) => {
        const merged: Record<string, unknown> = { ...s.data };
        for (const [k, v] of Object.entries(data)) {
          if (v === null) delete merged[k];
          else merged[k] = v;
        }
        return { completed: s.completed, data: merged, userId: s.userId };
      });
    },

    async deleteUiaSession(sessionId) {
      await db.transaction((tx) => sessions.deleteSession(tx, sessionId));
    },
  };
}
