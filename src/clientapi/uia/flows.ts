// Flows of user-interactive auth (Client-Server API, "User-Interactive Authentication API"): the
// client picks a flow and must complete its stages in order.

export interface Flow {
  stages: string[];
}

export const STAGE = {
  Password: 'm.login.password',
  Recaptcha: 'm.login.recaptcha',
  Dummy: 'm.login.dummy',
  RegistrationToken: 'm.login.registration_token',
} as const;

/** Whether `stage` is the next stage of a flow that starts with `completed`. */
export function canAttempt(flows: readonly Flow[], completed: readonly string[], stage: string): boolean {
  return flows.some(
    (f) => f.stages.length > completed.length && completed.every((s, i) => f.stages[i] === s) && f.stages[completed.length] === stage,
  );
}

/** Whether every stage of some flow is completed. */
export function isComplete(flows: readonly Flow[], completed: readonly string[]): boolean {
  return flows.some((f) => f.stages.every((s) => completed.includes(s)));
}

/** The 401 body's `params`: what clients need for the offered stages. */
export type StageParams = Record<string, Record<string, unknown>>;
