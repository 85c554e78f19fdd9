/**
 * Parameters of the Trusted Reception Layer (WP 2.1, DESIGN §4). Changing one on a live chain
 * changes what logic nodes accept: treat them as chain parameters.
 */

/** Members of a committee: RN_k and the 6 it draws (WP 2.1: "7 randomly chosen RNs"). */
export const DEFAULT_COMMITTEE_SIZE = 7;

/** The largest committee the encoding allows; bounds the work of checking one package. */
export const MAX_COMMITTEE_SIZE = 64;

/** Bits of the signature that seed the routing draw (WP 2.1 step 1: "the first 20 bits"). */
export const ROUTING_SEED_BITS = 20;

/**
 * Transactions in one batch. At 0.3 s per batch this is 160,000 tx/s through one RN, far above
 * what one RN can verify; the cap bounds what a lying RN can make a logic node verify itself.
 */
export const MAX_BATCH_TRANSACTIONS = 50_000;

/** Encoded bytes of one batch: under the 16 MiB gRPC message cap with room for the signatures. */
export const MAX_BATCH_BYTES = 12 * 1024 * 1024;

/** Members of one roster epoch. */
export const MAX_ROSTER_MEMBERS = 65_536;

/** Bytes of one member's endpoint (host:port). */
export const MAX_ENDPOINT_BYTES = 255;

export const BATCH_VERSION = 1;
export const COSIGNATURE_VERSION = 1;
export const PACKAGE_VERSION = 1;
export const ROSTER_VERSION = 1;
export const EXCLUSION_VERSION = 1;
