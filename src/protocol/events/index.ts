// Events of every room version: parse received PDUs, build and sign our own, hashes and IDs,
// signature checks.
export * from './build.ts';
export * from './hashes.ts';
export * from './parse.ts';
export * from './signatures.ts';
