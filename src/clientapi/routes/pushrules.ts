// Client-Server API, "Push Rules: API" (pushrules.yaml). The rules are the user API's (kept as
// m.push_rules account data). `global` is the only scope; paths that name no rule where one is
// needed, or that go past /enabled and /actions, are 400 as Synapse answers them (SyTest,
// 61push/80torture.pl), while GET /pushrules without its trailing slash stays unknown (404).
import { invalidParam, notFound } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { PUSH_RULE_KINDS, type PushRuleKind } from '../../userapi/api.ts';
import type { ClientapiContext } from '../context.ts';

const GLOBAL = 'global';

function checkScope(scope: string | undefined): void {
  if (scope !== GLOBAL) throw invalidParam(`Unknown push rule scope ${scope}; only "global" exists`);
}

function checkKind(kind: string | undefined): PushRuleKind {
  if (!(PUSH_RULE_KINDS as readonly (string | undefined)[]).includes(kind)) throw invalidParam(`Unknown push rule kind ${kind}`);
  return kind as PushRuleKind;
}

/** The scope, kind and rule ID of a path, checked in that order. */
function ruleParams(params: Record<string, string>): { kind: PushRuleKind; ruleId: string } {
  checkScope(params.scope);
  return { kind: checkKind(params.kind), ruleId: params.ruleId! };
}

const RULE = '/pushrules/:scope/:kind/:ruleId';

export function pushrulesOps(ctx: ClientapiContext): Operation[] {
  const rulesOf = (userId: string) => ctx.userapi.getPushRules(userId);
  const ruleOf = async (userId: string, kind: PushRuleKind, ruleId: string) => {
    const rule = (await rulesOf(userId))[kind].find((r) => r.rule_id === ruleId);
    if (!rule) throw notFound('The push rule was not found.');
    return rule;
  };

  return [
    // GET /_matrix/client/v3/pushrules/
    op({ method: 'GET', path: '/pushrules/', access: 'user' }, async function getPushRules({ requester }) {
      return { global: await rulesOf(requester.userId) };
    }),

    // GET /_matrix/client/v3/pushrules/global/
    op({ method: 'GET', path: '/pushrules/:scope/', access: 'user' }, async function getPushRulesGlobal({ params, requester }) {
      checkScope(params.scope);
      return rulesOf(requester.userId);
    }),

    // GET /_matrix/client/v3/pushrules/global/{kind}/ (the rules of one kind; r0 and Synapse)
    op({ method: 'GET', path: '/pushrules/:scope/:kind/', access: 'user' }, async function getPushRulesOfKind({ params, requester }) {
      checkScope(params.scope);
      return (await rulesOf(requester.userId))[checkKind(params.kind)];
    }),

    // GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}
    op({ method: 'GET', path: RULE, access: 'user' }, async function getPushRule({ params, requester }) {
      const { kind, ruleId } = ruleParams(params);
      return ruleOf(requester.userId, kind, ruleId);
    }),

    // PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}
    op(
      {
        method: 'PUT',
        path: RULE,
        access: 'user',
        rateLimited: true,
        body: v.object({ actions: v.any(), conditions: v.any().opt(), pattern: v.any().opt() }),
      },
      async function setPushRule({ params, body, query, requester }) {
        const { kind, ruleId } = ruleParams(params);
        await ctx.userapi.setPushRule({
          userId: requester.userId,
          kind,
          ruleId,
          rule: { actions: body.actions, conditions: body.conditions, pattern: body.pattern },
          before: query('before'),
          after: query('after'),
        });
        return {};
      },
    ),

    // DELETE /_matrix/client/v3/pushrules/global/{kind}/{ruleId}
    op({ method: 'DELETE', path: RULE, access: 'user' }, async function deletePushRule({ params, requester }) {
      const { kind, ruleId } = ruleParams(params);
      await ctx.userapi.deletePushRule(requester.userId, kind, ruleId);
      return {};
    }),

    // GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled
    op({ method: 'GET', path: `${RULE}/enabled`, access: 'user' }, async function isPushRuleEnabled({ params, requester }) {
      const { kind, ruleId } = ruleParams(params);
      return { enabled: (await ruleOf(requester.userId, kind, ruleId)).enabled };
    }),

    // PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled
    op(
      { method: 'PUT', path: `${RULE}/enabled`, access: 'user', body: v.object({ enabled: v.boolean() }) },
      async function setPushRuleEnabled({ params, body, requester }) {
        const { kind, ruleId } = ruleParams(params);
        await ctx.userapi.setPushRuleEnabled(requester.userId, kind, ruleId, body.enabled);
        return {};
      },
    ),

    // GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions
    op({ method: 'GET', path: `${RULE}/actions`, access: 'user' }, async function getPushRuleActions({ params, requester }) {
      const { kind, ruleId } = ruleParams(params);
      return { actions: (await ruleOf(requester.userId, kind, ruleId)).actions };
    }),

    // PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions
    op(
      { method: 'PUT', path: `${RULE}/actions`, access: 'user', body: v.object({ actions: v.array(v.any()) }) },
      async function setPushRuleActions({ params, body, requester }) {
        const { kind, ruleId } = ruleParams(params);
        await ctx.userapi.setPushRuleActions(requester.userId, kind, ruleId, body.actions);
        return {};
      },
    ),

    // Anything else under /pushrules/: a missing scope, kind or rule ID, or an unknown attribute.
    ...(['GET', 'PUT', 'DELETE'] as const).map((method) =>
      op({ method, path: '/pushrules/:rest{.+}', access: 'user' }, async function malformedPushRulePath({ params }) {
        throw invalidParam(`Not a push rule path: /pushrules/${params.rest}`);
      }),
    ),
    // PUT /pushrules/ names no scope.
    op({ method: 'PUT', path: '/pushrules/', access: 'user' }, async function malformedPushRulePut() {
      throw invalidParam('A push rule path needs a scope, a kind and a rule ID');
    }),
  ];
}
