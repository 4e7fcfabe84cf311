// Context variables, typed once. Handlers never read headers themselves: the middleware in
// src/http/ sets these from the operation's declaration.
import type { Logger } from '../setup/logger.ts';

/** Who is calling, as established from the access token. */
export interface Requester {
  userId: string;
  deviceId: string;
  isGuest: boolean;
  /** Set when the call is made with an application service's as_token. */
  appserviceId?: string;
}

export type Env = {
  Variables: {
    requester?: Requester;
    /** The verified origin server of a federation request. */
    origin?: string;
    log: Logger;
  };
};
