// The 401 answer of user-interactive auth: flows, params, session and the completed stages, plus
// errcode and error only when the stage just attempted failed (Client-Server API,
// "User-interactive API in the REST API"). It is a MatrixError so it travels like every other
// error, but its body is the UIA object rather than the standard error body.
import { type Errcode, MatrixError } from '../../http/errors.ts';
import type { Flow, StageParams } from './flows.ts';

export interface ChallengeBody {
  flows: Flow[];
  params: StageParams;
  session: string;
  completed: string[];
}

export class UiaChallenge extends MatrixError {
  constructor(
    readonly body: ChallengeBody,
    readonly failure?: { errcode: Errcode; error: string },
  ) {
    super(failure?.errcode ?? 'M_UNAUTHORIZED', failure?.error ?? 'Additional authentication is required', { status: 401 });
  }

  override toJSON(): Record<string, unknown> {
    return this.failure ? { errcode: this.failure.errcode, error: this.failure.error, ...this.body } : { ...this.body };
  }
}
