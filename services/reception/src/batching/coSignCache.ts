import { bytesToKey } from '../../../protocol/src/bytes.js';
import type { Hash } from '../../../protocol/src/types.js';

/**
 * The co-signatures this RN gave lately, by batch hash. A batch is verified once: when RN_k's
 * request arrived after its deadline, or a logic node challenges this member over a batch it
 * already judged, the answer is the same signed bytes at no cost. Without it, a member that
 * fell behind under load gets each late batch twice (RN_k's request, then the challenge) and
 * falls further behind: the challenge storm that excluded honest members before.
 *
 * Bounded by count, oldest first out: an entry is ~100 bytes plus a bit per transaction.
 */
export class CoSignCache {
  private readonly answers = new Map<string, Uint8Array>();

  constructor(private readonly capacity: number) {}

  get(batchHash: Hash): Uint8Array | undefined {
    return this.answers.get(bytesToKey(batchHash));
  }

  put(batchHash: Hash, answer: Uint8Array): void {
    const key = bytesToKey(batchHash);
    if (this.answers.has(key)) return;
    this.answers.set(key, answer);
    if (this.answers.size > this.capacity) this.answers.delete(this.answers.keys().next().value as string);
  }

  get size(): number {
    return this.answers.size;
  }
}
