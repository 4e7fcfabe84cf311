// Pieces both bus implementations share, so that they behave the same: payload encoding, the
// delivered message, NATS subject matching, name checks and the redelivery delays.
import type { BusMessage, ConsumeOptions, Headers } from './types.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodePayload(data: Uint8Array | string | object): Uint8Array {
  if (data instanceof Uint8Array) return data;
  return encoder.encode(typeof data === 'string' ? data : JSON.stringify(data));
}

export class DeliveredMessage implements BusMessage {
  constructor(
    readonly subject: string,
    readonly headers: Headers,
    readonly data: Uint8Array,
    readonly seq: number,
    readonly deliveryCount: number,
  ) {}
  json<T = unknown>(): T {
    return JSON.parse(decoder.decode(this.data)) as T;
  }
}

/** NATS subject matching: `*` matches one token, a final `>` matches one or more tokens. */
export function subjectMatches(filter: string, subject: string): boolean {
  if (filter === subject) return true;
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    const tok = f[i];
    if (tok === '>') return i === f.length - 1 && s.length > i;
    if (i >= s.length) return false;
    if (tok !== '*' && tok !== s[i]) return false;
  }
  return f.length === s.length;
}

export const hasWildcard = (subject: string): boolean => /(^|\.)[*>](\.|$)/.test(subject);

/** Stream and durable names must be valid NATS names, so code that runs in-process also runs on NATS. */
export function checkName(kind: string, name: string): void {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new Error(`bus: invalid ${kind} name ${JSON.stringify(name)}: use letters, digits, _ and - only`);
  }
}

/** Checks a subject given by a caller (without the prefix); wildcards only where filtering. */
export function checkSubject(subject: string, allowWildcards: boolean): void {
  const ok = subject !== '' && subject.split('.').every((t) => t !== '' && !/\s/.test(t));
  if (!ok || (!allowWildcards && hasWildcard(subject))) {
    throw new Error(`bus: invalid subject ${JSON.stringify(subject)}`);
  }
}

/** Header names and values NATS can carry (MIME-style), so both buses accept the same ones. */
export function checkHeaders(headers: Headers): void {
  for (const [k, v] of Object.entries(headers)) {
    if (!/^[!-9;-~]+$/.test(k) || /[\r\n]/.test(v)) {
      throw new Error(`bus: invalid header ${JSON.stringify(k)}: names are printable ASCII without ':', values one line`);
    }
  }
}

export const DEFAULT_ACK_WAIT_MS = 30_000;

export interface ConsumerSettings {
  ackWaitMs: number;
  maxInFlight: number;
}

export function consumerSettings(opts: ConsumeOptions): ConsumerSettings {
  const ackWaitMs = opts.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
  const maxInFlight = opts.maxInFlight ?? 1;
  if (!(ackWaitMs >= 100)) throw new Error('bus: ackWaitMs must be at least 100');
  if (!(Number.isInteger(maxInFlight) && maxInFlight >= 1)) throw new Error('bus: maxInFlight must be a positive integer');
  checkName('durable', opts.durable);
  if (opts.filterSubject !== undefined) checkFilter(opts.stream, opts.filterSubject);
  return { ackWaitMs, maxInFlight };
}

/**
 * How long a message whose handler threw waits before it is delivered again: 250 ms, doubling
 * with each delivery, at most 30 s, so a poison message does not spin a CPU core.
 */
export function nakDelayMs(deliveryCount: number): number {
  return Math.min(250 * 2 ** Math.max(0, deliveryCount - 1), 30_000);
}

/** A filter must lie inside its stream: `X` or `X.…` for stream `X`, as NATS requires. */
export function checkFilter(stream: string, filter: string): void {
  checkSubject(filter, true);
  const first = filter.split('.')[0];
  if (first !== stream) {
    throw new Error(`bus: filter subject ${JSON.stringify(filter)} is not inside stream ${stream}`);
  }
}
