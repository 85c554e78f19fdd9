import { EMPTY_HASH } from '../hash.js';
import { hashBranch, hashExtension, hashLeaf, keyNibbles } from './hashing.js';
import { commonNibbles, nibbleAt, type TrieLeaf } from './node.js';

/**
 * The trie root computed from scratch out of a list of leaves, with no tree kept: the
 * definition the incremental PatriciaTrie is tested against (and what a verifier with only a
 * list of accounts would compute). Keys must be distinct and of one length.
 */
export function naiveTrieRoot(leaves: readonly TrieLeaf[]): Uint8Array {
  if (leaves.length === 0) return EMPTY_HASH.slice();
  const sorted = [...leaves].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return build(sorted, 0);
}

function build(leaves: readonly TrieLeaf[], depth: number): Uint8Array {
  const first = leaves[0] as TrieLeaf;
  if (leaves.length === 1) return hashLeaf(first, depth);
  const last = leaves[leaves.length - 1] as TrieLeaf;
  // Sorted keys: the prefix the first and last share is shared by all.
  const common = commonNibbles(first.key, last.key, depth, first.key.length * 2 - depth);
  if (common > 0) return hashExtension(keyNibbles(first.key, depth, depth + common), build(leaves, depth + common));
  const groups: TrieLeaf[][] = Array.from({ length: 16 }, () => []);
  for (const leaf of leaves) (groups[nibbleAt(leaf.key, depth)] as TrieLeaf[]).push(leaf);
  const childHashes = groups.map((g) => (g.length === 0 ? undefined : build(g, depth + 1)));
  return hashBranch(childHashes);
}
