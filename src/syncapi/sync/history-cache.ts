// Each syncing user's membership history, kept between requests: it changes only when the user's
// membership does, which the room-events consumer reports. A load that read the table before a
// change does not cache its (stale) answer: each change bumps the user's version, and set()
// ignores answers read at an older one.
import type { MembershipRow } from '../storage/memberships.ts';

const MAX_USERS = 10_000;

export class HistoryCache {
  private readonly users = new Map<string, Map<string, MembershipRow[]>>();
  private readonly versions = new Map<string, number>();

  version(userId: string): number {
    return this.versions.get(userId) ?? 0;
  }

  changed(userId: string): void {
    this.versions.set(userId, this.version(userId) + 1);
    this.users.delete(userId);
  }

  get(userId: string): Map<string, MembershipRow[]> | undefined {
    const found = this.users.get(userId);
    if (found) {
      this.users.delete(userId);
      this.users.set(userId, found);
    }
    return found;
  }

  set(userId: string, rooms: Map<string, MembershipRow[]>, readAt: number): void {
    if (this.version(userId) !== readAt) return;
    this.users.set(userId, rooms);
    if (this.users.size > MAX_USERS) this.users.delete(this.users.keys().next().value!);
  }
}
