import { ByteReader } from '../codec/reader.js';
import { ByteWriter } from '../codec/writer.js';
import { HASH_LENGTH } from '../hash.js';
import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { ADDRESS_LENGTH, PUBLIC_KEY_LENGTH } from '../params.js';
import type { Address, Hash } from '../types.js';
import { EXCLUSION_VERSION, MAX_COMMITTEE_SIZE, MAX_ROSTER_MEMBERS } from './params.js';

/**
 * Why a reception node was excluded (WP 2.1 step 5). Codes are written on chain: never renumber.
 */
export const Misconduct = {
  /** Its verdict on a transaction differed from what the logic node found itself. */
  falseVerdict: 1,
  /** As RN_k, it named co-signers other than the ones the batch hash draws. */
  wrongCommittee: 2,
  /** As RN_k, it signed a package holding a co-signature that does not verify. */
  forgedCoSignature: 3,
  /** Its valid signature is over a batch hash other than the batch's. */
  signedOtherBatch: 4,
  /** It did not answer for a batch it was drawn for, nor the logic node's own challenge. */
  withheldVerdict: 5,
  /** As RN_k, it signed a new package around a batch that was already accepted. */
  replayedBatch: 6,
} as const;
export type Misconduct = (typeof Misconduct)[keyof typeof Misconduct];
export const MISCONDUCT_NAMES: Readonly<Record<Misconduct, string>> = {
  1: 'FALSE_VERDICT',
  2: 'WRONG_COMMITTEE',
  3: 'FORGED_COSIGNATURE',
  4: 'SIGNED_OTHER_BATCH',
  5: 'WITHHELD_VERDICT',
  6: 'REPLAYED_BATCH',
};

export interface ExcludedMember {
  /** Index in the roster of `ExclusionRecord.epoch`. */
  index: number;
  pubkey: Uint8Array;
  misconduct: Misconduct;
}

/** The data of the transaction that records an exclusion on chain (WP 2.1 step 5 d). */
export interface ExclusionRecord {
  /** The roster epoch the members misbehaved under. */
  epoch: bigint;
  excluded: readonly ExcludedMember[];
  /** Hash of the package that is the evidence. */
  evidence: Hash;
}

/**
 * The account that exclusion transactions are sent to. No key can own it in practice (its
 * address would have to be the last 20 bytes of a public key), and the ledger treats a
 * zero-amount transfer to it carrying data as a record, not a contract call.
 */
export const ROSTER_REGISTRY_ADDRESS: Address = (() => {
  const a = new Uint8Array(ADDRESS_LENGTH);
  a[ADDRESS_LENGTH - 1] = 0x01;
  return a;
})();

/** version u8 | epoch u64 | n | (index u32 | pubkey [33] | misconduct u8)* | evidence [32] */
export function encodeExclusion(record: ExclusionRecord): Uint8Array {
  if (record.excluded.length === 0 || record.excluded.length > MAX_COMMITTEE_SIZE) {
    throw new ProtocolError(ProtocolErrorCode.invalidArgument, `an exclusion names 1 to ${MAX_COMMITTEE_SIZE} members, got ${record.excluded.length}`);
  }
  const w = new ByteWriter(64 + record.excluded.length * 40);
  w.u8(EXCLUSION_VERSION).varint(record.epoch).varint(record.excluded.length);
  for (const m of record.excluded) w.varint(m.index).fixed(m.pubkey, PUBLIC_KEY_LENGTH, 'pubkey').u8(m.misconduct);
  w.fixed(record.evidence, HASH_LENGTH, 'evidence');
  return w.finish();
}

export function decodeExclusion(bytes: Uint8Array): ExclusionRecord {
  const r = new ByteReader(bytes);
  r.version(EXCLUSION_VERSION, 'exclusion');
  const epoch = r.varint(64, 'epoch');
  const n = r.length(MAX_COMMITTEE_SIZE, 'excluded count');
  if (n === 0) throw new ProtocolError(ProtocolErrorCode.invalidField, 'an exclusion names no member');
  const excluded: ExcludedMember[] = [];
  for (let i = 0; i < n; i++) {
    const index = r.length(MAX_ROSTER_MEMBERS - 1, 'index');
    const pubkey = r.fixed(PUBLIC_KEY_LENGTH, 'pubkey').slice();
    const misconduct = r.u8('misconduct');
    if (!(misconduct in MISCONDUCT_NAMES)) throw new ProtocolError(ProtocolErrorCode.invalidTag, `unknown misconduct ${misconduct}`);
    excluded.push({ index, pubkey, misconduct: misconduct as Misconduct });
  }
  const evidence = r.fixed(HASH_LENGTH, 'evidence').slice();
  r.end('exclusion');
  return { epoch, excluded, evidence };
}
