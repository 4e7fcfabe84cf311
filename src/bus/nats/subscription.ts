// The consume loop of one durable pull consumer on NATS. The server holds the position and the
// pending set; max_ack_pending (= maxInFlight) keeps it from sending more than we may run at
// once, so with the default of 1 messages are handled strictly one after another.
import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Logger } from '../../setup/logger.ts';
import { type ConsumerSettings, DeliveredMessage, nakDelayMs } from '../message.ts';
import type { Headers, MessageHandler } from '../types.ts';

function toHeaders(m: JsMsg): Headers {
  const out: Headers = {};
  if (m.headers) for (const k of m.headers.keys()) out[k] = m.headers.get(k);
  return out;
}

export class NatsSubscription {
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private running = true;
  private readonly inflight = new Set<Promise<void>>();
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly consumer: Consumer,
    private readonly handler: MessageHandler,
    private readonly s: ConsumerSettings,
    private readonly log: Logger,
    private readonly names: { stream: string; durable: string },
  ) {}

  async start(): Promise<void> {
    // Ask for a few more than may run, so the next message is already here when a slot frees.
    this.messages = await this.consumer.consume({ max_messages: Math.max(this.s.maxInFlight * 2, 16) });
    this.loop = this.run(this.messages).catch((err) => {
      if (this.running) this.log.error('bus consume loop failed', { ...this.names, err });
    });
  }

  private async run(messages: ConsumerMessages): Promise<void> {
    // No client-side limit: the server's max_ack_pending already bounds what arrives. A message
    // redelivered after ack_wait runs beside its slow first delivery, as on the in-process bus.
    for await (const m of messages) {
      if (!this.running) {
        m.nak(); // fetched but never started: hand it back at once
        continue;
      }
      const p = this.handle(m);
      this.inflight.add(p);
      p.then(() => this.inflight.delete(p));
    }
  }

  private async handle(m: JsMsg): Promise<void> {
    const count = m.info.deliveryCount;
    const msg = new DeliveredMessage(m.subject, toHeaders(m), m.data, m.seq, count);
    try {
      await this.handler(msg);
    } catch (err) {
      this.log.warn('bus handler failed, will redeliver', { ...this.names, seq: m.seq, deliveryCount: count, err });
      m.nak(nakDelayMs(count));
      return;
    }
    m.ack();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.running = false;
      while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
      await this.messages?.close();
      await this.loop;
    })();
    return this.stopping;
  }
}
