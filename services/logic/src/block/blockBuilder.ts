import { blockHash, encodeBody, encodeHeader } from '../../../protocol/src/codec/block.js';
import { sha256 } from '../../../protocol/src/hash.js';
import { merkleRoot, merkleRootOfPrefixedLeaves } from '../../../protocol/src/merkle.js';
import { writeVarintInto } from '../../../protocol/src/codec/varint.js';
import { SUMMARY_VERSION } from '../../../protocol/src/params.js';
import type { BlockHeader, CoinbaseEntry, Hash, Transaction, TxSummary } from '../../../protocol/src/types.js';

export interface BlockInput {
  parentHash: Hash;
  height: bigint;
  timestamp: bigint;
  coinbase: CoinbaseEntry[];
  stateRoot: Hash;
  transactions: readonly Transaction[];
  /** Ids of `transactions`, same order (computed once from the received bytes). */
  ids: readonly Hash[];
  summaries: readonly TxSummary[];
}

export interface BuiltBlock {
  header: BlockHeader;
  hash: Hash;
  headerBytes: Uint8Array;
  bodyBytes: Uint8Array;
}

/** transaction_root: the Merkle root over the transaction ids in block order (WP 6.5). */
export function transactionRoot(ids: readonly Hash[]): Hash {
  return merkleRoot(ids);
}

/** tx_summary_root: the Merkle root over the summary encodings in block order (WP 6.5). */
export function summaryRoot(summaries: readonly TxSummary[]): Hash {
  // Every summary is written, after its 0x00 leaf prefix, into one buffer (the same bytes as
  // encodeSummary) and the leaves are hashed in one batch.
  const n = summaries.length;
  const buf = new Uint8Array(n * (3 + 19));
  const spans = new Uint32Array(2 * n);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const s = summaries[i] as TxSummary;
    spans[2 * i] = o;
    buf[o] = 0x00;
    buf[o + 1] = SUMMARY_VERSION;
    buf[o + 2] = s.status;
    o = writeVarintInto(buf, o + 3, s.fee);
    spans[2 * i + 1] = o;
  }
  return merkleRootOfPrefixedLeaves(buf, spans, n);
}

/**
 * Assembles a block (WP 6.5, 6.7): the body (transactions and summaries), its SDFS name, the
 * three roots and the header. Pure: the same input gives the same bytes on every node.
 */
export function buildBlock(input: BlockInput): BuiltBlock {
  const bodyBytes = encodeBody({ transactions: input.transactions as Transaction[], summaries: input.summaries as TxSummary[] });
  const header: BlockHeader = {
    parentHash: input.parentHash,
    height: input.height,
    timestamp: input.timestamp,
    coinbase: input.coinbase,
    stateRoot: input.stateRoot,
    transactionRoot: transactionRoot(input.ids),
    txSummaryRoot: summaryRoot(input.summaries),
    body: sha256(bodyBytes),
  };
  const headerBytes = encodeHeader(header);
  return { header, hash: blockHash(header), headerBytes, bodyBytes };
}
