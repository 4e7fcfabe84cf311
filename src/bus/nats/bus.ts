// The bus on NATS JetStream: streams with interest retention created from StreamDef, durable
// pull consumers with explicit ack. The topic prefix goes in front of every stream name and
// subject, so several homeservers (or test runs) can share one NATS server.
import {
  AckPolicy,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  type StreamConfig,
  StorageType,
} from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection, nanos } from '@nats-io/nats-core';
import type { Logger } from '../../setup/logger.ts';
import { checkHeaders, checkName, checkSubject, consumerSettings, encodePayload } from '../message.ts';
import type { Bus, ConsumeOptions, Headers, MessageHandler, StreamDef, Subscription } from '../types.ts';
import { NatsSubscription } from './subscription.ts';

type ConsumerConfigPart = { ack_wait: number; max_ack_pending: number; filter_subject: string };

const isNotFound = (err: unknown) => /not found/i.test(String((err as Error)?.message ?? err));

export class NatsBus implements Bus {
  readonly kind = 'nats' as const;
  private readonly subs = new Set<NatsSubscription>();
  private closed = false;

  private constructor(
    readonly prefix: string,
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly log: Logger,
  ) {}

  static async open(nc: NatsConnection, prefix: string, log: Logger): Promise<NatsBus> {
    let jsm: JetStreamManager;
    try {
      jsm = await jetstreamManager(nc);
    } catch (err) {
      await nc.close();
      throw new Error(
        `bus: NATS at ${nc.getServer()} has no JetStream (${(err as Error).message}); start nats-server with -js or "jetstream {}" in its config`,
      );
    }
    return new NatsBus(prefix, nc, jsm, jetstream(nc), log);
  }

  async ensureStreams(defs: readonly StreamDef[]): Promise<void> {
    for (const def of defs) {
      checkName('stream', def.name);
      const name = this.prefix + def.name;
      const want: Partial<StreamConfig> & { name: string } = {
        name,
        subjects: [name, `${name}.>`],
        retention: RetentionPolicy.Interest,
        storage: def.storage === 'memory' ? StorageType.Memory : StorageType.File,
        max_age: nanos(def.maxAgeMs),
      };
      let have: StreamConfig | undefined;
      try {
        have = (await this.jsm.streams.info(name)).config;
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      if (!have) {
        await this.jsm.streams.add(want);
      } else if (have.storage !== want.storage || have.retention !== want.retention) {
        // Neither can change in place. The old messages go, as Dendrite does at start-up.
        this.log.warn('bus stream recreated with new storage', { stream: name, storage: def.storage });
        await this.jsm.streams.delete(name);
        await this.jsm.streams.add(want);
      } else if (have.max_age !== want.max_age || have.subjects.join() !== want.subjects?.join()) {
        await this.jsm.streams.update(name, { ...have, subjects: want.subjects, max_age: want.max_age });
      }
    }
  }

  async publish(subject: string, data: Uint8Array | string | object, headers?: Headers): Promise<{ seq: number }> {
    if (this.closed) throw new Error('bus: closed');
    checkSubject(subject, false);
    if (headers) checkHeaders(headers);
    let h: ReturnType<typeof natsHeaders> | undefined;
    if (headers) {
      h = natsHeaders();
      for (const [k, v] of Object.entries(headers)) h.set(k, v);
    }
    try {
      const ack = await this.js.publish(this.prefix + subject, encodePayload(data), h ? { headers: h } : undefined);
      return { seq: ack.seq };
    } catch (err) {
      // The client reports "no responders" as "jetstream is not enabled"; JetStream was there
      // when we connected, so it means that no stream captures the subject.
      if (!/no responders|not enabled/i.test(String((err as Error).message))) throw err;
      throw new Error(`bus: no stream takes ${this.prefix + subject}; call ensureStreams with its definition first`);
    }
  }

  async consume(opts: ConsumeOptions, handler: MessageHandler): Promise<Subscription> {
    if (this.closed) throw new Error('bus: closed');
    const s = consumerSettings(opts);
    const stream = this.prefix + opts.stream;
    const filter = opts.filterSubject === undefined ? undefined : this.prefix + opts.filterSubject;
    const config = {
      ack_wait: nanos(s.ackWaitMs),
      max_ack_pending: s.maxInFlight,
      // Zero means "no filter" to the server; say it so a comparison with info() is exact.
      filter_subject: filter ?? '',
    };
    let info;
    try {
      info = await this.jsm.consumers.info(stream, opts.durable);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!info) {
      await this.addConsumer(stream, opts.durable, config);
    } else if (
      info.config.ack_wait !== config.ack_wait ||
      info.config.max_ack_pending !== config.max_ack_pending ||
      (info.config.filter_subject ?? '') !== config.filter_subject
    ) {
      await this.updateConsumer(stream, opts.durable, config);
    }
    const consumer = await this.js.consumers.get(stream, opts.durable);
    const sub = new NatsSubscription(consumer, handler, s, this.log, { stream, durable: opts.durable });
    await sub.start();
    this.subs.add(sub);
    return {
      stop: async () => {
        await sub.stop();
        this.subs.delete(sub);
        await this.nc.flush(); // acks of the last messages reach the server
      },
    };
  }

  private async updateConsumer(
    stream: string,
    durable: string,
    config: ConsumerConfigPart,
  ): Promise<void> {
    const { filter_subject, ...rest } = config;
    try {
      // An empty filter_subject is refused in an update; leaving it out keeps the current one.
      await this.jsm.consumers.update(stream, durable, filter_subject ? config : rest);
      const now = (await this.jsm.consumers.info(stream, durable)).config.filter_subject ?? '';
      if (now !== filter_subject) throw new Error('the server kept the old filter subject');
    } catch (err) {
      // Removing a filter cannot be done in place. The consumer starts over from what the
      // stream still holds, as Dendrite does when a consumer's config changed; messages only it
      // was interested in are gone with it (interest retention).
      this.log.warn('bus consumer recreated with new config', { stream, durable, err });
      await this.jsm.consumers.delete(stream, durable);
      await this.addConsumer(stream, durable, config);
    }
  }

  private async addConsumer(stream: string, durable: string, config: ConsumerConfigPart): Promise<void> {
    const { filter_subject, ...rest } = config;
    await this.jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      max_deliver: -1,
      ...rest,
      ...(filter_subject ? { filter_subject } : {}),
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subs].map((s) => s.stop()));
    this.subs.clear();
    // drain() flushes pending acks and publishes before closing.
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}
