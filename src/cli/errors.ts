// Errors the CLI turns into exit codes: a wrong flag or argument exits 2 (as Go's flag package
// and most Unix tools do), anything that goes wrong while doing the work exits 1.
export class UsageError extends Error {
  override name = 'UsageError';
}
