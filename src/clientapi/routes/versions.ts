// Client-Server API, "API Versions" (versions.yaml).
import { type Operation, op } from '../../http/router.ts';

/** Every spec version whose client-server API we serve. */
export const SPEC_VERSIONS = [
  'r0.0.1',
  'r0.1.0',
  'r0.2.0',
  'r0.3.0',
  'r0.4.0',
  'r0.5.0',
  'r0.6.0',
  'r0.6.1',
  ...Array.from({ length: 19 }, (_, i) => `v1.${i + 1}`),
];

/**
 * Unstable features (MSC names). Only what clients still probe for and we serve: cross-signing
 * is in every v1.x, but older clients look for this flag before they use it.
 */
export const UNSTABLE_FEATURES: Record<string, boolean> = {
  'org.matrix.e2e_cross_signing': true,
};

export function versionsOps(): Operation[] {
  return [
    // GET /_matrix/client/versions
    op({ method: 'GET', path: '/versions', access: 'none' }, function getVersions() {
      return { versions: SPEC_VERSIONS, unstable_features: UNSTABLE_FEATURES };
    }),
  ];
}
