// Each syncing user's unread notification counts per room, kept between requests: they change
// only through the notification-data consumer, which updates what is held here. Rooms are read
// from the table the first time a user's sync needs them; a read racing an update is not kept
// (each update bumps the user's version).
import type { Queryable } from '../../storage/types.ts';
import { selectNotificationCounts } from '../storage/notification-data.ts';

export interface Counts {
  notificationCount: number;
  highlightCount: number;
}

const MAX_USERS = 10_000;
const NONE: Counts = { notificationCount: 0, highlightCount: 0 };

export class UnreadCounts {
  private readonly users = new Map<string, Map<string, Counts>>();
  private readonly versions = new Map<string, number>();

  private version(userId: string): number {
    return this.versions.get(userId) ?? 0;
  }

  async of(db: Queryable, userId: string, roomIds: string[]): Promise<Map<string, Counts>> {
    let rooms = this.users.get(userId);
    if (rooms) this.users.delete(userId);
    else rooms = new Map();
    this.users.set(userId, rooms);
    if (this.users.size > MAX_USERS) this.users.delete(this.users.keys().next().value!);
    const missing = roomIds.filter((r) => !rooms.has(r));
    if (missing.length === 0) return rooms;
    const version = this.version(userId);
    const found = new Map((await selectNotificationCounts(db, userId, missing)).map((c) => [c.roomId, c as Counts]));
    if (this.version(userId) !== version) return new Map([...rooms, ...found]);
    for (const r of missing) rooms.set(r, found.get(r) ?? NONE);
    return rooms;
  }

  /** The consumer stored new counts. */
  updated(userId: string, roomId: string, counts: Counts): void {
    this.versions.set(userId, this.version(userId) + 1);
    this.users.get(userId)?.set(roomId, counts);
  }
}
