/**
 * The key space of a node's database, split into buckets. Every key on disk is
 * `[bucket id byte] ‖ key`, so one bucket is one contiguous, ordered range and two buckets never
 * see each other's keys.
 *
 * Ids are NEVER reused or renumbered: a database written by an older build must read the same
 * under a newer one. To retire a bucket, comment its line out and keep the comment; to add one,
 * take the next free id (8) — ids are one byte, 0..255.
 */
export enum Bucket {
  /** Database-wide facts, one key each: schema version, chain space id, last committed height. */
  meta = 0,
  /** Account state by address (20 B): nonce, balance, code hash, storage root (DESIGN §3). */
  account = 1,
  /** Block header by block hash (32 B). */
  blockHeader = 2,
  /** Block body (transactions and summaries) by block hash (32 B), until SDFS holds it (DESIGN §7). */
  blockBody = 3,
  /** A block's operation log (W, D, R in applied order, one blob) by height as a big-endian u64 (DESIGN §5). */
  operationLog = 4,
  /** Block hash by height, the height as a big-endian u64 so that iteration is in height order. */
  blockHashByHeight = 5,
  /**
   * Where a committed transaction is, by transaction id (32 B): height u64 BE ‖ index u32 BE ‖
   * status u8 ‖ fee varint. A secondary index the logic node keeps for status queries.
   */
  txLocation = 6,
  /**
   * Transactions a logic node has acknowledged and not yet settled (in a block or rejected), by
   * transaction id (32 B): its intake journal, replayed into the pending pool on open.
   */
  intake = 7,
  // next free id: 8
}

/** The largest id a bucket can have: the prefix is one byte. */
export const MAX_BUCKET_ID = 0xff;

/** True when `value` is a bucket id this build knows. */
export function isBucket(value: unknown): value is Bucket {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_BUCKET_ID && value in Bucket;
}
