// The push rules methods of the user API (Client-Server API, "Push Rules: API"). Server-default
// rules may only be enabled, disabled or given other actions; user-defined rules may also be
// added, moved and deleted.
import type { UserApi } from '../api.ts';
import type { RuleStore } from './rule-store.ts';
import { deleteRule, findRule, putRule } from './ruleset.ts';
import { checkKind, parseActions, ruleFromRequest } from './validate.ts';

type RuleMethods = Pick<UserApi, 'getPushRules' | 'setPushRule' | 'deletePushRule' | 'setPushRuleEnabled' | 'setPushRuleActions'>;

export function pushRuleMethods(store: RuleStore, checkLocal: (userId: string) => void): RuleMethods {
  return {
    async getPushRules(userId) {
      checkLocal(userId);
      return store.rules(userId);
    },

    async setPushRule(req) {
      checkLocal(req.userId);
      const rule = ruleFromRequest(req);
      const before = req.before ?? undefined;
      const after = req.after ?? undefined;
      await store.edit(req.userId, (rs) => putRule(rs, req.kind, rule, { before, after }));
    },

    async deletePushRule(userId, kind, ruleId) {
      checkLocal(userId);
      const k = checkKind(kind);
      await store.edit(userId, (rs) => deleteRule(rs, k, ruleId));
    },

    async setPushRuleEnabled(userId, kind, ruleId, enabled) {
      checkLocal(userId);
      const k = checkKind(kind);
      await store.edit(userId, (rs) => {
        findRule(rs, k, ruleId).enabled = enabled === true;
      });
    },

    async setPushRuleActions(userId, kind, ruleId, actions) {
      checkLocal(userId);
      const k = checkKind(kind);
      const parsed = parseActions(actions);
      await store.edit(userId, (rs) => {
        findRule(rs, k, ruleId).actions = parsed;
      });
    },
  };
}
