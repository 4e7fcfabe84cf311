// Chooses the bus from the config's `global.jetstream`: no addresses means the in-process bus
// (its log under storage_path, or nothing on disk with in_memory), otherwise NATS JetStream.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { JetStreamOptions } from '../config/types.ts';
import { type Logger, stderrLogger } from '../setup/logger.ts';
import { InProcessBus } from './inprocess/bus.ts';
import type { Bus } from './types.ts';

/** The in-process bus's file inside jetstream.storage_path. */
export const BUS_LOG_FILE = 'bus.sqlite';

export async function openBus(opts: JetStreamOptions, log: Logger = stderrLogger('warn', 'bus')): Promise<Bus> {
  const prefix = opts.topic_prefix;
  if (opts.addresses.length === 0) {
    if (opts.in_memory) return new InProcessBus(prefix, undefined, log);
    const dir = opts.storage_path || '.';
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new Error(`jetstream.storage_path: cannot create ${dir}: ${(err as Error).message}`);
    }
    return new InProcessBus(prefix, join(dir, BUS_LOG_FILE), log);
  }
  // Loaded only when NATS is configured: the binary is built with --splitting, so a monolith on
  // the in-process bus never parses the NATS client (about 10 MB of resident memory).
  const { connectNats } = await import('./nats/connect.ts');
  const { NatsBus } = await import('./nats/bus.ts');
  const nc = await connectNats(opts, `dendrite-bun ${process.pid}`);
  const bus = await NatsBus.open(nc, prefix, log);
  log.info('bus connected to NATS', { server: nc.getServer(), prefix });
  return bus;
}
