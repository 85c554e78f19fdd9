export { PatriciaTrie } from './trie.js';
export { ValueLeaf } from './valueLeaf.js';
export { naiveTrieRoot } from './naive.js';
export type { TrieLeaf } from './node.js';
