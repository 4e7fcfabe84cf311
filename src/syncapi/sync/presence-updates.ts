// Setting presence (Client-Server API, "Presence"): PUT /presence/{userId}/status and /sync's
// `set_presence` publish OutputPresenceEvent, which our presence consumer (and, later, the
// federation sender) follows. A sync publishes only when the state changes, or to refresh
// last_active every few minutes, so polling does not flood everyone's presence stream.
import { STREAM } from '../../bus/streams.ts';
import { PresenceState } from '../../protocol/constants.ts';
import type { OutputPresenceEvent } from '../api.ts';
import { presenceEnabled, type SyncapiContext } from '../context.ts';
import { selectPresence } from '../storage/presence.ts';

const REFRESH_MS = 5 * 60_000;
const MAX_USERS = 50_000;

type State = OutputPresenceEvent['presence'];

export class PresenceUpdates {
  /** What we last published (or found stored) for each user. */
  private readonly last = new Map<string, { presence: string; statusMsg: string | null; ts: number }>();
  constructor(private readonly ctx: SyncapiContext) {}

  /** /sync's set_presence: absent means online; offline means "do not change it". */
  async fromSync(userId: string, setPresence: string | undefined): Promise<void> {
    if (!presenceEnabled(this.ctx)) return;
    const want = (setPresence ?? PresenceState.Online) as State;
    if (want === PresenceState.Offline) return;
    const known = await this.known(userId);
    const now = this.ctx.now();
    if (known && known.presence === want && now - known.ts < REFRESH_MS) return;
    await this.publish(userId, want, known?.statusMsg ?? null);
  }

  async publish(userId: string, presence: State, statusMsg: string | null): Promise<void> {
    const ts = this.ctx.now();
    const msg: OutputPresenceEvent = { userId, presence, statusMsg, lastActiveTs: ts };
    if (this.last.size >= MAX_USERS) this.last.delete(this.last.keys().next().value!);
    this.last.set(userId, { presence, statusMsg, ts });
    const { seq } = await this.ctx.bus.publish(STREAM.OutputPresenceEvent, msg, { user_id: userId });
    await this.ctx.progress.waitFor(STREAM.OutputPresenceEvent, seq);
  }

  private async known(userId: string): Promise<{ presence: string; statusMsg: string | null; ts: number } | undefined> {
    const cached = this.last.get(userId);
    if (cached) return cached;
    const row = await selectPresence(this.ctx.db, userId);
    if (!row) return undefined;
    const entry = { presence: row.presence, statusMsg: row.statusMsg, ts: row.lastActiveTs };
    this.last.set(userId, entry);
    return entry;
  }
}
