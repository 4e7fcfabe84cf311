// Each user's ignore list (Client-Server API, "Ignoring Users"): the m.ignored_user_list account
// data, read from the user API once and kept until the client-data consumer sees it change.
import { AccountDataType } from '../../protocol/constants.ts';
import type { UserApi } from '../../userapi/api.ts';

const MAX_USERS = 10_000;

export class IgnoredUsers {
  private readonly cache = new Map<string, Set<string>>();
  constructor(private readonly userapi: Pick<UserApi, 'getAccountData'>) {}

  async of(userId: string): Promise<Set<string>> {
    const known = this.cache.get(userId);
    if (known) return known;
    const content = await this.userapi.getAccountData(userId, '', AccountDataType.IgnoredUserList);
    const ignored = content?.ignored_users;
    const set = new Set(ignored && typeof ignored === 'object' ? Object.keys(ignored) : []);
    if (this.cache.size >= MAX_USERS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(userId, set);
    return set;
  }

  invalidate(userId: string): void {
    this.cache.delete(userId);
  }
}
