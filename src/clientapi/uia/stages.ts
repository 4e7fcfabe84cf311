// The UIA stages this server offers (Client-Server API, "Authentication types"). A stage check
// either passes, possibly naming the user it authenticated, or fails with an errcode the client
// sees in a 401 and may retry. Errors that end the request (a 403 for an unknown 3PID) are thrown.
import type { Config } from '../../config/types.ts';
import type { Errcode } from '../../http/errors.ts';
import { RESERVED_TOKEN_KEY, type UiaSession, type UserApi } from '../../userapi/api.ts';
import { userIdFromIdentifier } from '../identifier.ts';
import { STAGE } from './flows.ts';

export type StageResult =
  | { ok: true; userId?: string; data?: Record<string, unknown> }
  | { ok: false; errcode: Errcode; error: string };

export interface StageDeps {
  userapi: UserApi;
  serverName: string;
  config: Config;
  /** The client's IP address, sent to reCAPTCHA. */
  ip?: string;
}

export type StageCheck = (auth: Record<string, unknown>, session: UiaSession, deps: StageDeps) => Promise<StageResult>;

const fail = (errcode: Errcode, error: string): StageResult => ({ ok: false, errcode, error });

async function password(auth: Record<string, unknown>, _s: UiaSession, deps: StageDeps): Promise<StageResult> {
  const userId = userIdFromIdentifier(auth, deps.serverName);
  if (typeof auth.password !== 'string') return fail('M_MISSING_PARAM', 'password is required');
  const account = await deps.userapi.verifyPassword(userId, auth.password);
  if (!account || account.deactivated) return fail('M_FORBIDDEN', 'Invalid username or password');
  return { ok: true, userId: account.userId };
}

async function dummy(): Promise<StageResult> {
  return { ok: true };
}

async function registrationToken(auth: Record<string, unknown>, session: UiaSession, deps: StageDeps): Promise<StageResult> {
  if (typeof auth.token !== 'string') return fail('M_MISSING_PARAM', 'token is required');
  if (session.data[RESERVED_TOKEN_KEY] === auth.token) return { ok: true };
  if (!(await deps.userapi.reserveRegistrationToken(auth.token))) return fail('M_UNAUTHORIZED', 'Invalid registration token');
  // Remembered so that the use is completed with the registration, or given back if the session expires.
  return { ok: true, data: { [RESERVED_TOKEN_KEY]: auth.token } };
}

async function recaptcha(auth: Record<string, unknown>, _s: UiaSession, deps: StageDeps): Promise<StageResult> {
  const cfg = deps.config.client_api;
  if (typeof auth.response !== 'string' || auth.response === '') return fail('M_CAPTCHA_NEEDED', 'response is required');
  if (cfg.recaptcha_bypass_secret !== '' && auth.response === cfg.recaptcha_bypass_secret) return { ok: true };
  const form = new URLSearchParams({ secret: cfg.recaptcha_private_key, response: auth.response });
  if (deps.ip) form.set('remoteip', deps.ip);
  try {
    const res = await fetch(cfg.recaptcha_siteverify_api, { method: 'POST', body: form, signal: AbortSignal.timeout(10_000) });
    const verdict = (await res.json()) as { success?: unknown };
    return verdict.success === true ? { ok: true } : fail('M_CAPTCHA_INVALID', 'Captcha verification failed');
  } catch {
    return fail('M_CAPTCHA_INVALID', 'Could not verify the captcha');
  }
}

export const STAGE_CHECKS: Record<string, StageCheck> = {
  [STAGE.Password]: password,
  [STAGE.Dummy]: dummy,
  [STAGE.RegistrationToken]: registrationToken,
  [STAGE.Recaptcha]: recaptcha,
};
