import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { ProtocolError, ProtocolErrorCode } from '../src/errors.js';
import { publicKeyOf, signDigest } from '../src/keys.js';
import { sha256 } from '../src/hash.js';
import { sample } from '../src/sample.js';
import { routeOf, committeeOf } from '../src/reception/committee.js';
import { encodeBatch, decodeBatch } from '../src/reception/batch.js';
import { decodeCoSignature, encodeCoSignature, signCoSignature } from '../src/reception/coSignature.js';
import { decodePackage, encodePackage, signPackage } from '../src/reception/receptionPackage.js';
import { decodeRoster, encodeRoster, openSignedRoster, signRoster } from '../src/reception/roster.js';
import { Misconduct, decodeExclusion, encodeExclusion } from '../src/reception/exclusion.js';
import { checkPackage, PackageDropCode, type AcceptedPackage, type PackageCheck, type PackageCheckContext } from '../src/reception/checkPackage.js';
import { checkVerdictShape, isValid, judgeTransactions, setValid } from '../src/reception/verdicts.js';
import { buildPackage, makeCluster, makeTransactions, secretKey, verifier, type Cluster } from './support/receptionFixture.js';

const cluster = makeCluster(12);
const FORGED = new Set([3, 7]);
const txs = makeTransactions(20, FORGED);
const VALID = [...Array(20).keys()].filter((i) => !FORGED.has(i));

function context(c: Cluster = cluster, seen: PackageCheckContext['seen'] = () => undefined): PackageCheckContext {
  return { rosterOf: (e) => (e === c.roster.epoch ? c.roster : undefined), committeeSize: 7, verifier, seen, isExcluded: () => false };
}

function accepted(check: PackageCheck): AcceptedPackage {
  if (check.outcome !== 'accepted') throw new Error(`expected acceptance, got ${check.code}: ${check.message}`);
  return check;
}

function executedIndices(check: PackageCheck): number[] {
  return accepted(check).transactions.map((t) => t.index);
}

function flip(v: Uint8Array, i: number): Uint8Array {
  const out = v.slice();
  out[i >> 3] = (out[i >> 3] as number) ^ (1 << (i & 7));
  return out;
}

describe('routing and committees (WP 2.1 steps 1–2)', () => {
  it('when two signatures share their first 20 bits, then they route to the same RN', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.integer({ min: 1, max: 500 }), (a, b, n) => {
        b.set(a.subarray(0, 2));
        b[2] = ((a[2] as number) & 0xf0) | ((b[2] as number) & 0x0f);
        const k = routeOf(a, n);
        expect(routeOf(b, n)).toBe(k);
        expect(k).toBeGreaterThanOrEqual(0);
        expect(k).toBeLessThan(n);
      }),
    );
  });

  it('when a route is asked again, under any of several roster sizes, then the remembered draw is the sample of the 20 bits', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 8 }), (sig, sizes) => {
        for (const n of [...sizes, ...sizes]) {
          expect(routeOf(sig, n)).toBe(sample(Uint8Array.of(sig[0] as number, sig[1] as number, (sig[2] as number) & 0xf0), n, 1)[0]);
        }
      }),
    );
  });

  it('when signatures differ only in one of the 20 bits, then each keeps its own remembered route', () => {
    for (const [byte, bits] of [[0, 8], [1, 8], [2, 4]] as const) {
      for (let bit = 0; bit < bits; bit++) {
        const sig = new Uint8Array(64).fill(0x5a);
        sig[byte] = (sig[byte] as number) ^ (1 << (7 - bit));
        const seed = Uint8Array.of(sig[0] as number, sig[1] as number, (sig[2] as number) & 0xf0);
        for (const n of [8, 8, 13]) expect(routeOf(sig, n)).toBe(sample(seed, n, 1)[0]);
      }
    }
  });

  it('when a batch is judged, then a bit is set exactly for each transaction that decodes and verifies, whether or not the whole batch decodes', () => {
    const bits = (v: Uint8Array, n: number) => Array.from({ length: n }, (_, i) => (isValid(v, i) ? 1 : 0));
    expect(bits(judgeTransactions(txs, verifier), txs.length)).toEqual(txs.map((_, i) => (FORGED.has(i) ? 0 : 1)));
    const mixed = [txs[0]!, txs[3]!, Uint8Array.from([1, 2, 3]), txs[1]!, txs[2]!.subarray(0, 40), txs[4]!];
    expect(bits(judgeTransactions(mixed, verifier), mixed.length)).toEqual([1, 0, 0, 1, 0, 1]);
    expect(judgeTransactions([], verifier)).toEqual(new Uint8Array(0));
  });

  it('when the first draw of a seed falls past the rejection limit, then routing takes the next draw, as sample does', () => {
    // Seed 01 6d e0 under a roster of 60,000: the first u32 of SHA-256(seed ‖ 0⁸) is ≥ 2³² − (2³² mod 60,000).
    const seed = Uint8Array.of(0x01, 0x6d, 0xe0);
    const first = createHash('sha256').update(seed).update(new Uint8Array(8)).digest().readUInt32BE(0);
    expect(first).toBeGreaterThanOrEqual(2 ** 32 - (2 ** 32 % 60_000));
    const sig = new Uint8Array(64).fill(0x33);
    sig.set(seed);
    sig[2] = 0xe7; // the low nibble is not part of the seed
    expect(routeOf(sig, 60_000)).toBe(sample(seed, 60_000, 1)[0]);
    expect(routeOf(sig, 60_000)).not.toBe(first % 60_000);
  });

  it('when the judged transactions are views into one batch buffer, then the verdicts are those of separate copies', () => {
    const garbage = Uint8Array.from([1, 1, 0x80]);
    const list = [txs[0]!, txs[3]!, garbage, txs[1]!.subarray(0, 60), txs[5]!, Uint8Array.of(...txs[6]!, 0), txs[7]!, txs[8]!];
    const decoded = decodeBatch(encodeBatch({ epoch: 1n, leader: 0, sequence: 0n, createdAtMs: 0n, transactions: list })).transactions;
    expect(decoded.every((t) => t.buffer === decoded[0]!.buffer && t.byteOffset > 0)).toBe(true);
    const expected = [1, 0, 0, 0, 1, 0, 0, 1];
    const bits = (v: Uint8Array) => expected.map((_, i) => (isValid(v, i) ? 1 : 0));
    expect(bits(judgeTransactions(decoded, verifier))).toEqual(expected);
    expect(bits(judgeTransactions(list.map((t) => t.slice()), verifier))).toEqual(expected);
  });

  it('when a signature has the wrong length, then routing refuses it with a code', () => {
    expect(() => routeOf(new Uint8Array(63), 8)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.invalidField }));
  });

  it('when a committee is drawn, then it has size−1 distinct members, none of them the leader, the same on every node', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 7, max: 300 }), fc.nat(), (hash, n, l) => {
        const leader = l % n;
        const c = committeeOf(hash, n, leader, 7);
        expect(c).toHaveLength(6);
        expect(new Set(c).size).toBe(6);
        expect(c).not.toContain(leader);
        expect(committeeOf(hash, n, leader, 7)).toEqual(c);
      }),
    );
  });

  it('when the roster cannot seat a committee, then drawing one is a coded error', () => {
    expect(() => committeeOf(new Uint8Array(32), 6, 0, 7)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.invalidArgument }));
    expect(() => committeeOf(new Uint8Array(32), 8, 8, 7)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.invalidArgument }));
  });
});

describe('reception encodings', () => {
  const arbBatch = fc.record({
    epoch: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    leader: fc.integer({ min: 0, max: 65_535 }),
    sequence: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    createdAtMs: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    transactions: fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
  });

  it('when a batch is encoded and decoded, then every field and the hash come back', () => {
    fc.assert(
      fc.property(arbBatch, (b) => {
        const encoded = encodeBatch(b);
        const d = decodeBatch(encoded);
        expect({ ...d, transactions: d.transactions.map((t) => [...t]) }).toMatchObject({ epoch: b.epoch, leader: b.leader, sequence: b.sequence, createdAtMs: b.createdAtMs, transactions: b.transactions.map((t) => [...t]) });
        expect(d.hash).toEqual(sha256(encoded));
      }),
    );
  });

  it.each([
    ['batch', decodeBatch],
    ['co-signature', decodeCoSignature],
    ['package', decodePackage],
    ['roster', decodeRoster],
    ['exclusion', decodeExclusion],
  ] as const)('when random bytes are decoded as a %s, then the only failure is a coded ProtocolError', (_, decode) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          decode(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('when a valid encoding gets a trailing byte, then each decoder refuses it as TRAILING_BYTES', () => {
    const pkg = buildPackage(cluster, 0, txs.slice(0, 3));
    const cos = encodeCoSignature(signCoSignature(1, sha256(new Uint8Array(1)), Uint8Array.of(5), secretKey(1)));
    const roster = encodeRoster(cluster.roster);
    const excl = encodeExclusion({ epoch: 1n, excluded: [{ index: 2, pubkey: cluster.roster.members[2]!.pubkey, misconduct: Misconduct.falseVerdict }], evidence: sha256(Uint8Array.of(1)) });
    const batch = encodeBatch({ epoch: 1n, leader: 0, sequence: 0n, createdAtMs: 0n, transactions: [] });
    for (const [bytes, decode] of [
      [pkg.encoded, decodePackage],
      [cos, decodeCoSignature],
      [roster, decodeRoster],
      [excl, decodeExclusion],
      [batch, decodeBatch],
    ] as const) {
      const longer = new Uint8Array(bytes.length + 1);
      longer.set(bytes);
      expect(() => decode(longer)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.trailingBytes }));
      expect(() => decode(bytes.subarray(0, bytes.length - 1))).toThrow(ProtocolError);
    }
  });

  it('when a package is encoded and decoded, then it is byte-identical and its signature verifies', () => {
    const { encoded, decoded } = buildPackage(cluster, 4, txs);
    expect(encodePackage(decoded)).toEqual(encoded);
    expect(decoded.coSignatures).toHaveLength(6);
  });

  it('when a roster is signed by the leader, then it opens with the leader key and not with another', () => {
    const leaderKey = secretKey(9);
    const signed = signRoster(cluster.roster, leaderKey);
    const opened = openSignedRoster(signed.encoded, signed.signature, publicKeyOf(leaderKey), verifier);
    expect(opened.roster.epoch).toBe(cluster.roster.epoch);
    expect(opened.roster.members.map((m) => m.endpoint)).toEqual(cluster.roster.members.map((m) => m.endpoint));
    expect(() => openSignedRoster(signed.encoded, signed.signature, publicKeyOf(secretKey(10)), verifier)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.invalidKey }));
  });

  it('when a roster names one key twice, then encoding and decoding refuse it', () => {
    const twice = { epoch: 1n, members: [cluster.roster.members[0]!, { ...cluster.roster.members[0]!, endpoint: 'x:1' }] };
    expect(() => encodeRoster(twice)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.invalidField }));
  });

  it('when verdict bits are set past the last transaction, then the shape check refuses them', () => {
    const v = new Uint8Array(2);
    setValid(v, 9);
    expect(() => checkVerdictShape(v, 10)).not.toThrow();
    setValid(v, 10);
    expect(() => checkVerdictShape(v, 10)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.invalidField }));
    expect(isValid(v, 10)).toBe(true);
  });

  it('when a signature for one kind of message is presented as another, then it does not verify', () => {
    // A co-signature over (h, v) must not pass as a package signature, nor as a signature over the raw digest.
    const key = cluster.keys[1] as Uint8Array;
    const c = signCoSignature(1, sha256(Uint8Array.of(1)), Uint8Array.of(1), key);
    const pkg = buildPackage(cluster, 1, txs.slice(0, 1));
    const swapped = decodePackage(encodePackage({ ...pkg.decoded, signature: c.signature }));
    expect(checkPackage(swapped, context())).toMatchObject({ outcome: 'dropped', code: PackageDropCode.badLeaderSignature });
    expect(verifier.verify(signDigest(sha256(Uint8Array.of(1)), key), sha256(Uint8Array.of(1)), publicKeyOf(key))).toBe(true);
  });
});

describe('a logic node checking a package (WP 2.1 step 5)', () => {
  it('when all seven are honest, then the valid transactions are trusted without the node verifying, and nobody is blamed', () => {
    const check = accepted(checkPackage(buildPackage(cluster, 2, txs).decoded, context()));
    expect(check.selfVerified).toBe(false);
    expect(check.offenders).toEqual([]);
    expect(executedIndices(check)).toEqual(VALID);
    expect(check.committee).toHaveLength(7);
    expect(check.committee[0]).toBe(2);
  });

  it('when a co-signer flips a verdict, then the node verifies itself, executes exactly the valid ones and names that member', () => {
    const built = buildPackage(cluster, 2, txs, { coSignature: (m, h) => (m === liarOf(cluster, 2, 0) ? signCoSignature(m, h.batchHash, flip(h.verdicts, 3), cluster.keys[m]!) : h) });
    const check = accepted(checkPackage(built.decoded, context()));
    expect(check.selfVerified).toBe(true);
    expect(executedIndices(check)).toEqual(VALID);
    expect(check.offenders).toEqual([{ index: built.committee[0], misconduct: Misconduct.falseVerdict }]);
  });

  it('when RN_k marks a forged transaction valid, then it does not execute and RN_k is named', () => {
    const built = buildPackage(cluster, 5, txs, { leaderVerdicts: (v) => flip(v, 7) });
    const check = accepted(checkPackage(built.decoded, context()));
    expect(executedIndices(check)).toEqual(VALID);
    expect(check.offenders).toEqual([{ index: 5, misconduct: Misconduct.falseVerdict }]);
  });

  it('when a co-signer signs a different batch hash, then that member is named, not RN_k', () => {
    const built = buildPackage(cluster, 2, txs, {
      coSignature: (m, h) => (m === liarOf(cluster, 2, 1) ? signCoSignature(m, sha256(h.batchHash), h.verdicts, cluster.keys[m]!) : h),
    });
    const check = accepted(checkPackage(built.decoded, context()));
    expect(executedIndices(check)).toEqual(VALID);
    expect(check.offenders).toEqual([{ index: built.committee[1], misconduct: Misconduct.signedOtherBatch }]);
  });

  it('when RN_k names a wrong committee, then RN_k is named and the valid transactions still execute', () => {
    const built = buildPackage(cluster, 2, txs, { committee: (c) => [...c.slice(0, 5), outsider(c, 2)] });
    const check = accepted(checkPackage(built.decoded, context()));
    expect(check.selfVerified).toBe(true);
    expect(executedIndices(check)).toEqual(VALID);
    expect(check.offenders).toEqual([{ index: 2, misconduct: Misconduct.wrongCommittee }]);
  });

  it('when RN_k forges a co-signature, then RN_k is named, not the member it impersonated', () => {
    const built = buildPackage(cluster, 2, txs, { coSignature: (m, h) => (m === liarOf(cluster, 2, 2) ? { ...h, signature: signDigest(sha256(h.verdicts), cluster.keys[2]!) } : h) });
    const check = accepted(checkPackage(built.decoded, context()));
    expect(executedIndices(check)).toEqual(VALID);
    expect(check.offenders).toEqual([{ index: 2, misconduct: Misconduct.forgedCoSignature }]);
  });

  it('when a member withholds its verdict, then the node verifies itself and returns the member to challenge, blaming nobody yet', () => {
    const built = buildPackage(cluster, 2, txs, { coSignature: (m, h) => (m === liarOf(cluster, 2, 3) ? null : h) });
    const check = accepted(checkPackage(built.decoded, context()));
    expect(check.selfVerified).toBe(true);
    expect(executedIndices(check)).toEqual(VALID);
    expect(check.offenders).toEqual([]);
    expect(check.absent).toEqual([built.committee[3]]);
  });

  it('when RN_k leaves a member out without saying so, then RN_k is named', () => {
    const built = buildPackage(cluster, 2, txs, { coSignature: (m, h) => (m === liarOf(cluster, 2, 3) ? null : h) });
    const silent = decodePackage(encodePackage(signPackage({ ...built.decoded, absent: [] }, cluster.keys[2]!)));
    const check = accepted(checkPackage(silent, context()));
    expect(check.offenders).toEqual([{ index: 2, misconduct: Misconduct.wrongCommittee }]);
    expect(executedIndices(check)).toEqual(VALID);
  });

  it('when the same package arrives twice, then the second is a DUPLICATE that blames nobody', () => {
    const built = buildPackage(cluster, 2, txs);
    const check = checkPackage(built.decoded, context(cluster, () => ({ packageHash: built.decoded.hash })));
    expect(check).toMatchObject({ outcome: 'dropped', code: PackageDropCode.duplicate, offenders: [] });
  });

  it('when RN_k re-signs an accepted batch in a new package, then it is dropped and RN_k is named', () => {
    const built = buildPackage(cluster, 2, txs);
    const again = decodePackage(encodePackage(signPackage({ ...built.decoded, coSignatures: [...built.decoded.coSignatures].reverse() }, cluster.keys[2]!)));
    const check = checkPackage(again, context(cluster, () => ({ packageHash: built.decoded.hash })));
    expect(check).toMatchObject({ outcome: 'dropped', code: PackageDropCode.replayedBatch, offenders: [{ index: 2, misconduct: Misconduct.replayedBatch }] });
  });

  it('when the package is not signed by RN_k, then it is dropped and nobody is named', () => {
    const built = buildPackage(cluster, 2, txs);
    const forged = decodePackage(encodePackage(signPackage(built.decoded, cluster.keys[3]!)));
    expect(checkPackage(forged, context())).toMatchObject({ outcome: 'dropped', code: PackageDropCode.badLeaderSignature, offenders: [] });
  });

  it('when the epoch is not kept or too small for a committee, then the package is dropped with that code', () => {
    const built = buildPackage(cluster, 2, txs);
    expect(checkPackage(built.decoded, { ...context(), rosterOf: () => undefined })).toMatchObject({ code: PackageDropCode.unknownEpoch });
    const small = { epoch: 1n, members: cluster.roster.members.slice(0, 6) };
    expect(checkPackage(built.decoded, { ...context(), rosterOf: () => small })).toMatchObject({ code: PackageDropCode.rosterTooSmall });
  });

  it('when RN_k has been excluded since, then its package is dropped; when a co-signer has, then the node verifies itself', () => {
    const built = buildPackage(cluster, 2, txs);
    const keyOf = (i: number): Uint8Array => cluster.roster.members[i]!.pubkey;
    expect(checkPackage(built.decoded, { ...context(), isExcluded: (k) => k === keyOf(2) })).toMatchObject({ outcome: 'dropped', code: PackageDropCode.excludedLeader });
    const check = accepted(checkPackage(built.decoded, { ...context(), isExcluded: (k) => k === keyOf(built.committee[0]!) }));
    expect(check.selfVerified).toBe(true);
    expect(check.offenders).toEqual([]);
    expect(executedIndices(check)).toEqual(VALID);
  });

  it('when all seven call undecodable bytes valid, then the node verifies itself and names all seven', () => {
    const junk = [...txs.slice(0, 4), Uint8Array.of(1, 2, 3)];
    const allValid = (v: Uint8Array): Uint8Array => {
      const out = v.slice();
      setValid(out, 4);
      return out;
    };
    const built = buildPackage(cluster, 2, junk, { leaderVerdicts: allValid, coSignature: (m, h) => signCoSignature(m, h.batchHash, allValid(h.verdicts), cluster.keys[m]!) });
    const check = accepted(checkPackage(built.decoded, context()));
    expect(executedIndices(check)).toEqual([0, 1, 2]);
    expect(check.offenders.map((o) => o.index).sort((a, b) => a - b)).toEqual([2, ...built.committee].sort((a, b) => a - b));
  });

  it('when random members lie in random ways, then exactly the valid transactions are executed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 11 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 12, maxLength: 12 }), (leader, behaviour) => {
        const built = buildPackage(cluster, leader, txs, {
          leaderVerdicts: (v) => (behaviour[leader] === 1 ? flip(v, 3) : v),
          coSignature: (m, h) => {
            const b = behaviour[m];
            if (b === 1) return signCoSignature(m, h.batchHash, flip(h.verdicts, 7), cluster.keys[m]!);
            if (b === 2) return null;
            if (b === 3) return signCoSignature(m, sha256(h.batchHash), h.verdicts, cluster.keys[m]!);
            return h;
          },
        });
        expect(executedIndices(checkPackage(built.decoded, context()))).toEqual(VALID);
      }),
      { numRuns: 30 },
    );
  });
});

/** The i-th co-signer the batch of these transactions draws for `leader`. */
function liarOf(c: Cluster, leader: number, i: number): number {
  return buildPackage(c, leader, txs).committee[i] as number;
}

function outsider(committee: number[], leader: number): number {
  for (let i = 0; ; i++) if (i !== leader && !committee.includes(i)) return i;
}
