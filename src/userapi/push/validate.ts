// Checks of what clients send to the push rules API, with the spec's errors: a bad kind, rule
// ID, action or condition is 400 M_INVALID_PARAM, a missing required field 400 M_MISSING_PARAM
// (Client-Server API, "PUT /pushrules/global/{kind}/{ruleId}").
import { MatrixError, invalidParam, missingParam } from '../../http/errors.ts';
import { PUSH_RULE_KINDS, type PushAction, type PushCondition, type PushRule, type PushRuleKind, type SetPushRuleRequest } from '../api.ts';
import { Action } from './default-rules.ts';
import { isServerDefault } from './ruleset.ts';

const ACTION_NAMES: ReadonlySet<string> = new Set(Object.values(Action));

export function checkKind(kind: string): PushRuleKind {
  if (!(PUSH_RULE_KINDS as readonly string[]).includes(kind)) throw invalidParam(`Unknown push rule kind ${kind}`);
  return kind as PushRuleKind;
}

/** IDs of new rules: not empty, not reserved for server-default rules, no slashes or backslashes. */
export function checkNewRuleId(ruleId: string): void {
  if (ruleId === '') throw invalidParam('The rule ID must not be empty');
  if (isServerDefault(ruleId)) throw invalidParam('Rule IDs starting with "." are reserved for server-default rules');
  if (/[/\\]/.test(ruleId)) throw invalidParam('Rule IDs cannot contain slashes or backslashes');
}

/**
 * Actions as given. Historical `dont_notify` and `coalesce` are accepted and kept, so a client
 * reads back what it set; evaluation ignores them ("Historical Actions"). Any other action is
 * refused rather than stored as something that silently does nothing.
 */
export function parseActions(v: unknown): PushAction[] {
  if (!Array.isArray(v)) throw new MatrixError('M_BAD_JSON', 'actions must be an array');
  return v.map((a, i) => {
    if (typeof a === 'string') {
      if (!ACTION_NAMES.has(a)) throw invalidParam(`actions[${i}]: unknown action ${a}`);
      return a;
    }
    if (typeof a === 'object' && a !== null && !Array.isArray(a) && typeof (a as { set_tweak?: unknown }).set_tweak === 'string') {
      return a as PushAction;
    }
    throw invalidParam(`actions[${i}] is not a valid action`);
  });
}

function parseConditions(v: unknown): PushCondition[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new MatrixError('M_BAD_JSON', 'conditions must be an array');
  return v.map((c, i) => {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new MatrixError('M_BAD_JSON', `conditions[${i}] must be an object`);
    if (typeof (c as { kind?: unknown }).kind !== 'string') throw missingParam(`conditions[${i}].kind is required`);
    return c as PushCondition;
  });
}

/** The rule a setPushRule request describes, in the shape GET returns. */
export function ruleFromRequest(req: SetPushRuleRequest): PushRule {
  const kind = checkKind(req.kind);
  checkNewRuleId(req.ruleId);
  if (req.rule.actions === undefined || req.rule.actions === null) throw missingParam('Missing parameter: actions');
  const rule: PushRule = { rule_id: req.ruleId, default: false, enabled: true, actions: parseActions(req.rule.actions) };
  if (kind === 'override' || kind === 'underride') rule.conditions = parseConditions(req.rule.conditions);
  if (kind === 'content') {
    if (typeof req.rule.pattern !== 'string') throw missingParam('Content rules need a pattern');
    rule.pattern = req.rule.pattern;
  }
  return rule;
}
