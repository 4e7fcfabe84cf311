// Client-Server API, "Cross-signing" (cross_signing.yaml): uploading cross-signing keys (with
// user-interactive auth when they replace stored ones) and signatures.
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { uploadCrossSigningKeys } from '../cross-signing.ts';
import { uploadSignatures } from '../signatures.ts';
import type { KeyserverRoutesContext } from './context.ts';

export function crossSigningOps(ctx: KeyserverRoutesContext): Operation[] {
  return [
    // POST /_matrix/client/v3/keys/device_signing/upload
    op(
      {
        method: 'POST',
        path: '/keys/device_signing/upload',
        access: 'user',
        body: v.object({
          master_key: v.any().opt(),
          self_signing_key: v.any().opt(),
          user_signing_key: v.any().opt(),
          auth: v.anyObject().opt(),
        }),
      },
      async function uploadCrossSigningKeysOp({ body, requester }) {
        await uploadCrossSigningKeys(ctx, requester, body);
        return {};
      },
    ),

    // POST /_matrix/client/v3/keys/signatures/upload
    op(
      { method: 'POST', path: '/keys/signatures/upload', access: 'user', body: v.record(v.record(v.anyObject())) },
      async function uploadCrossSigningSignatures({ body, requester }) {
        return uploadSignatures(ctx, requester.userId, body);
      },
    ),
  ];
}
