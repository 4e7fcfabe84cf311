// ed25519 keys and JSON signatures; nativeEd25519 is the default implementation.
export * from './keys.ts';
export * from './native.ts';
export * from './noble.ts';
export * from './sign-json.ts';
export * from './types.ts';
