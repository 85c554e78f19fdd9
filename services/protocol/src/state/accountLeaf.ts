import { ACCOUNT_VERSION } from '../params.js';
import { EMPTY_HASH } from '../hash.js';
import type { AccountState, Hash } from '../types.js';
import type { TrieLeaf } from '../mpt/node.js';
import { writeVarintInto } from '../codec/varint.js';

/**
 * A live account: its state, mutable in place, and its place in its subtree's trie. The value
 * it writes into the trie is exactly `encodeAccount` of its state (a test holds the two equal),
 * written straight into the hasher's scratch buffer so no encoding is allocated per update.
 */
export class AccountLeaf implements TrieLeaf, AccountState {
  hashSlot = -1;
  hashValid = false;
  /** In its subtree's dirty list (a flag, not a Set: a Set of 200,000 entries per block was garbage). */
  dirty = false;
  /** Operations applied in block `seqBlock` (WP 6.6 numbering), kept here rather than in a per-block Map. */
  seq = 0;
  seqBlock = -1;
  /** 1 + u64 varint + u128 varint + two hashes. */
  readonly maxValueBytes = 1 + 10 + 19 + 32 + 32;

  constructor(
    /** The 20-byte address as a latin1 string. */
    readonly key: string,
    public nonce: bigint = 0n,
    public balance: bigint = 0n,
    public codeHash: Hash = EMPTY_HASH,
    public storageRoot: Hash = EMPTY_HASH,
  ) {}

  writeValue(out: Uint8Array, offset: number): number {
    out[offset++] = ACCOUNT_VERSION;
    offset = writeVarintInto(out, offset, this.nonce);
    offset = writeVarintInto(out, offset, this.balance);
    out.set(this.codeHash, offset);
    out.set(this.storageRoot, offset + 32);
    return offset + 64;
  }
}
