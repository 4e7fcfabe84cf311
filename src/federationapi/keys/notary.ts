// Acting as a notary (Server-Server API, "Querying Keys Through Another Server"): the keys we
// hold for the servers asked about, as their origins signed them, with our signature added. When
// what we hold is not valid until minimum_valid_until_ts (default: now), the origin is asked
// again; if it cannot be reached we still answer with what we have, expired or not ("Notary
// servers can return keys for servers that are offline ... by using cached responses").
import type { KeyRing } from './key-ring.ts';
import type { OurKeys } from './our-keys.ts';

/** server name -> key ID -> criteria; no key IDs means every key. */
export type NotaryCriteria = Record<string, Record<string, { minimum_valid_until_ts?: number }>>;

export class Notary {
  constructor(
    private readonly keyRing: KeyRing,
    private readonly ourKeys: OurKeys,
    private readonly now: () => number,
  ) {}

  async query(criteria: NotaryCriteria, defaultMinValidUntil?: number): Promise<object[]> {
    const answers = await Promise.all(Object.entries(criteria).map(([server, keys]) => this.forServer(server, keys ?? {}, defaultMinValidUntil)));
    return answers.flat();
  }

  private async forServer(server: string, keys: Record<string, { minimum_valid_until_ts?: number }>, defaultMin?: number): Promise<object[]> {
    if (server === this.ourKeys.serverName) return [this.ourKeys.response()];
    const wanted = Object.entries(keys).map(([keyId, c]) => ({ keyId, min: c?.minimum_valid_until_ts ?? defaultMin ?? this.now() }));
    const satisfied = (rows: Awaited<ReturnType<KeyRing['storedKeys']>>) =>
      wanted.length > 0
        ? wanted.every((w) => rows.some((r) => r.keyId === w.keyId && r.validUntilTs >= w.min))
        : rows.some((r) => r.expiredTs === null && r.validUntilTs >= (defaultMin ?? this.now()));
    let rows = await this.keyRing.storedKeys(server);
    if (!satisfied(rows)) {
      await this.keyRing.refreshDirect(server).catch(() => undefined);
      rows = await this.keyRing.storedKeys(server);
    }
    const chosen = wanted.length > 0 ? rows.filter((r) => wanted.some((w) => w.keyId === r.keyId)) : rows;
    // Several keys usually share one response: send each response once, the freshest first.
    const seen = new Set<string>();
    const out: object[] = [];
    for (const r of [...chosen].sort((a, b) => b.validUntilTs - a.validUntilTs)) {
      if (seen.has(r.keyJson)) continue;
      seen.add(r.keyJson);
      out.push(this.ourKeys.countersign(JSON.parse(r.keyJson) as object));
    }
    return out;
  }
}
