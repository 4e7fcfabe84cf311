// The federation client: requests to other servers signed with our key (X-Matrix), JSON in and
// out. Typed calls for each spec module live next to it (./calls/*.ts), one file per module, so a
// new module (joins, invites) is one more file using `request`.
import { MatrixError, matrixErrorFromBody } from '../../http/errors.ts';
import type { Signer } from '../../protocol/signing/types.ts';
import type { Transport } from './transport.ts';
import { authorizationHeader } from './x-matrix.ts';

export interface Identity {
  serverName: string;
  keyId: string;
  signer: Signer;
}

export interface RequestOptions {
  /** JSON body (PUT, POST). */
  body?: unknown;
  /** Query parameters; arrays repeat the parameter. */
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Unsigned (GET /_matrix/key/v2/server needs no auth). */
  unsigned?: boolean;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** Largest JSON answer read (a big room's /state is tens of megabytes). */
const MAX_JSON_BYTES = 256 * 1024 * 1024;

export class FederationClient {
  constructor(
    readonly transport: Transport,
    private readonly identity: Identity,
  ) {}

  get serverName(): string {
    return this.identity.serverName;
  }

  /** A request whose answer is returned as it came (media downloads, error bodies included). */
  async raw(destination: string, method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const uri = path + queryString(opts.query);
    const headers: Record<string, string> = {};
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] = 'application/json';
    }
    if (!opts.unsigned) {
      const { serverName, keyId, signer } = this.identity;
      headers.Authorization = authorizationHeader({ method, uri, origin: serverName, destination, content: opts.body }, keyId, signer);
    }
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
    return this.transport.request(destination, { method, path: uri, headers, body, signal });
  }

  /** A JSON request: the parsed answer, or a MatrixError carrying the remote error and status. */
  async request<T>(destination: string, method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.raw(destination, method, path, opts);
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > MAX_JSON_BYTES) {
      await res.body?.cancel();
      throw new MatrixError('M_TOO_LARGE', `${destination} answered with ${declared} bytes`, { status: 502 });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? {} : JSON.parse(text);
    } catch {
      if (res.ok) throw new MatrixError('M_NOT_JSON', `${destination} answered ${method} ${path} with something that is not JSON`, { status: 502 });
      json = {};
    }
    if (!res.ok) throw matrixErrorFromBody(res.status, json);
    return json as T;
  }
}

function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) params.append(k, x);
    else params.append(k, String(v));
  }
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

/** A path segment, percent-encoded (room and event IDs carry `!`, `$`, `:`, `/`). */
export const seg = (s: string): string => encodeURIComponent(s);
