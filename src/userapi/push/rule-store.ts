// Reading and editing users' rulesets. They live in m.push_rules account data, so clients see
// every change in /sync (Client-Server API, "Push Rules: Events"); the parsed ruleset of recent
// users is kept here, because every event in a room is evaluated against each member's rules.
// Edits of one user are serialised, as each is a read-modify-write of the whole ruleset.
import { AccountDataType } from '../../protocol/constants.ts';
import type { PushRuleset, UserApi } from '../api.ts';
import { BoundedMap } from './bounded-map.ts';
import { mergeRuleset, storedContent } from './ruleset.ts';

type AccountData = Pick<UserApi, 'getAccountData' | 'setAccountData'>;

export class RuleStore {
  private readonly cache = new BoundedMap<string, PushRuleset>(10_000);
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly accountData: AccountData) {}

  /** The effective ruleset. Callers must not change it: use edit(). */
  async rules(userId: string): Promise<PushRuleset> {
    const cached = this.cache.get(userId);
    if (cached) return cached;
    const rs = mergeRuleset(await this.accountData.getAccountData(userId, '', AccountDataType.PushRules), userId);
    this.cache.set(userId, rs);
    return rs;
  }

  /** Applies `change` to a copy of the ruleset and stores the result (published to /sync). */
  edit(userId: string, change: (rs: PushRuleset) => void): Promise<void> {
    const prev = this.locks.get(userId) ?? Promise.resolve();
    const run = prev.then(async () => {
      const rs = structuredClone(await this.rules(userId));
      change(rs);
      // Dropped first: if the write fails, the next read goes back to what is stored.
      this.cache.delete(userId);
      await this.accountData.setAccountData(userId, '', AccountDataType.PushRules, storedContent(rs));
      this.cache.set(userId, rs);
    });
    const tail = run.catch(() => undefined);
    this.locks.set(userId, tail);
    void tail.then(() => {
      if (this.locks.get(userId) === tail) this.locks.delete(userId);
    });
    return run;
  }

  /** Forgets a user's cached ruleset (their account data changed elsewhere). */
  forget(userId: string): void {
    this.cache.delete(userId);
  }
}
