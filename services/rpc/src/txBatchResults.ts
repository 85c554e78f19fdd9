import { HASH_LENGTH } from '../../protocol/src/hash.js';
import type { Rejection } from './gen/clusterchain/v1/common.js';
import type { TxBatchResults } from './gen/clusterchain/v1/reception.js';

/** Ids are transaction hashes. */
const ID_BYTES = HASH_LENGTH;

/** One transaction's outcome in a SubmitTxBatches answer. */
export type TxOutcome = { id: Uint8Array; rejection?: undefined } | { rejection: Rejection; id?: undefined };

/**
 * The answer to a batch of `outcomes.length` transactions: accepted ids packed at 32 bytes a
 * transaction (zeros where refused; nothing at all when none was accepted), refusals by index.
 */
export function packTxBatchResults(sequence: bigint, outcomes: readonly TxOutcome[]): TxBatchResults {
  const rejections: TxBatchResults['rejections'] = [];
  let ids: Buffer | undefined;
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i] as TxOutcome;
    if (o.rejection !== undefined) {
      rejections.push({ index: i, rejection: o.rejection });
      continue;
    }
    if (o.id.length !== ID_BYTES) throw new RangeError(`an id is ${ID_BYTES} bytes, got ${o.id.length}`);
    ids ??= Buffer.alloc(ID_BYTES * outcomes.length);
    ids.set(o.id, ID_BYTES * i);
  }
  return { sequence, ids: ids ?? Buffer.alloc(0), rejections };
}

/**
 * Reads a SubmitTxBatches answer for a batch of `count` transactions: each one's outcome, or
 * undefined when the answer says nothing of it (a peer that is broken or of another build).
 */
export function unpackTxBatchResults(res: TxBatchResults, count: number): (TxOutcome | undefined)[] {
  const out = new Array<TxOutcome | undefined>(count).fill(undefined);
  if (res.ids.length === ID_BYTES * count) {
    for (let i = 0; i < count; i++) {
      const id = res.ids.subarray(ID_BYTES * i, ID_BYTES * (i + 1));
      if (!isZero(id)) out[i] = { id };
    }
  }
  for (const r of res.rejections) {
    if (r.rejection !== undefined && r.index < count) out[r.index] = { rejection: r.rejection };
  }
  return out;
}

function isZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}
