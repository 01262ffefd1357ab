/** Named bounds of the crypto layer; each has its unit in the name. */

/** Parsed-and-chain-checked certificates kept per DER fingerprint by MembershipVerifier. */
export const IDENTITY_CACHE_ENTRIES_MAX = 10_000;

/** P-256 and Ed25519 (node:crypto backend) public KeyObjects kept for verification. */
export const PUBLIC_KEY_CACHE_ENTRIES_MAX = 10_000;

/** Largest batch VerifyPool.verifyBatch accepts in one call. */
export const VERIFY_BATCH_JOBS_MAX = 100_000;

/**
 * Largest chunk sent to one worker in one message. Big enough to amortise the
 * postMessage cost (~tens of µs) over many ~50 µs verifications, small enough
 * that workers finishing early can pick up the rest of a large batch.
 */
export const VERIFY_CHUNK_JOBS_MAX = 2048;

/** Largest field (public key, message, signature) of one verify job, in bytes. */
export const VERIFY_FIELD_BYTES_MAX = 1 << 20;

/** Default certificate lifetime when the caller gives none. */
export const CERT_VALIDITY_DAYS_DEFAULT = 365;
