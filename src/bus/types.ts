// The bus contract: JetStream-shaped durable streams. Two implementations keep it:
// the in-process log (monolith default) and NATS JetStream (polylith, or jetstream.addresses set).
// Delivery is at least once, in publish order per subject; a durable consumer resumes after a
// restart from its last acknowledged message.

export type Headers = Record<string, string>;

export interface BusMessage {
  /** Full subject, including the topic prefix. */
  readonly subject: string;
  readonly headers: Headers;
  readonly data: Uint8Array;
  /** Position in the stream, increasing, starting at 1. */
  readonly seq: number;
  /** How many times this message has been delivered, starting at 1. */
  readonly deliveryCount: number;
  /** data decoded as UTF-8 JSON. */
  json<T = unknown>(): T;
}

export interface StreamDef {
  /** Stream name without the topic prefix, e.g. "OutputRoomEvent". */
  name: string;
  /** Memory streams lose their messages on restart (typing, presence). */
  storage: 'file' | 'memory';
  /** Messages older than this are dropped; 0 keeps them until every consumer has acked. */
  maxAgeMs: number;
}

export interface ConsumeOptions {
  stream: string;
  /** Durable name; the consumer's position survives restarts under this name. */
  durable: string;
  /** Only messages whose subject matches (NATS wildcards `*` and `>`; topic prefix added). */
  filterSubject?: string;
  /** An unacked message is delivered again after this long (default 30 s). */
  ackWaitMs?: number;
  /** How many messages may be in flight to the handler at once (default 1: strictly in order). */
  maxInFlight?: number;
}

/**
 * Called once per delivery. Resolving acknowledges the message; throwing asks for redelivery
 * after a short delay. A message is never acknowledged before its handler has finished.
 */
export type MessageHandler = (msg: BusMessage) => Promise<void>;

export interface Subscription {
  /** Stops deliveries; messages in flight finish first. The durable position is kept. */
  stop(): Promise<void>;
}

export interface Bus {
  readonly kind: 'inprocess' | 'nats';
  /** Topic prefix applied to every stream and subject name (config jetstream.topic_prefix). */
  readonly prefix: string;
  /** Creates or updates the streams the process uses. Safe to call more than once. */
  ensureStreams(defs: readonly StreamDef[]): Promise<void>;
  /**
   * Appends one message; resolves once it is durably stored (acknowledged by the stream).
   * `subject` is given without the prefix: "OutputRoomEvent" or "InputRoomEvent.!room:server".
   */
  publish(subject: string, data: Uint8Array | string | object, headers?: Headers): Promise<{ seq: number }>;
  consume(opts: ConsumeOptions, handler: MessageHandler): Promise<Subscription>;
  close(): Promise<void>;
}
