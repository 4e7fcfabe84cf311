// What the federation sender's parts share.
import type { Database } from '../../storage/types.ts';
import type { Logger } from '../../setup/logger.ts';
import type { FederationClient } from '../client/client.ts';
import type { FederationRoomserver } from '../context.ts';
import type { BackoffOptions } from './backoff.ts';

export interface SenderContext {
  db: Database;
  log: Logger;
  serverName: string;
  client: FederationClient;
  roomserver: Pick<FederationRoomserver, 'eventsByNid'>;
  /** federation_api.send_max_retries: failures in a row before a destination is blacklisted. */
  maxRetries: number;
  backoff: BackoffOptions;
  /** Blacklisted destinations, kept in memory (and in federationapi_destinations). */
  blacklist: Set<string>;
  /** Destinations with a row in federationapi_destinations (failing or blacklisted), in memory. */
  troubled: Set<string>;
  nextTxnId(): string;
  now: () => number;
}
