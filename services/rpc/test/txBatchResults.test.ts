import { TxBatchResults, packTxBatchResults, unpackTxBatchResults, type TxOutcome } from '../src/index.js';

const id = (b: number) => new Uint8Array(32).fill(b);
const refused = (code: string): TxOutcome => ({ rejection: { code, message: `${code} because` } });
/** Through the wire encoding and back, as a client receives it. */
const wire = (r: TxBatchResults) => TxBatchResults.decode(TxBatchResults.encode(r).finish());

describe('SubmitTxBatches answers: ids packed, refusals by index', () => {
  it('when a batch mixes accepted and refused transactions, then each reads back as it was, in order', () => {
    const outcomes = [{ id: id(1) }, refused('BAD_SIGNATURE'), { id: id(2) }, refused('MALFORMED'), { id: id(3) }];
    const packed = packTxBatchResults(7n, outcomes);
    expect(packed.ids).toHaveLength(5 * 32);
    expect(packed.rejections.map((r) => r.index)).toEqual([1, 3]);
    const read = unpackTxBatchResults(wire(packed), 5);
    expect(read.map((r) => (r?.id ? Buffer.from(r.id).toString('hex') : r?.rejection?.code))).toEqual([
      Buffer.from(id(1)).toString('hex'),
      'BAD_SIGNATURE',
      Buffer.from(id(2)).toString('hex'),
      'MALFORMED',
      Buffer.from(id(3)).toString('hex'),
    ]);
    expect(wire(packed).sequence).toBe(7n);
  });

  it('when nothing was accepted, then the answer carries no ids at all', () => {
    const packed = packTxBatchResults(1n, [refused('BATCH_TOO_LARGE'), refused('BATCH_TOO_LARGE')]);
    expect(packed.ids).toHaveLength(0);
    expect(unpackTxBatchResults(wire(packed), 2).map((r) => r?.rejection?.code)).toEqual(['BATCH_TOO_LARGE', 'BATCH_TOO_LARGE']);
    expect(unpackTxBatchResults(wire(packTxBatchResults(2n, [])), 0)).toEqual([]);
  });

  it('when an answer is short, names indices past the batch or leaves a transaction out, then those read as unanswered', () => {
    const short = { sequence: 1n, ids: Buffer.alloc(32, 9), rejections: [{ index: 5, rejection: { code: 'X', message: '' } }] };
    expect(unpackTxBatchResults(short, 2)).toEqual([undefined, undefined]);
    const silent = { sequence: 1n, ids: Buffer.concat([Buffer.alloc(32, 9), Buffer.alloc(32)]), rejections: [] };
    expect(unpackTxBatchResults(silent, 2).map((r) => r?.id !== undefined)).toEqual([true, false]);
    expect(unpackTxBatchResults(silent, 2)[1]).toBeUndefined();
  });

  it('when an id is not 32 bytes, then packing refuses it', () => {
    expect(() => packTxBatchResults(1n, [{ id: new Uint8Array(31) }])).toThrow(RangeError);
  });
});
