import fc from 'fast-check';
import { ROSTER_REGISTRY_ADDRESS } from '../../protocol/src/reception/exclusion.js';
import { DEFAULT_CHAIN_PARAMS } from '../src/ledger/chainParams.js';
import { toHex } from '../../protocol/src/bytes.js';
import { naiveStateRoot } from '../../protocol/src/state/worldState.js';
import { TxStatus } from '../../protocol/src/types.js';
import { decodeBody, decodeHeader } from '../../protocol/src/codec/block.js';
import { sha256 } from '../../protocol/src/hash.js';
import { LedgerEngine, type BlockContext } from '../src/ledger/ledgerEngine.js';
import { decodeOperationLog, OperationKind } from '../src/ledger/operationLog.js';
import { transactionRoot, summaryRoot } from '../src/block/blockBuilder.js';
import { addressOfPubkey, fakePubkey, senderKey, transfer } from './fixtures.js';

const FEE = 1_000n;
const producer = fakePubkey(999_999);
const ctx: BlockContext = { timestamp: 1_700_000_000_000n, feeRecipients: [senderKey(producer)] };

function chainWith(balances: bigint[]) {
  const keys = balances.map((_, i) => fakePubkey(i + 1));
  const { engine } = LedgerEngine.fromGenesis({
    timestamp: 0n,
    allocations: keys.map((k, i) => ({ address: addressOfPubkey(k), balance: balances[i] as bigint })),
  });
  const balance = (i: number) => engine.state.get(senderKey(keys[i] as Uint8Array))?.balance ?? 0n;
  const totalSupply = () => {
    let t = 0n;
    for (const s of engine.state.subtrees) for (const a of s.accounts()) t += a.balance;
    return t;
  };
  return { engine, keys, balance, totalSupply };
}

describe('LedgerEngine', () => {
  it('when the WP 6.6 example runs in order (A→B 20, then B→C 40), then both succeed with A=30, B=10, C=50 plus fees', () => {
    const { engine, keys, balance } = chainWith([50n + FEE, 30n + FEE, 10n]);
    const [A, B, C] = keys as [Uint8Array, Uint8Array, Uint8Array];
    const block = engine.executeBlock([transfer(A, addressOfPubkey(B), 20n, 0n), transfer(B, addressOfPubkey(C), 40n, 0n)], ctx);
    expect(block.summaries.map((s) => s.status)).toEqual([TxStatus.success, TxStatus.success]);
    expect([balance(0), balance(1), balance(2)]).toEqual([30n, 10n, 50n]);
  });

  it('when B→C 40 comes before A→B 20, then B is short: its fee is charged, its nonce advances, and A→B still succeeds', () => {
    const { engine, keys, balance } = chainWith([50n + FEE, 30n + FEE, 10n]);
    const [A, B, C] = keys as [Uint8Array, Uint8Array, Uint8Array];
    const block = engine.executeBlock([transfer(B, addressOfPubkey(C), 40n, 0n), transfer(A, addressOfPubkey(B), 20n, 0n)], ctx);
    expect(block.summaries).toEqual([
      { status: TxStatus.insufficientBalance, fee: FEE },
      { status: TxStatus.success, fee: FEE },
    ]);
    expect([balance(0), balance(1), balance(2)]).toEqual([30n, 50n, 10n]);
    expect(engine.state.get(senderKey(B))?.nonce).toBe(1n);
  });

  it.each([
    ['a nonce ahead of the account', 5n, 100n, TxStatus.badNonce],
    ['a replay of a used nonce', -1n, 100n, TxStatus.badNonce],
    ['a balance below the fee', 0n, 10n, TxStatus.insufficientFee],
  ])('when a transfer has %s, then it fails with its code and changes nothing', (_name, nonceDelta, startBalance, status) => {
    const { engine, keys, totalSupply } = chainWith([startBalance + (nonceDelta === -1n ? FEE + 1n : 0n), 0n]);
    const [A, B] = keys as [Uint8Array, Uint8Array];
    if (nonceDelta === -1n) engine.executeBlock([transfer(A, addressOfPubkey(B), 1n, 0n)], ctx);
    const before = engine.state.get(senderKey(A));
    const snapshot = { nonce: before?.nonce, balance: before?.balance };
    const supply = totalSupply();
    const nonce = nonceDelta === -1n ? 0n : nonceDelta;
    const block = engine.executeBlock([transfer(A, addressOfPubkey(B), 1n, nonce)], ctx);
    expect(block.summaries).toEqual([{ status, fee: 0n }]);
    expect({ nonce: engine.state.get(senderKey(A))?.nonce, balance: engine.state.get(senderKey(A))?.balance }).toEqual(snapshot);
    expect(totalSupply()).toBe(supply);
  });

  it('when a transaction creates or calls a contract, then it is refused as UNSUPPORTED and changes nothing', () => {
    const { engine, keys, balance } = chainWith([10_000n]);
    const create = transfer(keys[0] as Uint8Array, new Uint8Array(20), 1n, 0n);
    create.tx.to = null;
    create.tx.code = new Uint8Array([1, 2, 3]);
    const block = engine.executeBlock([create], ctx);
    expect(block.summaries).toEqual([{ status: TxStatus.unsupported, fee: 0n }]);
    expect(balance(0)).toBe(10_000n);
  });

  it('when data is sent with no value to the roster registry, then it is a record: fee paid, nonce taken; data elsewhere or with value stays UNSUPPORTED', () => {
    const { engine, keys, balance } = chainWith([10_000n]);
    const record = transfer(keys[0] as Uint8Array, ROSTER_REGISTRY_ADDRESS, 0n, 0n);
    record.tx.data = new Uint8Array([9, 9]);
    const call = transfer(keys[0] as Uint8Array, new Uint8Array(20).fill(3), 0n, 1n);
    call.tx.data = new Uint8Array([9]);
    const paying = transfer(keys[0] as Uint8Array, ROSTER_REGISTRY_ADDRESS, 5n, 1n);
    paying.tx.data = new Uint8Array([9]);
    const block = engine.executeBlock([record, call, paying], ctx);
    expect(block.summaries.map((x) => x.status)).toEqual([TxStatus.success, TxStatus.unsupported, TxStatus.unsupported]);
    expect(balance(0)).toBe(10_000n - DEFAULT_CHAIN_PARAMS.transferFee);
    expect(engine.state.get(senderKey(keys[0] as Uint8Array))?.nonce).toBe(1n);
  });

  it('when a block is built, then its header commits to its body, ids, summaries and state, and decodes back', () => {
    const { engine, keys } = chainWith([1_000_000n, 5n]);
    const t = [transfer(keys[0] as Uint8Array, addressOfPubkey(keys[1] as Uint8Array), 7n, 0n), transfer(keys[1] as Uint8Array, addressOfPubkey(keys[0] as Uint8Array), 1n, 0n)];
    const parent = engine.head.hash;
    const block = engine.executeBlock(t, ctx);
    const header = decodeHeader(block.headerBytes);
    expect(header.height).toBe(1n);
    expect(toHex(header.parentHash)).toBe(toHex(parent));
    expect(toHex(header.body)).toBe(toHex(sha256(block.bodyBytes)));
    const body = decodeBody(block.bodyBytes);
    expect(toHex(header.transactionRoot)).toBe(toHex(transactionRoot(body.ids)));
    expect(toHex(header.txSummaryRoot)).toBe(toHex(summaryRoot(body.summaries)));
    expect(toHex(header.stateRoot)).toBe(toHex(naiveStateRoot(engine.state.subtrees.flatMap((s) => [...s.accounts()]))));
    expect(header.coinbase).toEqual([{ account: addressOfPubkey(producer), reward: FEE }]);
  });

  it('when a block runs, then its operation log holds W then D for each success, numbered per account, and R for the fees', () => {
    const { engine, keys } = chainWith([1_000_000n, 1_000_000n]);
    const [A, B] = keys as [Uint8Array, Uint8Array];
    const block = engine.executeBlock([transfer(A, addressOfPubkey(B), 5n, 0n), transfer(B, addressOfPubkey(A), 3n, 0n), transfer(A, addressOfPubkey(B), 1n, 9n)], ctx);
    const ops = decodeOperationLog(block.operationLog);
    const a = senderKey(A);
    const b = senderKey(B);
    expect(ops).toEqual([
      { kind: OperationKind.withdraw, txIndex: 0, account: a, seq: 0, amount: 5n, fee: FEE, status: TxStatus.success },
      { kind: OperationKind.deposit, txIndex: 0, account: b, seq: 0, amount: 5n },
      { kind: OperationKind.withdraw, txIndex: 1, account: b, seq: 1, amount: 3n, fee: FEE, status: TxStatus.success },
      { kind: OperationKind.deposit, txIndex: 1, account: a, seq: 1, amount: 3n },
      { kind: OperationKind.withdraw, txIndex: 2, account: a, seq: 2, amount: 0n, fee: 0n, status: TxStatus.badNonce },
      { kind: OperationKind.reward, account: senderKey(producer), seq: 0, amount: 2n * FEE },
    ]);
  });

  it('when fees name their own recipients, then each gets an equal share and the first the remainder', () => {
    const { engine, keys, totalSupply } = chainWith([1_000_000n, 0n]);
    const rns = [fakePubkey(500), fakePubkey(501), fakePubkey(502)].map(senderKey);
    const t = { ...transfer(keys[0] as Uint8Array, addressOfPubkey(keys[1] as Uint8Array), 1n, 0n), feeRecipients: rns };
    const supply = totalSupply();
    const block = engine.executeBlock([t], ctx);
    const rewards = new Map(block.header.coinbase.map((c) => [toHex(c.account), c.reward]));
    expect(rewards.get(toHex(Buffer.from(rns[0] as string, 'latin1')))).toBe(334n);
    expect(rewards.get(toHex(Buffer.from(rns[1] as string, 'latin1')))).toBe(333n);
    expect(totalSupply()).toBe(supply);
  });

  it('when random transfers run over many blocks, then balances and nonces equal a sequential model, supply is constant, and the root equals a recomputation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(fc.nat(9), fc.nat(9), fc.bigInt({ min: 0n, max: 30_000n }), fc.integer({ min: -1, max: 1 })), { maxLength: 40 }), { minLength: 1, maxLength: 5 }),
        (blocks) => {
          const start = Array.from({ length: 10 }, (_, i) => BigInt(i * 20_000));
          const { engine, keys, balance, totalSupply } = chainWith(start);
          const supply = totalSupply();
          const model = { balance: [...start], nonce: start.map(() => 0n) };
          let rewards = 0n;
          for (const txs of blocks) {
            const batch = txs.map(([from, to, amount, skew]) => {
              const nonce = model.nonce[from] as bigint;
              const nonceSkew = nonce + BigInt(skew) < 0n ? 1 : skew; // a replay needs a used nonce
              const t = transfer(keys[from] as Uint8Array, addressOfPubkey(keys[to] as Uint8Array), amount, nonce + BigInt(nonceSkew));
              // The model: plain sequential execution of WP 6.4 rules.
              if (nonceSkew === 0) {
                const b = model.balance[from] as bigint;
                if (b >= FEE) {
                  model.nonce[from] = nonce + 1n;
                  rewards += FEE;
                  if (b - FEE >= amount) {
                    model.balance[from] = b - FEE - amount;
                    model.balance[to] = (model.balance[to] as bigint) + amount;
                  } else model.balance[from] = b - FEE;
                }
              }
              return t;
            });
            const { operationLog } = engine.executeBlock(batch, ctx);
            // Every account's operations in a block are numbered 0, 1, 2, … in log order.
            const next = new Map<string, number>();
            for (const op of decodeOperationLog(operationLog)) {
              expect(op.seq).toBe(next.get(op.account) ?? 0);
              next.set(op.account, op.seq + 1);
            }
          }
          for (let i = 0; i < keys.length; i++) {
            expect(balance(i)).toBe(model.balance[i]);
            expect(engine.state.get(senderKey(keys[i] as Uint8Array))?.nonce ?? 0n).toBe(model.nonce[i]);
          }
          expect(engine.state.get(senderKey(producer))?.balance ?? 0n).toBe(rewards);
          expect(totalSupply()).toBe(supply);
          expect(toHex(engine.head.header.stateRoot)).toBe(toHex(naiveStateRoot(engine.state.subtrees.flatMap((s) => [...s.accounts()]))));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('when an unknown sender is refused and then funded in the same block, then its operations are numbered 0, 1 without a gap or repeat', () => {
    const { engine, keys } = chainWith([10n * FEE]);
    const stranger = fakePubkey(777);
    const block = engine.executeBlock(
      [transfer(stranger, addressOfPubkey(keys[0] as Uint8Array), 1n, 0n), transfer(keys[0] as Uint8Array, addressOfPubkey(stranger), 5n, 0n), transfer(stranger, addressOfPubkey(keys[0] as Uint8Array), 1n, 1n)],
      ctx,
    );
    const ops = decodeOperationLog(block.operationLog).filter((op) => op.account === senderKey(stranger));
    expect(ops.map((op) => [op.kind, op.seq])).toEqual([
      [OperationKind.withdraw, 0],
      [OperationKind.deposit, 1],
      [OperationKind.withdraw, 2],
    ]);
    // Next block: numbering starts again at 0.
    const next = engine.executeBlock([transfer(keys[0] as Uint8Array, addressOfPubkey(stranger), 5n, 1n)], ctx);
    expect(decodeOperationLog(next.operationLog).filter((op) => op.account === senderKey(stranger)).map((op) => op.seq)).toEqual([0]);
  });

  it('when the genesis total exceeds u128 or repeats an address, then it is refused with INVALID_GENESIS', () => {
    const a = addressOfPubkey(fakePubkey(1));
    expect(() => LedgerEngine.fromGenesis({ timestamp: 0n, allocations: [{ address: a, balance: 1n << 127n }, { address: addressOfPubkey(fakePubkey(2)), balance: 1n << 127n }] })).toThrow(
      expect.objectContaining({ code: 'INVALID_GENESIS' }),
    );
    expect(() => LedgerEngine.fromGenesis({ timestamp: 0n, allocations: [{ address: a, balance: 1n }, { address: a, balance: 1n }] })).toThrow(expect.objectContaining({ code: 'INVALID_GENESIS' }));
  });
});
