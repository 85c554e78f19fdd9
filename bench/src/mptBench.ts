import { createMPT } from '@ethereumjs/mpt';
import { PatriciaTrie } from '../../services/protocol/src/mpt/trie.js';
import { ValueLeaf } from '../../services/protocol/src/mpt/valueLeaf.js';
import { xorshift32 } from '../../services/common/src/xorshift32.js';

/**
 * Trie updates per second, ours against @ethereumjs/mpt on the same keys and values in the same
 * run: a trie of `size` 20-byte keys, then rounds of `size` updates to random existing keys
 * with new 70-byte values (an account's size), each round closed by computing the root.
 */
export interface MptBenchResult {
  mpt_updates_per_s: number;
  ethereumjs_mpt_updates_per_s: number;
}


function fill(bytes: Uint8Array, next: () => number): Uint8Array {
  for (let i = 0; i < bytes.length; i++) bytes[i] = next() & 0xff;
  return bytes;
}

export async function benchMpt(size = 20_000, rounds = 3): Promise<MptBenchResult> {
  const next = xorshift32(7);
  const keys = Array.from({ length: size }, () => fill(new Uint8Array(20), next));
  const updates = Array.from({ length: rounds }, () =>
    Array.from({ length: size }, () => ({ key: keys[next() % size] as Uint8Array, value: fill(new Uint8Array(70), next) })),
  );

  const ours = new PatriciaTrie<ValueLeaf>(20);
  for (const k of keys) ours.put(new ValueLeaf(Buffer.from(k).toString('latin1'), new Uint8Array(70)));
  ours.root();
  let start = performance.now();
  for (const round of updates) {
    for (const u of round) ours.put(new ValueLeaf(Buffer.from(u.key).toString('latin1'), u.value));
    ours.root();
  }
  const oursRate = (size * rounds) / ((performance.now() - start) / 1000);

  const theirs = await createMPT();
  for (const k of keys) await theirs.put(k, new Uint8Array(70));
  theirs.root();
  start = performance.now();
  for (const round of updates) {
    for (const u of round) await theirs.put(u.key, u.value);
    theirs.root();
  }
  const theirRate = (size * rounds) / ((performance.now() - start) / 1000);
  return { mpt_updates_per_s: Math.round(oursRate), ethereumjs_mpt_updates_per_s: Math.round(theirRate) };
}
