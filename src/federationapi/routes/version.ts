// Server-Server API, "Server implementation" (version.yaml).
import { VERSION } from '../../cli/version.ts';
import { type Operation, op } from '../../http/router.ts';

export function versionOps(): Operation[] {
  return [
    // GET /_matrix/federation/v1/version
    op({ method: 'GET', path: '/version', access: 'none' }, function getVersion() {
      return { server: { name: 'Dendrite (TypeScript)', version: VERSION } };
    }),
  ];
}
