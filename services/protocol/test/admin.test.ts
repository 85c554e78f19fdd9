import fc from 'fast-check';
import { ProtocolError, ProtocolErrorCode } from '../src/errors.js';
import { sha256 } from '../src/hash.js';
import { publicKeyOf, signDigest } from '../src/keys.js';
import {
  MAX_ROSTER_CHANGE_ENTRIES,
  decodeDrainRequest,
  decodeRosterChange,
  drainRequestDigest,
  encodeDrainRequest,
  encodeRosterChange,
  rosterChangeDigest,
  signDrainRequest,
  signRosterChange,
  verifyDrainRequest,
  verifyRosterChange,
  type DrainRequest,
  type RosterChange,
} from '../src/reception/admin.js';
import { encodeRoster, openSignedRoster, signRoster } from '../src/reception/roster.js';
import { SigningDomain, domainDigest } from '../src/reception/signingDomain.js';
import { makeCluster, secretKey, verifier } from './support/receptionFixture.js';

const OPERATOR = secretKey(31337);
const OPERATOR_PUB = publicKeyOf(OPERATOR);
const LEADER_PUB = publicKeyOf(secretKey(424242));
const keys = makeCluster(6).roster.members.map((m) => m.pubkey);

const change: RosterChange = {
  leader: LEADER_PUB,
  expectEpoch: 7n,
  remove: [keys[0]!],
  add: [{ pubkey: keys[1]!, endpoint: '10.0.0.9:7101' }],
};
const drain: DrainRequest = { node: keys[2]!, issuedAtMs: 1_700_000_000_123 };

const pubkeyArb = fc.tuple(fc.constantFrom(0x02, 0x03), fc.uint8Array({ minLength: 32, maxLength: 32 })).map(([p, rest]) => Uint8Array.of(p, ...rest));
const endpointArb = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 });
const changeArb: fc.Arbitrary<RosterChange> = fc
  .record({
    leader: pubkeyArb,
    expectEpoch: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    keys: fc.uniqueArray(pubkeyArb, { minLength: 1, maxLength: 12, selector: (k) => Buffer.from(k).toString('hex') }),
    split: fc.nat(),
    endpoints: fc.array(endpointArb, { minLength: 12, maxLength: 12 }),
  })
  .map(({ leader, expectEpoch, keys: ks, split, endpoints }) => {
    const cut = split % (ks.length + 1);
    return { leader, expectEpoch, remove: ks.slice(0, cut), add: ks.slice(cut).map((pubkey, i) => ({ pubkey, endpoint: endpoints[i]! })) };
  });

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    if (err instanceof ProtocolError) return err.code;
    throw err;
  }
  return undefined;
}

describe('operator admin requests: encodings', () => {
  it('when any valid roster change is encoded, then it decodes to the same change', () => {
    fc.assert(
      fc.property(changeArb, (c) => {
        expect(decodeRosterChange(encodeRosterChange(c))).toEqual(c);
      }),
    );
  });

  it('when any valid drain request is encoded, then it decodes to the same request', () => {
    fc.assert(
      fc.property(pubkeyArb, fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (node, issuedAtMs) => {
        expect(decodeDrainRequest(encodeDrainRequest({ node, issuedAtMs }))).toEqual({ node, issuedAtMs });
      }),
    );
  });

  it('when an encoding is cut short or has bytes appended, then decoding refuses it with a code', () => {
    const c = encodeRosterChange(change);
    const d = encodeDrainRequest(drain);
    expect(code(() => decodeRosterChange(c.subarray(0, c.length - 1)))).toBe(ProtocolErrorCode.truncated);
    expect(code(() => decodeRosterChange(Uint8Array.of(...c, 0)))).toBe(ProtocolErrorCode.trailingBytes);
    expect(code(() => decodeDrainRequest(d.subarray(0, 10)))).toBe(ProtocolErrorCode.truncated);
    expect(code(() => decodeDrainRequest(Uint8Array.of(2, ...d.subarray(1))))).toBe(ProtocolErrorCode.unknownVersion);
  });

  const k = (i: number) => keys[i]!;
  it.each<[string, () => unknown, string]>([
    ['a change names a leader of the wrong length', () => encodeRosterChange({ ...change, leader: new Uint8Array(32) }), ProtocolErrorCode.invalidField],
    ['a change names a key without a compressed prefix', () => encodeRosterChange({ ...change, remove: [Uint8Array.of(0x04, ...k(0).subarray(1))] }), ProtocolErrorCode.invalidKey],
    ['a change expects a negative epoch', () => encodeRosterChange({ ...change, expectEpoch: -1n }), ProtocolErrorCode.integerOutOfRange],
    ['a change expects an epoch over u64', () => encodeRosterChange({ ...change, expectEpoch: 2n ** 64n }), ProtocolErrorCode.integerOutOfRange],
    ['a change names no member at all', () => encodeRosterChange({ ...change, remove: [], add: [] }), ProtocolErrorCode.invalidArgument],
    ['a change removes a key twice', () => encodeRosterChange({ ...change, remove: [k(0), k(0)] }), ProtocolErrorCode.invalidField],
    ['a change adds a key twice', () => encodeRosterChange({ ...change, add: [{ pubkey: k(1), endpoint: 'a:1' }, { pubkey: k(1), endpoint: 'b:1' }] }), ProtocolErrorCode.invalidField],
    ['a change both removes and adds a key', () => encodeRosterChange({ ...change, add: [{ pubkey: k(0), endpoint: 'a:1' }] }), ProtocolErrorCode.invalidArgument],
    ['a change adds an empty endpoint', () => encodeRosterChange({ ...change, add: [{ pubkey: k(1), endpoint: '' }] }), ProtocolErrorCode.invalidField],
    ['a change adds an endpoint over 255 bytes', () => encodeRosterChange({ ...change, add: [{ pubkey: k(1), endpoint: 'é'.repeat(128) }] }), ProtocolErrorCode.oversize],
    ['a change adds an endpoint with a lone surrogate', () => encodeRosterChange({ ...change, add: [{ pubkey: k(1), endpoint: 'a\ud800:1' }] }), ProtocolErrorCode.invalidField],
    [`a change has ${MAX_ROSTER_CHANGE_ENTRIES + 1} removes`, () => encodeRosterChange({ ...change, add: [], remove: Array.from({ length: MAX_ROSTER_CHANGE_ENTRIES + 1 }, () => k(0)) }), ProtocolErrorCode.oversize],
    ['a drain request names a short key', () => encodeDrainRequest({ node: new Uint8Array(5), issuedAtMs: 1 }), ProtocolErrorCode.invalidField],
    ['a drain request is issued at a fraction of a ms', () => encodeDrainRequest({ ...drain, issuedAtMs: 1.5 }), ProtocolErrorCode.integerOutOfRange],
    ['a drain request is issued before 1970', () => encodeDrainRequest({ ...drain, issuedAtMs: -1 }), ProtocolErrorCode.integerOutOfRange],
  ])('when %s, then it is refused with a typed code', (_name, run, expected) => {
    expect(code(run)).toBe(expected);
  });

  it('when a change removes and adds the maximum number of members, then it encodes and decodes', () => {
    const many = Array.from({ length: 2 * MAX_ROSTER_CHANGE_ENTRIES }, (_, i) => Uint8Array.of(0x02, ...new Uint8Array(28), (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255));
    const big: RosterChange = {
      leader: LEADER_PUB,
      expectEpoch: 1n,
      remove: many.slice(0, MAX_ROSTER_CHANGE_ENTRIES),
      add: many.slice(MAX_ROSTER_CHANGE_ENTRIES).map((pubkey) => ({ pubkey, endpoint: 'x'.repeat(255) })),
    };
    expect(decodeRosterChange(encodeRosterChange(big))).toEqual(big);
  });
});

describe('operator admin requests: signatures', () => {
  it('when the operator signs a roster change, then it verifies under the operator key and under no other', () => {
    const sig = signRosterChange(change, OPERATOR);
    expect(verifyRosterChange(change, sig, OPERATOR_PUB, verifier)).toBe(true);
    expect(verifyRosterChange(change, sig, LEADER_PUB, verifier)).toBe(false);
    expect(verifyRosterChange(change, signRosterChange(change, secretKey(1)), OPERATOR_PUB, verifier)).toBe(false);
  });

  it('when the operator signs a drain request, then it verifies under the operator key and under no other', () => {
    const sig = signDrainRequest(drain, OPERATOR);
    expect(verifyDrainRequest(drain, sig, OPERATOR_PUB, verifier)).toBe(true);
    expect(verifyDrainRequest(drain, signDrainRequest(drain, secretKey(1)), OPERATOR_PUB, verifier)).toBe(false);
  });

  it.each<[string, RosterChange]>([
    ['the leader', { ...change, leader: keys[3]! }],
    ['the expected epoch', { ...change, expectEpoch: 8n }],
    ['a removed key', { ...change, remove: [keys[3]!] }],
    ['one more removed key', { ...change, remove: [keys[0]!, keys[3]!] }],
    ['an added key', { ...change, add: [{ pubkey: keys[3]!, endpoint: '10.0.0.9:7101' }] }],
    ['an added endpoint', { ...change, add: [{ pubkey: keys[1]!, endpoint: '10.0.0.9:7102' }] }],
    ['no add', { ...change, add: [] }],
  ])('when %s of a signed roster change is altered, then the signature no longer verifies', (_name, tampered) => {
    const sig = signRosterChange(change, OPERATOR);
    expect(verifyRosterChange(tampered, sig, OPERATOR_PUB, verifier)).toBe(false);
  });

  it.each<[string, DrainRequest]>([
    ['the node', { ...drain, node: keys[3]! }],
    ['the time', { ...drain, issuedAtMs: drain.issuedAtMs + 1 }],
  ])('when %s of a signed drain request is altered, then the signature no longer verifies', (_name, tampered) => {
    expect(verifyDrainRequest(tampered, signDrainRequest(drain, OPERATOR), OPERATOR_PUB, verifier)).toBe(false);
  });

  it('when a signature is not 64 bytes, then it does not verify (and nothing throws)', () => {
    const sig = signDrainRequest(drain, OPERATOR);
    expect(verifyDrainRequest(drain, sig.subarray(0, 63), OPERATOR_PUB, verifier)).toBe(false);
    expect(verifyRosterChange(change, new Uint8Array(0), OPERATOR_PUB, verifier)).toBe(false);
  });

  it('when the same bytes are signed under one kind, then the signature is worthless as the other kind or as a roster', () => {
    // Each kind's tag goes into the digest: the same bytes give three different digests.
    const bytes = encodeDrainRequest(drain);
    const digests = [SigningDomain.drainRequest, SigningDomain.rosterChange, SigningDomain.roster].map((d) => Buffer.from(domainDigest(d, bytes)).toString('hex'));
    expect(new Set(digests).size).toBe(3);
    const drainSig = signDrainRequest(drain, OPERATOR);
    expect(verifier.verify(drainSig, domainDigest(SigningDomain.rosterChange, bytes), OPERATOR_PUB)).toBe(false);
    expect(verifier.verify(drainSig, domainDigest(SigningDomain.roster, bytes), OPERATOR_PUB)).toBe(false);
    expect(verifier.verify(drainSig, drainRequestDigest(drain), OPERATOR_PUB)).toBe(true);

    const changeBytes = encodeRosterChange(change);
    const changeSig = signRosterChange(change, OPERATOR);
    expect(verifier.verify(changeSig, domainDigest(SigningDomain.drainRequest, changeBytes), OPERATOR_PUB)).toBe(false);
    expect(() => openSignedRoster(changeBytes, changeSig, OPERATOR_PUB, verifier)).toThrow(expect.objectContaining({ code: ProtocolErrorCode.invalidKey }));
  });

  it('when a key signs a roster (its roster domain), then that signature is not a roster change or a drain by that key', () => {
    const roster = { epoch: 7n, members: [{ pubkey: keys[1]!, endpoint: '10.0.0.9:7101' }] };
    const signed = signRoster(roster, OPERATOR);
    expect(verifier.verify(signed.signature, domainDigest(SigningDomain.rosterChange, encodeRoster(roster)), OPERATOR_PUB)).toBe(false);
    expect(verifyRosterChange(change, signed.signature, OPERATOR_PUB, verifier)).toBe(false);
    expect(verifyDrainRequest(drain, signed.signature, OPERATOR_PUB, verifier)).toBe(false);
    // A signature over the untagged digest (as a transaction id is signed) is no request either.
    expect(verifyRosterChange(change, signDigest(sha256(encodeRosterChange(change)), OPERATOR), OPERATOR_PUB, verifier)).toBe(false);
    expect(verifier.verify(signRosterChange(change, OPERATOR), rosterChangeDigest(change), OPERATOR_PUB)).toBe(true);
  });

  it('when a roster change is malformed, then verifying throws a coded error rather than answering false', () => {
    const sig = signRosterChange(change, OPERATOR);
    expect(code(() => verifyRosterChange({ ...change, remove: [], add: [] }, sig, OPERATOR_PUB, verifier))).toBe(ProtocolErrorCode.invalidArgument);
    expect(code(() => verifyDrainRequest({ ...drain, issuedAtMs: Number.NaN }, sig, OPERATOR_PUB, verifier))).toBe(ProtocolErrorCode.integerOutOfRange);
  });
});
