// Which member events each device has already been sent (Client-Server API, "Lazy-loading room
// members"): with lazy_load_members and without include_redundant_members, an incremental /sync
// leaves out the membership of a timeline sender that this device already has. Kept in memory
// per device, bounded; after a restart or eviction the server just sends them again, which the
// spec allows (redundant members are harmless).
const MAX_DEVICES = 5_000;

export class LazyMembers {
  /** `${userId}|${deviceId}` -> room -> member -> NID of the member event sent */
  private readonly devices = new Map<string, Map<string, Map<string, number>>>();

  private rooms(userId: string, deviceId: string): Map<string, Map<string, number>> {
    const key = `${userId}|${deviceId}`;
    let rooms = this.devices.get(key);
    if (rooms) {
      this.devices.delete(key);
      this.devices.set(key, rooms);
      return rooms;
    }
    if (this.devices.size >= MAX_DEVICES) this.devices.delete(this.devices.keys().next().value!);
    this.devices.set(key, (rooms = new Map()));
    return rooms;
  }

  /** Whether this device was already sent exactly this member event. */
  isRedundant(userId: string, deviceId: string, roomId: string, member: string, nid: number): boolean {
    return this.rooms(userId, deviceId).get(roomId)?.get(member) === nid;
  }

  sent(userId: string, deviceId: string, roomId: string, member: string, nid: number): void {
    const rooms = this.rooms(userId, deviceId);
    let room = rooms.get(roomId);
    if (!room) rooms.set(roomId, (room = new Map()));
    room.set(member, nid);
  }

  /** A full-state sync of the room starts the device's record of it afresh. */
  reset(userId: string, deviceId: string, roomId: string): void {
    this.rooms(userId, deviceId).delete(roomId);
  }
}
