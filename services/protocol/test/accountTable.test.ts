import fc from 'fast-check';
import { AccountTable, Debit } from '../src/state/accountTable.js';
import { AddressIndex } from '../src/state/addressIndex.js';
import { WorldState, naiveStateRoot } from '../src/state/worldState.js';
import { encodeAccount } from '../src/codec/account.js';
import { U128_MAX, U64_MAX } from '../src/codec/varint.js';
import { EMPTY_HASH, sha256 } from '../src/hash.js';
import { toHex } from '../src/bytes.js';

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
// Values on both sides of 2^53, where the table switches between its double and bigint columns.
const u128Arb = fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: SAFE - 1000n, max: SAFE + 1000n }), fc.bigInt({ min: 0n, max: U128_MAX }));
const addressArb = fc.uint8Array({ minLength: 20, maxLength: 20 });

describe('AccountTable', () => {
  it('when balances are credited and debited across 2^53 and up to u128, then every result equals bigint arithmetic', () => {
    const opArb = fc.tuple(fc.constantFrom('set', 'credit', 'debit'), u128Arb, u128Arb);
    fc.assert(
      fc.property(u128Arb, fc.array(opArb, { maxLength: 40 }), (start, ops) => {
        const table = new AccountTable(2);
        const row = table.insert(new Uint8Array(20), 0);
        table.setBalance(row, start);
        let model = start;
        for (const [op, a, b] of ops) {
          if (op === 'set') {
            table.setBalance(row, a);
            model = a;
          } else if (op === 'credit') {
            if (model + a > U128_MAX) continue; // deposits never overflow: total supply ≤ u128
            table.credit(row, a);
            model += a;
          } else {
            const expected = model < b ? Debit.none : model - b < a ? Debit.feeOnly : Debit.all;
            expect(table.debit(row, a, b)).toBe(expected);
            if (expected === Debit.feeOnly) model -= b;
            if (expected === Debit.all) model -= a + b;
          }
          expect(table.balance(row)).toBe(model);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('when nonces are set and advanced across 2^53, then nonceIs and nonce follow them exactly', () => {
    fc.assert(
      fc.property(fc.oneof(fc.bigInt({ min: 0n, max: 5n }), fc.bigInt({ min: SAFE - 3n, max: SAFE + 3n }), fc.bigInt({ min: 0n, max: U64_MAX - 10n })), fc.nat(6), (start, steps) => {
        const table = new AccountTable(2);
        const row = table.insert(new Uint8Array(20), 0);
        table.setNonce(row, start);
        for (let i = 0; i < steps; i++) table.incrementNonce(row);
        const n = start + BigInt(steps);
        expect(table.nonce(row)).toBe(n);
        expect(table.nonceIs(row, n)).toBe(true);
        expect(table.nonceIs(row, n + 1n)).toBe(false);
        if (n > 0n) expect(table.nonceIs(row, n - 1n)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('when an account is written as a trie value or a record, then the bytes are exactly encodeAccount of its state', () => {
    const hashArb = fc.oneof(fc.constant(EMPTY_HASH), fc.uint8Array({ minLength: 32, maxLength: 32 }));
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: U64_MAX }), u128Arb, hashArb, hashArb, (nonce, balance, codeHash, storageRoot) => {
        const table = new AccountTable(2);
        const row = table.insert(sha256(new Uint8Array([1])), 0);
        table.setNonce(row, nonce);
        table.setBalance(row, balance);
        table.setCodeHash(row, codeHash);
        table.setStorageRoot(row, storageRoot);
        const out = new Uint8Array(200);
        const end = table.writeValue(row, out, 7);
        expect(toHex(out.subarray(7, end))).toBe(toHex(encodeAccount({ nonce, balance, codeHash, storageRoot })));
        expect(table.view(row)).toMatchObject({ nonce, balance, codeHash, storageRoot });
      }),
      { numRuns: 300 },
    );
  });
});

describe('AddressIndex', () => {
  it('when addresses are inserted past several growths, then find returns each one\'s row and -1 for any other', () => {
    fc.assert(
      fc.property(fc.uniqueArray(addressArb, { selector: (a) => toHex(a), minLength: 1, maxLength: 300 }), addressArb, (addresses, other) => {
        const index = new AddressIndex(1);
        // Each address placed at an odd offset of a larger buffer, as in a transaction's public key.
        addresses.forEach((a, i) => {
          const buf = new Uint8Array(33);
          buf.set(a, 13);
          expect(index.insert(buf, 13)).toBe(i);
        });
        addresses.forEach((a, i) => expect(index.find(a, 0)).toBe(i));
        const known = addresses.findIndex((a) => toHex(a) === toHex(other));
        expect(index.find(other, 0)).toBe(known);
        expect(index.keyOf(0)).toBe(Buffer.from(addresses[0] as Uint8Array).toString('latin1'));
      }),
      { numRuns: 100 },
    );
  });
});

describe('WorldState', () => {
  it('when accounts are created and changed in any order over several roots, then each root equals the from-scratch recomputation', () => {
    const opArb = fc.tuple(fc.nat(40), u128Arb);
    fc.assert(
      fc.property(fc.array(addressArb, { minLength: 1, maxLength: 40 }), fc.array(fc.array(opArb, { maxLength: 20 }), { maxLength: 5 }), (pool, batches) => {
        const state = new WorldState(4);
        for (const batch of batches) {
          for (const [pick, balance] of batch) {
            const address = pool[pick % pool.length] as Uint8Array;
            const bst = state.subtreeAt(address, 0);
            const row = bst.getOrCreate(address, 0);
            state.table.setBalance(row, balance);
            bst.markDirty(row);
          }
          expect(toHex(state.root())).toBe(toHex(naiveStateRoot(state.accounts())));
          state.clearDirty();
        }
      }),
      { numRuns: 150 },
    );
  });
});
