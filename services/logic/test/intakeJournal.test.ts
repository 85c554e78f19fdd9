import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeTransaction } from '../../protocol/src/codec/transaction.js';
import { Bucket, LevelDatabaseController } from '../../storage/src/index.js';
import { IntakeJournal, decodeIntakeEntry, encodeIntakeEntry } from '../src/node/intakeJournal.js';
import { senderKeyOf, signedTransfer } from './nodeFixture.js';

const TO = new Uint8Array(20).fill(9);
const trusted = (i: number, recipients = 0) => {
  const { tx, id } = decodeTransaction(signedTransfer(senderKeyOf(i), TO, 5n, BigInt(i)));
  const feeRecipients = Array.from({ length: recipients }, (_, r) => Buffer.alloc(20, r + 1).toString('latin1'));
  return recipients > 0 ? { tx, id, feeRecipients } : { tx, id };
};

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

  it('when an entry is encoded, then it decodes to the same transaction, id and fee recipients', () => {
    for (const t of [trusted(1), trusted(2, 7)]) expect(decodeIntakeEntry(encodeIntakeEntry(t))).toEqual(t);
  });

  it('when entries are recorded and some forgotten, then a replay returns the rest; an undecodable entry is reported and removed', async () => {
    const journal = new IntakeJournal(db);
    const txs = [trusted(1, 7), trusted(2), trusted(3, 7)];
    await journal.record(txs);
    await journal.forget([txs[1]!.id]);
    await db.put(Bucket.intake, new Uint8Array(32).fill(0xee), Uint8Array.of(1, 200));
    const corrupt: Uint8Array[] = [];
    const replayed = await journal.replay((key) => corrupt.push(key));
    expect(replayed.map((t) => Buffer.from(t.id).toString('hex')).sort()).toEqual([txs[0]!, txs[2]!].map((t) => Buffer.from(t.id).toString('hex')).sort());
    expect(corrupt).toHaveLength(1);
    expect(await db.get(Bucket.intake, new Uint8Array(32).fill(0xee))).toBeNull();
  });
});
