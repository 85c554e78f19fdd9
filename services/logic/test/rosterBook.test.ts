import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromHex } from '../../protocol/src/bytes.js';
import { generatePrivateKey } from '../../protocol/src/keys.js';
import { Misconduct } from '../../protocol/src/reception/exclusion.js';
import { decodeRoster } from '../../protocol/src/reception/roster.js';
import { RosterBook } from '../src/node/rosterBook.js';
import { fakePubkey } from './fixtures.js';

const members = Array.from({ length: 8 }, (_, i) => ({ pubkey: fakePubkey(100 + i), endpoint: `127.0.0.1:${7200 + i}` }));

describe('the roster book', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'cc-roster-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('when several exclusions are published at once, then none fails and the file holds the newest epoch and every exclusion', async () => {
    const file = join(dir, 'roster.json');
    const key = generatePrivateKey();
    const book = await RosterBook.open(file, key, members);
    // Unawaited, as concurrent challenges call it: each save must wait for the one before.
    await Promise.all([1, 2, 3, 4].map((i) => book.exclude([{ index: i, pubkey: members[i]!.pubkey, misconduct: Misconduct.withheldVerdict }])));
    expect(book.current.roster.epoch).toBe(5n);

    const saved = JSON.parse(await readFile(file, 'utf8')) as { roster: string; excluded: string[] };
    expect(decodeRoster(fromHex(saved.roster)).epoch).toBe(5n);
    expect(saved.excluded).toHaveLength(4);
    const reopened = await RosterBook.open(file, key, members);
    expect(reopened.current.roster.members.map((m) => m.endpoint)).toEqual([0, 5, 6, 7].map((i) => `127.0.0.1:${7200 + i}`));
    for (const i of [1, 2, 3, 4]) expect(reopened.isExcluded(members[i]!.pubkey)).toBe(true);
  });
});

describe('the roster book: operator roster changes (replace)', () => {
  let dir: string;
  let file: string;
  const key = generatePrivateKey();
  const endpoints = (b: RosterBook) => b.current.roster.members.map((m) => m.endpoint);
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cc-roster-'));
    file = join(dir, 'roster.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('when a member is swapped for a successor, then ONE epoch drops it and appends the successor, persisted, and watchers see it', async () => {
    const book = await RosterBook.open(file, key, members.slice(0, 4));
    const seen: bigint[] = [];
    book.watch((r) => seen.push(r.roster.epoch));
    const successor = { pubkey: fakePubkey(999), endpoint: '127.0.0.1:7999' };
    const { roster, changed } = await book.replace([members[1]!.pubkey], [successor]);
    expect(changed).toBe(true);
    expect(roster.roster.epoch).toBe(2n);
    expect(endpoints(book)).toEqual(['127.0.0.1:7200', '127.0.0.1:7202', '127.0.0.1:7203', '127.0.0.1:7999']);
    expect(seen).toEqual([2n]);
    // A graceful leave, not an exclusion: the old member may come back later.
    expect(book.isExcluded(members[1]!.pubkey)).toBe(false);
    const reopened = await RosterBook.open(file, key, []);
    expect(reopened.current.roster.epoch).toBe(2n);
    expect(endpoints(reopened)).toEqual(endpoints(book));
    expect((await reopened.replace([], [members[1]!])).roster.roster.epoch).toBe(3n);
  });

  it('when several members leave and join at once, then exactly one epoch is published with the adds in their order', async () => {
    const book = await RosterBook.open(file, key, members.slice(0, 4));
    const { roster } = await book.replace([members[0]!.pubkey, members[3]!.pubkey], [members[6]!, members[5]!]);
    expect(roster.roster.epoch).toBe(2n);
    expect(endpoints(book)).toEqual(['127.0.0.1:7201', '127.0.0.1:7202', '127.0.0.1:7206', '127.0.0.1:7205']);
  });

  it.each([
    ['removes only absent keys', () => [[members[7]!.pubkey], []] as const],
    ['adds only present members', () => [[], [members[0]!, members[2]!]] as const],
    ['removes absent keys and adds present members', () => [[members[6]!.pubkey], [members[1]!]] as const],
  ])('when a change %s, then nothing is published and the current epoch is answered, whatever epoch it expected', async (_name, args) => {
    const book = await RosterBook.open(file, key, members.slice(0, 4));
    const seen: bigint[] = [];
    book.watch((r) => seen.push(r.roster.epoch));
    const [remove, add] = args();
    expect(await book.replace(remove, add, 99n)).toEqual({ roster: book.current, changed: false });
    expect(book.current.roster.epoch).toBe(1n);
    expect(seen).toEqual([]);
  });

  it('when a change adds an excluded key, then the whole change is refused EXCLUDED_MEMBER and nothing is published', async () => {
    const book = await RosterBook.open(file, key, members.slice(0, 8));
    await book.exclude([{ index: 2, pubkey: members[2]!.pubkey, misconduct: Misconduct.falseVerdict }]);
    await expect(book.replace([members[0]!.pubkey], [members[2]!])).rejects.toMatchObject({ code: 'EXCLUDED_MEMBER' });
    expect(book.current.roster.epoch).toBe(2n);
    expect(book.current.roster.members).toHaveLength(7);
  });

  it('when the expected epoch is not current, then the change is refused EPOCH_MISMATCH with the current epoch; of two racing changes one wins', async () => {
    const book = await RosterBook.open(file, key, members.slice(0, 4));
    await expect(book.replace([members[0]!.pubkey], [], 5n)).rejects.toMatchObject({ code: 'EPOCH_MISMATCH', meta: { currentEpoch: 1n } });
    const results = await Promise.allSettled([book.replace([members[0]!.pubkey], [], 1n), book.replace([members[1]!.pubkey], [], 1n)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'EPOCH_MISMATCH', meta: { currentEpoch: 2n } });
    expect(book.current.roster.epoch).toBe(2n);
    expect(endpoints(book)).toEqual(['127.0.0.1:7201', '127.0.0.1:7202', '127.0.0.1:7203']);
  });

  it('when a cluster starts with an empty roster, then epoch 1 has no member and RNs are added one change at a time; the last may leave again', async () => {
    const book = await RosterBook.open(file, key, []);
    expect(book.current.roster).toEqual({ epoch: 1n, members: [] });
    for (let i = 0; i < 3; i++) await book.replace([], [members[i]!], BigInt(i + 1));
    expect(book.current.roster.epoch).toBe(4n);
    expect(endpoints(book)).toEqual(['127.0.0.1:7200', '127.0.0.1:7201', '127.0.0.1:7202']);
    await book.replace(members.slice(0, 3).map((m) => m.pubkey), [], 4n);
    expect(book.current.roster).toMatchObject({ epoch: 5n, members: [] });
    expect((await RosterBook.open(file, key, members)).current.roster).toMatchObject({ epoch: 5n, members: [] });
  });
});
