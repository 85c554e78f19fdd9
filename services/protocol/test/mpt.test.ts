import fc from 'fast-check';
import { PatriciaTrie, ValueLeaf, naiveTrieRoot } from '../src/mpt/index.js';
import { HashArena } from '../src/mpt/hashArena.js';
import { hasherFor } from '../src/mpt/trieHasher.js';
import { EMPTY_HASH, sha256 } from '../src/hash.js';
import { toHex } from '../src/bytes.js';

const KEY = 4; // short keys make shared prefixes, extensions and splits common

const keyArb = fc.uint8Array({ minLength: KEY, maxLength: KEY }).map((b) => Buffer.from(b).toString('latin1'));
const valueArb = fc.uint8Array({ minLength: 0, maxLength: 40 });
const entriesArb = fc.uniqueArray(fc.tuple(keyArb, valueArb), { selector: ([k]) => k, maxLength: 120 });

function trieOf(entries: readonly [string, Uint8Array][]): PatriciaTrie<ValueLeaf> {
  const t = new PatriciaTrie<ValueLeaf>(KEY);
  for (const [k, v] of entries) t.put(new ValueLeaf(k, v));
  return t;
}

const naive = (entries: readonly [string, Uint8Array][]) => naiveTrieRoot(entries.map(([k, v]) => new ValueLeaf(k, v)));

describe('PatriciaTrie', () => {
  it('when empty, then the root is SHA-256 of the empty string, as a copy the caller may change', () => {
    const root = new PatriciaTrie(KEY).root();
    expect(toHex(root)).toBe(toHex(EMPTY_HASH));
    root.fill(0);
    expect(toHex(new PatriciaTrie(KEY).root())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('when leaves are inserted in any order, then the root equals the from-scratch recomputation', () => {
    fc.assert(
      fc.property(entriesArb, fc.integer(), (entries, seed) => {
        const shuffled = [...entries].sort((a, b) => (sha256(Buffer.from(a[0] + seed)) < sha256(Buffer.from(b[0] + seed)) ? -1 : 1));
        const a = trieOf(entries);
        const b = trieOf(shuffled);
        expect(toHex(a.root())).toBe(toHex(naive(entries)));
        expect(toHex(b.root())).toBe(toHex(a.root()));
        expect(a.size).toBe(entries.length);
      }),
      { numRuns: 300 },
    );
  });

  it('when roots are taken between batches of writes, then each equals a recomputation (dirty paths only are rehashed)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(keyArb, valueArb), { maxLength: 30 }), { maxLength: 8 }), (batches) => {
        const t = new PatriciaTrie<ValueLeaf>(KEY);
        const model = new Map<string, Uint8Array>();
        for (const batch of batches) {
          for (const [k, v] of batch) {
            t.put(new ValueLeaf(k, v));
            model.set(k, v);
          }
          expect(toHex(t.root())).toBe(toHex(naive([...model])));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('when a leaf value changes in place and is put again, then the root follows it', () => {
    const leaves = ['aaaa', 'aaab', 'abcd', 'zzzz'].map((k) => new ValueLeaf(k, new Uint8Array([1])));
    const t = new PatriciaTrie<ValueLeaf>(KEY);
    leaves.forEach((l) => t.put(l));
    const before = toHex(t.root());
    (leaves[1] as ValueLeaf).value[0] = 2;
    t.put(leaves[1] as ValueLeaf);
    const after = toHex(t.root());
    expect(after).not.toBe(before);
    expect(after).toBe(toHex(naiveTrieRoot(leaves)));
  });

  it('when keys are deleted, then the root equals a trie that never had them, and get finds exactly the rest', () => {
    fc.assert(
      fc.property(entriesArb, fc.array(fc.nat(), { maxLength: 60 }), (entries, picks) => {
        const t = trieOf(entries);
        t.root(); // hash first so that deletes must invalidate cached hashes
        const removed = new Set<string>();
        for (const p of picks) {
          if (entries.length === 0) break;
          const [k] = entries[p % entries.length] as [string, Uint8Array];
          expect(t.delete(k)).toBe(!removed.has(k));
          removed.add(k);
        }
        const kept = entries.filter(([k]) => !removed.has(k));
        expect(toHex(t.root())).toBe(toHex(naive(kept)));
        expect(t.size).toBe(kept.length);
        for (const [k, v] of entries) expect(t.get(k)?.value).toEqual(removed.has(k) ? undefined : v);
      }),
      { numRuns: 1500 },
    );
  });

  it('when tries share an arena and are hashed in one batch, then each root is right and the arena holds one slot per node', () => {
    // Keys from a few byte values share long prefixes: extensions form, split and merge often.
    const nearKeyArb = fc
      .array(fc.constantFrom(0x00, 0x01, 0x10, 0xff), { minLength: KEY, maxLength: KEY })
      .map((b) => Buffer.from(b).toString('latin1'));
    const opArb = fc.tuple(fc.nat(3), fc.oneof(keyArb, nearKeyArb, nearKeyArb), valueArb, fc.boolean());
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 240 }), (ops) => {
        const arena = new HashArena(2); // tiny, so it grows (and moves) while hashing
        const tries = Array.from({ length: 4 }, () => new PatriciaTrie<ValueLeaf>(KEY, arena));
        const models = tries.map(() => new Map<string, Uint8Array>());
        const hashAllAndCheck = () => {
          const hasher = hasherFor(arena);
          tries.forEach((t) => t.collectDirty(hasher));
          hasher.flush();
          tries.forEach((t, i) => expect(toHex(t.hashedRoot())).toBe(toHex(naive([...(models[i] as Map<string, Uint8Array>)]))));
          // Every live node has exactly one slot and discarded nodes gave theirs back.
          expect(arena.size).toBe(tries.reduce((n, t) => n + t.nodeCount(), 0));
        };
        ops.forEach(([t, k, v, del], i) => {
          const trie = tries[t] as PatriciaTrie<ValueLeaf>;
          const model = models[t] as Map<string, Uint8Array>;
          if (del && model.size > 0) {
            const victim = [...model.keys()][k.charCodeAt(0) % model.size] as string;
            trie.delete(victim);
            model.delete(victim);
          } else {
            trie.put(new ValueLeaf(k, v));
            model.set(k, v);
          }
          if (i % 20 === 19) hashAllAndCheck();
        });
        hashAllAndCheck();
      }),
      { numRuns: 400 },
    );
  });

  it('when nodes are split, collapsed, merged, replaced and deleted, then each gives its hash slot back', () => {
    const t = new PatriciaTrie<ValueLeaf>(KEY, new HashArena(1));
    const leaf = (k: string, v = 1) => new ValueLeaf(k, new Uint8Array([v]));
    const step = (change: () => void, entries: [string, number][]) => {
      change();
      expect(toHex(t.root())).toBe(toHex(naive(entries.map(([k, v]) => [k, new Uint8Array([v])]))));
      expect(t.arena.size).toBe(t.nodeCount());
    };
    step(() => [leaf('aaaa'), leaf('aaab')].forEach((l) => t.put(l)), [['aaaa', 1], ['aaab', 1]]); // extension over a branch
    step(() => t.put(leaf('abcd')), [['aaaa', 1], ['aaab', 1], ['abcd', 1]]); // the hashed extension splits
    step(() => t.delete('abcd'), [['aaaa', 1], ['aaab', 1]]); // the branch collapses, extensions merge
    step(() => t.put(leaf('aaaa', 2)), [['aaaa', 2], ['aaab', 1]]); // another leaf object, same key
    step(() => t.delete('aaab'), [['aaaa', 2]]); // the last branch goes, the leaf moves up
    step(() => t.delete('aaaa'), []);
    expect(t.arena.size).toBe(0);
  });

  it('when the root is read before its dirty paths are hashed, then it refuses with a coded error', () => {
    const t = new PatriciaTrie<ValueLeaf>(KEY);
    t.put(new ValueLeaf('abcd', new Uint8Array([1])));
    expect(() => t.hashedRoot()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('when iterating leaves, then they come in key order', () => {
    fc.assert(
      fc.property(entriesArb, (entries) => {
        const keys = [...trieOf(entries).leaves()].map((l) => l.key);
        expect(keys).toEqual(entries.map(([k]) => k).sort());
      }),
      { numRuns: 100 },
    );
  });

  it('when a key has the wrong length, then put refuses it with a coded error', () => {
    expect(() => new PatriciaTrie(KEY).put(new ValueLeaf('abc', new Uint8Array()))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('when two tries differ in one value byte, then their roots differ', () => {
    const a = trieOf([['abcd', Uint8Array.of(1)], ['abce', Uint8Array.of(2)]]);
    const b = trieOf([['abcd', Uint8Array.of(1)], ['abce', Uint8Array.of(3)]]);
    expect(toHex(a.root())).not.toBe(toHex(b.root()));
  });
});
