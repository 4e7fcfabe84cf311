// Matrix errors: the one errcode-to-status table, and the error type every layer throws.
// Client-Server API, "Standard error response" and "Common error codes".

export const ERRCODE_STATUS = {
  M_FORBIDDEN: 403,
  M_UNKNOWN_TOKEN: 401,
  M_MISSING_TOKEN: 401,
  M_USER_LOCKED: 401,
  M_USER_SUSPENDED: 403,
  M_BAD_JSON: 400,
  M_NOT_JSON: 400,
  M_NOT_FOUND: 404,
  M_LIMIT_EXCEEDED: 429,
  M_UNRECOGNIZED: 404,
  M_UNKNOWN: 500,
  M_UNAUTHORIZED: 401,
  M_USER_DEACTIVATED: 403,
  M_USER_IN_USE: 400,
  M_INVALID_USERNAME: 400,
  M_ROOM_IN_USE: 400,
  M_INVALID_ROOM_STATE: 400,
  M_THREEPID_IN_USE: 400,
  M_THREEPID_NOT_FOUND: 400,
  M_THREEPID_AUTH_FAILED: 401,
  M_THREEPID_DENIED: 403,
  M_SERVER_NOT_TRUSTED: 403,
  M_UNSUPPORTED_ROOM_VERSION: 400,
  M_INCOMPATIBLE_ROOM_VERSION: 400,
  M_BAD_STATE: 400,
  M_GUEST_ACCESS_FORBIDDEN: 403,
  M_CAPTCHA_NEEDED: 401,
  M_CAPTCHA_INVALID: 401,
  M_MISSING_PARAM: 400,
  M_INVALID_PARAM: 400,
  M_TOO_LARGE: 413,
  M_EXCLUSIVE: 400,
  M_RESOURCE_LIMIT_EXCEEDED: 403,
  M_CANNOT_LEAVE_SERVER_NOTICE_ROOM: 403,
  M_WEAK_PASSWORD: 400,
  M_PASSWORD_TOO_SHORT: 400,
  M_PASSWORD_NO_DIGIT: 400,
  M_PASSWORD_NO_UPPERCASE: 400,
  M_PASSWORD_NO_LOWERCASE: 400,
  M_PASSWORD_NO_SYMBOL: 400,
  M_PASSWORD_IN_DICTIONARY: 400,
  M_UNABLE_TO_AUTHORISE_JOIN: 400,
  M_UNABLE_TO_GRANT_JOIN: 400,
  M_NOT_YET_UPLOADED: 504,
  M_CANNOT_OVERWRITE_MEDIA: 409,
  M_INVALID_SIGNATURE: 400,
  M_DUPLICATE_ANNOTATION: 400,
  M_UNKNOWN_POS: 400,
  M_WRONG_ROOM_KEYS_VERSION: 403,
  M_CONNECTION_FAILED: 502,
  M_CONNECTION_TIMEOUT: 504,
  M_PROFILE_TOO_LARGE: 400,
  M_KEY_TOO_LARGE: 400,
  M_BAD_ALIAS: 400,
  M_INVITE_BLOCKED: 403,
} as const;

export type Errcode = keyof typeof ERRCODE_STATUS;

export class MatrixError extends Error {
  readonly errcode: Errcode;
  readonly status: number;
  /** Extra top-level fields of the error body, e.g. retry_after_ms or UIA session data. */
  readonly extra: Record<string, unknown>;

  constructor(errcode: Errcode, message: string, opts: { status?: number; extra?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'MatrixError';
    this.errcode = errcode;
    this.status = opts.status ?? ERRCODE_STATUS[errcode];
    this.extra = opts.extra ?? {};
  }

  toJSON(): Record<string, unknown> {
    return { errcode: this.errcode, error: this.message, ...this.extra };
  }
}

export const forbidden = (msg: string) => new MatrixError('M_FORBIDDEN', msg);
export const notFound = (msg: string) => new MatrixError('M_NOT_FOUND', msg);
export const badJson = (msg: string) => new MatrixError('M_BAD_JSON', msg);
export const notJson = (msg: string) => new MatrixError('M_NOT_JSON', msg);
export const missingParam = (msg: string) => new MatrixError('M_MISSING_PARAM', msg);
export const invalidParam = (msg: string) => new MatrixError('M_INVALID_PARAM', msg);
export const unrecognized = (msg: string, status = 404) => new MatrixError('M_UNRECOGNIZED', msg, { status });
export const tooLarge = (msg: string) => new MatrixError('M_TOO_LARGE', msg);
export const unknownToken = (msg: string, softLogout = false) =>
  new MatrixError('M_UNKNOWN_TOKEN', msg, softLogout ? { extra: { soft_logout: true } } : {});
export const missingToken = (msg: string) => new MatrixError('M_MISSING_TOKEN', msg);
export const limitExceeded = (retryAfterMs: number) =>
  new MatrixError('M_LIMIT_EXCEEDED', 'Too many requests; retry later', { extra: { retry_after_ms: retryAfterMs } });
export const unknown = (msg: string) => new MatrixError('M_UNKNOWN', msg);

/** Rebuild a MatrixError from its JSON body (used by the RPC client and the federation client). */
export function matrixErrorFromBody(status: number, body: unknown): MatrixError {
  const b = (body ?? {}) as Record<string, unknown>;
  const code = typeof b.errcode === 'string' && b.errcode in ERRCODE_STATUS ? (b.errcode as Errcode) : 'M_UNKNOWN';
  const { errcode: _e, error, ...extra } = b;
  return new MatrixError(code, typeof error === 'string' ? error : `HTTP ${status}`, { status, extra });
}
