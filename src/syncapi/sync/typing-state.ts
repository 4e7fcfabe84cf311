// Who is typing in each room (Client-Server API, "Typing Notifications"), in memory: typing is
// ephemeral and losing it on a restart is harmless. Each change (a user starts, stops, or times
// out) takes the next position of the typing stream and records it on the room, so a /sync can
// ask which rooms changed since its token.
//
// Positions start at the process's start time in milliseconds rather than at 0: a token from
// before a restart then stays below every new position (unless the old process made more than
// one typing change per millisecond), so a client coming back is sent the current typing state.

export type TypingListener = (roomId: string, pos: number) => void;

interface RoomTyping {
  /** user -> expiry timer */
  users: Map<string, ReturnType<typeof setTimeout>>;
  pos: number;
}

export class TypingState {
  private pos: number;
  private readonly rooms = new Map<string, RoomTyping>();

  constructor(
    private readonly onChange: TypingListener,
    start = Date.now(),
  ) {
    this.pos = start;
  }

  latest(): number {
    return this.pos;
  }

  /** Starts (with a timeout) or stops a user's typing; returns whether anything changed. */
  set(roomId: string, userId: string, typing: boolean, timeoutMs: number): boolean {
    let room = this.rooms.get(roomId);
    const existing = room?.users.get(userId);
    if (existing !== undefined) clearTimeout(existing);
    if (!typing) {
      if (existing === undefined) return false;
      room!.users.delete(userId);
      this.bump(roomId, room!);
      return true;
    }
    if (!room) this.rooms.set(roomId, (room = { users: new Map(), pos: this.pos }));
    const r = room;
    const timer = setTimeout(() => {
      if (r.users.get(userId) !== timer) return;
      r.users.delete(userId);
      this.bump(roomId, r);
    }, timeoutMs);
    // A typing timeout must not keep the process alive.
    (timer as { unref?: () => void }).unref?.();
    r.users.set(userId, timer);
    // Renewing an existing typing notification changes nothing a client can see.
    if (existing === undefined) this.bump(roomId, r);
    return existing === undefined;
  }

  typingUsers(roomId: string): string[] {
    return [...(this.rooms.get(roomId)?.users.keys() ?? [])];
  }

  /** The room's last change position, or 0 if it never changed in this process. */
  roomPosition(roomId: string): number {
    return this.rooms.get(roomId)?.pos ?? 0;
  }

  /** Clears every timer (component shutdown). */
  close(): void {
    for (const room of this.rooms.values()) for (const t of room.users.values()) clearTimeout(t);
    this.rooms.clear();
  }

  private bump(roomId: string, room: RoomTyping): void {
    // An emptied room stays in the map: a sync behind its position must learn nobody types.
    room.pos = ++this.pos;
    this.onChange(roomId, room.pos);
  }
}
