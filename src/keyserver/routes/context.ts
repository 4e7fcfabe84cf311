// What the key server's route files are given: the component's context, and how to read the
// device-list position out of a sync token (GET /keys/changes takes `next_batch` values of /sync,
// whose format the sync API defines).
import type { KeyserverContext } from '../context.ts';

export interface KeyserverRoutesContext extends KeyserverContext {
  /** The device-list stream position inside a sync token; undefined when it has none. */
  positionOf(syncToken: string): number | undefined;
}
