import { blockHash, encodeBody, encodeHeader } from '../../../protocol/src/codec/block.js';
import { sha256 } from '../../../protocol/src/hash.js';
import { leafHash, merkleRoot, merkleRootOfLeafHashes } from '../../../protocol/src/merkle.js';
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
  // Each summary is encoded into one reused buffer (the same bytes as encodeSummary) and hashed as a leaf.
  const buf = new Uint8Array(2 + 19);
  buf[0] = SUMMARY_VERSION;
  return merkleRootOfLeafHashes(
    summaries.map((s) => {
      buf[1] = s.status;
      return leafHash(buf.subarray(0, writeVarintInto(buf, 2, s.fee)));
    }),
  );
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
