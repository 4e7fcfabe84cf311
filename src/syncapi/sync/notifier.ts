// Wakes waiting /sync requests the moment something relevant to their user arrives. Waiters are
// keyed by user: a consumer that stores a room event wakes the local members of that room (and
// the target of a membership change), a to-device message wakes its recipient, and so on. A
// waiting request costs a pending promise and a timer; nothing polls.
//
// Races: a request takes version(userId) before it reads the database. A wake that lands while
// it reads bumps the version, and wait() then returns at once instead of sleeping through it.
import { type StreamKey, type SyncToken, zeroToken } from './token.ts';

interface UserStream {
  version: number;
  waiters: Set<() => void>;
}

export class Notifier {
  private token: SyncToken = zeroToken();
  private readonly users = new Map<string, UserStream>();
  /** Local users joined to (or peeking into) each room. */
  private readonly rooms = new Map<string, Set<string>>();
  /** The same, by user. */
  private readonly userRooms = new Map<string, Set<string>>();
  /** Each room's latest PDU position: which rooms a sync must look at, without a query. */
  private readonly roomPos = new Map<string, number>();
  /** The PDU position of the latest membership change in any room. */
  private lastMembershipPos = 0;

  /** The positions every consumer has committed: what a /sync may read up to. */
  current(): SyncToken {
    return { ...this.token };
  }

  setPosition(key: StreamKey, pos: number): void {
    if (pos > this.token[key]) this.token[key] = pos;
  }

  roomEvent(roomId: string, pos: number, membershipChanged: boolean): void {
    if (pos > (this.roomPos.get(roomId) ?? 0)) this.roomPos.set(roomId, pos);
    if (membershipChanged) this.membershipChangedAt(pos);
  }

  membershipChangedAt(pos: number): void {
    if (pos > this.lastMembershipPos) this.lastMembershipPos = pos;
  }

  /** The room's latest PDU position (0 when it has none). */
  roomPosition(roomId: string): number {
    return this.roomPos.get(roomId) ?? 0;
  }

  /** Whether any membership changed after PDU position `pos`. */
  membershipChangedAfter(pos: number): boolean {
    return this.lastMembershipPos > pos;
  }

  addRoomMember(roomId: string, userId: string): void {
    let set = this.rooms.get(roomId);
    if (!set) this.rooms.set(roomId, (set = new Set()));
    set.add(userId);
    let mine = this.userRooms.get(userId);
    if (!mine) this.userRooms.set(userId, (mine = new Set()));
    mine.add(roomId);
  }

  removeRoomMember(roomId: string, userId: string): void {
    const set = this.rooms.get(roomId);
    if (!set) return;
    set.delete(userId);
    if (set.size === 0) this.rooms.delete(roomId);
    const mine = this.userRooms.get(userId);
    mine?.delete(roomId);
    if (mine?.size === 0) this.userRooms.delete(userId);
  }

  removeRoom(roomId: string): string[] {
    this.roomPos.delete(roomId);
    const users = [...(this.rooms.get(roomId) ?? [])];
    for (const u of users) this.removeRoomMember(roomId, u);
    return users;
  }

  roomMembers(roomId: string): ReadonlySet<string> {
    return this.rooms.get(roomId) ?? new Set();
  }

  /** Local users sharing a room with `userId` (and the user), for presence. */
  usersSharingRoomsWith(userId: string): Set<string> {
    const out = new Set<string>([userId]);
    for (const roomId of this.userRooms.get(userId) ?? []) for (const u of this.roomMembers(roomId)) out.add(u);
    return out;
  }

  version(userId: string): number {
    let s = this.users.get(userId);
    if (!s) this.users.set(userId, (s = { version: 0, waiters: new Set() }));
    return s.version;
  }

  wakeUsers(userIds: Iterable<string>): void {
    for (const u of userIds) {
      const s = this.users.get(u);
      if (!s) continue;
      s.version++;
      const waiters = [...s.waiters];
      s.waiters.clear();
      for (const w of waiters) w();
    }
  }

  wakeRoom(roomId: string, extra: Iterable<string> = []): void {
    this.wakeUsers(new Set([...this.roomMembers(roomId), ...extra]));
  }

  /** How many requests are waiting (metrics, tests). */
  waiting(): number {
    let n = 0;
    for (const s of this.users.values()) n += s.waiters.size;
    return n;
  }

  /**
   * Resolves when the user is woken after `version`, when `timeoutMs` passes, or when `signal`
   * aborts (the client went away); returns whether it was woken.
   */
  wait(userId: string, version: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const s = this.users.get(userId) ?? (this.version(userId), this.users.get(userId)!);
    if (s.version !== version) return Promise.resolve(true);
    if (timeoutMs <= 0 || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (woken: boolean) => {
        if (timer !== undefined) clearTimeout(timer);
        s.waiters.delete(onWake);
        signal?.removeEventListener('abort', onAbort);
        resolve(woken);
      };
      const onWake = () => finish(true);
      const onAbort = () => finish(false);
      s.waiters.add(onWake);
      timer = setTimeout(() => finish(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
