import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteWriter } from '../../protocol/src/codec/writer.js';
import { decodeTransaction } from '../../protocol/src/codec/transaction.js';
import { ProtocolError, ProtocolErrorCode } from '../../protocol/src/errors.js';
import { Bucket, LevelDatabaseController } from '../../storage/src/index.js';
import type { TrustedTransaction } from '../src/ledger/trustedTransaction.js';
import { IntakeJournal, decodeIntakeEntry, encodeIntakeEntry } from '../src/node/intakeJournal.js';
import { senderKeyOf, signedTransfer } from './nodeFixture.js';

const TO = new Uint8Array(20).fill(9);
const committee = (seed: number) => Array.from({ length: 7 }, (_, r) => Buffer.alloc(20, seed + r).toString('latin1'));
const bytesOf = (i: number) => signedTransfer(senderKeyOf(i), TO, 5n, BigInt(i));
const trusted = (i: number, feeRecipients?: string[]): TrustedTransaction => {
  const { tx, id } = decodeTransaction(bytesOf(i));
  return feeRecipients ? { tx, id, feeRecipients } : { tx, id };
};
const hex = (t: TrustedTransaction) => Buffer.from(t.id).toString('hex');

/** What nodes before the grouped entries wrote: one transaction per entry, keyed by its id. */
function singleEntry(i: number, recipients: string[]): Uint8Array {
  const w = new ByteWriter().u8(1).varint(recipients.length);
  for (const r of recipients) w.fixed(Buffer.from(r, 'latin1'), 20, 'fee_recipient');
  return w.bytes(bytesOf(i), 1 << 20, 'transaction').finish();
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return err instanceof ProtocolError ? err.code : 'not a ProtocolError';
  }
  return undefined;
}

describe('intake entries', () => {
  it('when transactions with different fee recipients are encoded, then they decode the same, in order, with their own recipients', () => {
    const a = committee(1);
    const b = committee(50);
    const txs = [trusted(1, a), trusted(2, a), trusted(3), trusted(4, b), trusted(5, a)];
    expect(decodeIntakeEntry(encodeIntakeEntry(txs))).toEqual(txs);
  });

  it('when the bytes as received are given, then the entry is the one encoding would have made', () => {
    const txs = [trusted(1, committee(1)), trusted(2, committee(1))];
    expect(encodeIntakeEntry(txs, [bytesOf(1), bytesOf(2)])).toEqual(encodeIntakeEntry(txs));
  });

  it('when an entry of the single-transaction version is read, then it decodes to that one transaction', () => {
    expect(decodeIntakeEntry(singleEntry(3, committee(1)))).toEqual([trusted(3, committee(1))]);
    expect(decodeIntakeEntry(singleEntry(4, []))).toEqual([trusted(4)]);
  });

  it('when an entry is damaged, then decoding fails with a code', () => {
    const good = encodeIntakeEntry([trusted(1, committee(1)), trusted(2)]);
    expect(codeOf(() => decodeIntakeEntry(good.subarray(0, good.length - 1)))).toBe(ProtocolErrorCode.truncated);
    expect(codeOf(() => decodeIntakeEntry(Uint8Array.of(9)))).toBe(ProtocolErrorCode.unknownVersion);
    expect(codeOf(() => decodeIntakeEntry(Uint8Array.of(...good, 0)))).toBeDefined();
    // One group claiming a million transactions in a few bytes.
    expect(codeOf(() => decodeIntakeEntry(new ByteWriter().u8(2).varint(1).varint(0).varint(1_000_000).finish()))).toBe(ProtocolErrorCode.truncated);
  });
});

describe('the intake journal', () => {
  let dir: string;
  let db: LevelDatabaseController;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cc-intake-'));
    db = await LevelDatabaseController.create({ path: dir });
  });
  afterEach(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const keysOnDisk = async () => {
    const keys: string[] = [];
    for await (const [key] of db.entries(Bucket.intake)) keys.push(Buffer.from(key).toString('hex'));
    return keys;
  };

  it('when a package is recorded, then it is one entry, which leaves only once its last transaction is forgotten', async () => {
    const journal = new IntakeJournal(db);
    const txs = [trusted(1, committee(1)), trusted(2, committee(1)), trusted(3, committee(1))];
    await journal.record(txs);
    expect(await keysOnDisk()).toHaveLength(1);
    await journal.forget([txs[0]!, txs[2]!]);
    expect(await keysOnDisk()).toHaveLength(1);
    expect(journal.size).toBe(1);
    await journal.forget([{ ...txs[1]! }]); // an equal object that was never recorded
    expect(await keysOnDisk()).toHaveLength(1);
    await journal.forget([txs[1]!]);
    expect(await keysOnDisk()).toEqual([]);
    expect(journal.size).toBe(0);
  });

  it('when a block settles transactions before their record has landed, then the entry still goes', async () => {
    const journal = new IntakeJournal(db);
    const txs = [trusted(1), trusted(2)];
    const recording = journal.record(txs);
    const forgetting = journal.forget(txs);
    await Promise.all([recording, forgetting]);
    expect(await keysOnDisk()).toEqual([]);
  });

  it('when a journal is replayed, then it returns what was not settled from both versions, reports the undecodable, and replace leaves one entry of what is pending', async () => {
    const first = new IntakeJournal(db);
    const pkg = [trusted(1, committee(1)), trusted(2, committee(1))];
    await first.record(pkg);
    await first.record([trusted(3)]);
    await first.forget([pkg[0]!]);
    const old = trusted(4, committee(9));
    await db.put(Bucket.intake, old.id, singleEntry(4, committee(9)));
    await db.put(Bucket.intake, new Uint8Array(32).fill(0xee), Uint8Array.of(1, 200));

    const reopened = new IntakeJournal(db);
    const corrupt: Uint8Array[] = [];
    const { transactions, keys } = await reopened.replay((key) => corrupt.push(key));
    expect(transactions.map(hex).sort()).toEqual([pkg[0]!, pkg[1]!, trusted(3), old].map(hex).sort()); // pkg[0]'s entry held pkg[1] too
    expect(corrupt.map((k) => Buffer.from(k).toString('hex'))).toEqual(['ee'.repeat(32)]);
    expect(keys).toHaveLength(4);

    const pending = transactions.filter((t) => hex(t) !== hex(pkg[0]!));
    await reopened.replace(keys, pending);
    const after = await keysOnDisk();
    expect(after).toHaveLength(1);
    // A new entry's key comes after every sequence key read, so it cannot be one of them.
    expect(keys.map((k) => Buffer.from(k).toString('hex'))).not.toContain(after[0]);
    expect((await new IntakeJournal(db).replay(() => undefined)).transactions.map(hex).sort()).toEqual(pending.map(hex).sort());
    await reopened.forget(pending);
    expect(await keysOnDisk()).toEqual([]);
  });

  it('when nothing survives a replay, then replace only deletes', async () => {
    const journal = new IntakeJournal(db);
    await journal.record([trusted(1)]);
    const reopened = new IntakeJournal(db);
    const { keys } = await reopened.replay(() => undefined);
    await reopened.replace(keys, []);
    expect(await keysOnDisk()).toEqual([]);
  });
});
