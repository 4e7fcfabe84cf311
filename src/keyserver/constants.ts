// Spec strings of the end-to-end encryption module (Client-Server API, "End-to-End Encryption").
// Kept with the component that alone uses them.

/** Key algorithms (Client-Server API, "Key algorithms"). */
export const KeyAlgorithm = {
  Ed25519: 'ed25519',
  Curve25519: 'curve25519',
  SignedCurve25519: 'signed_curve25519',
} as const;

/** `usage` of a cross-signing key (definitions/cross_signing_key.yaml). */
export const KeyUsage = {
  Master: 'master',
  SelfSigning: 'self_signing',
  UserSigning: 'user_signing',
} as const;

/** The UIA stage /keys/device_signing/upload offers (Client-Server API, "Password-based"). */
export const PASSWORD_STAGE = 'm.login.password';
