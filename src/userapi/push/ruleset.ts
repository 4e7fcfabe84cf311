// A user's ruleset: what is stored as m.push_rules account data, merged with the server-default
// rules, and the edits the push rules API makes to it (Client-Server API, "Push Rules: API").
//
// What is stored is the whole ruleset as clients last saw it. On reading, the user's own rules
// are kept in their order, and the server-default rules are taken from defaultRuleset() with
// only the user's `enabled` and `actions` applied, so a server that adds or changes a default
// rule gives it to every user. Priorities: server-default rules come after user-defined ones
// of their kind, except .m.rule.master, which always comes first ("Predefined Rules").
import { MatrixError, notFound } from '../../http/errors.ts';
import { PUSH_RULE_KINDS, type PushAction, type PushRule, type PushRuleKind, type PushRuleset } from '../api.ts';
import { RuleId, defaultRuleset } from './default-rules.ts';

export const isServerDefault = (ruleId: string) => ruleId.startsWith('.');

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `global` object of stored m.push_rules content, tolerating anything. */
function storedKinds(content: unknown): Partial<Record<PushRuleKind, unknown[]>> {
  const global = isObject(content) ? content.global : undefined;
  if (!isObject(global)) return {};
  const out: Partial<Record<PushRuleKind, unknown[]>> = {};
  for (const kind of PUSH_RULE_KINDS) if (Array.isArray(global[kind])) out[kind] = global[kind] as unknown[];
  return out;
}

function storedRule(v: unknown): PushRule | undefined {
  if (!isObject(v) || typeof v.rule_id !== 'string' || !Array.isArray(v.actions)) return undefined;
  const r: PushRule = {
    rule_id: v.rule_id,
    default: false,
    enabled: typeof v.enabled === 'boolean' ? v.enabled : true,
    actions: v.actions as PushAction[],
  };
  if (Array.isArray(v.conditions)) r.conditions = v.conditions as PushRule['conditions'];
  if (typeof v.pattern === 'string') r.pattern = v.pattern;
  return r;
}

/** The effective ruleset of `userId` from stored m.push_rules content (null: never set). */
export function mergeRuleset(content: unknown, userId: string): PushRuleset {
  const defaults = defaultRuleset(userId);
  const stored = storedKinds(content);
  const out = {} as PushRuleset;
  for (const kind of PUSH_RULE_KINDS) {
    const rules = (stored[kind] ?? []).map(storedRule).filter((r): r is PushRule => r !== undefined);
    const own = rules.filter((r) => !isServerDefault(r.rule_id));
    const edits = new Map(rules.filter((r) => isServerDefault(r.rule_id)).map((r) => [r.rule_id, r]));
    const defs = defaults[kind].map((d) => {
      const e = edits.get(d.rule_id);
      return e ? { ...d, enabled: e.enabled, actions: e.actions } : d;
    });
    const master = defs.filter((d) => d.rule_id === RuleId.Master);
    out[kind] = [...master, ...own, ...defs.filter((d) => d.rule_id !== RuleId.Master)];
  }
  return out;
}

/** What is stored as m.push_rules: the ruleset under `global`, as clients read it from /sync. */
export const storedContent = (rs: PushRuleset): Record<string, unknown> => ({ global: rs });

export function findRule(rs: PushRuleset, kind: PushRuleKind, ruleId: string): PushRule {
  const r = rs[kind].find((x) => x.rule_id === ruleId);
  if (!r) throw notFound('The push rule was not found.');
  return r;
}

/** The index of a user-defined rule named by `before`/`after`. */
function anchorIndex(rules: PushRule[], ruleId: string): number {
  const i = isServerDefault(ruleId) ? -1 : rules.findIndex((r) => r.rule_id === ruleId);
  // The spec's own example answers an unknown anchor with 400 M_UNKNOWN.
  if (i < 0) throw new MatrixError('M_UNKNOWN', `before/after rule not found: ${ruleId}`, { status: 400 });
  return i;
}

/**
 * Adds or replaces a user-defined rule. An existing rule keeps its place and its `enabled`
 * unless `before`/`after` move it; a new rule is the most important user-defined rule of its
 * kind ("setPushRule"). `before` wins when both are given.
 */
export function putRule(rs: PushRuleset, kind: PushRuleKind, rule: PushRule, place: { before?: string; after?: string }): void {
  const rules = rs[kind];
  const at = rules.findIndex((r) => r.rule_id === rule.rule_id);
  const existing = at >= 0 ? rules[at] : undefined;
  if (existing) {
    rule.enabled = existing.enabled;
    rules.splice(at, 1);
  }
  let index: number;
  if (place.before !== undefined) index = anchorIndex(rules, place.before);
  else if (place.after !== undefined) index = anchorIndex(rules, place.after) + 1;
  else if (existing) index = at;
  else index = rules.findIndex((r) => r.rule_id !== RuleId.Master);
  rules.splice(index < 0 ? rules.length : index, 0, rule);
}

export function deleteRule(rs: PushRuleset, kind: PushRuleKind, ruleId: string): void {
  findRule(rs, kind, ruleId);
  if (isServerDefault(ruleId)) throw new MatrixError('M_INVALID_PARAM', 'Server-default rules cannot be deleted');
  rs[kind] = rs[kind].filter((r) => r.rule_id !== ruleId);
}
