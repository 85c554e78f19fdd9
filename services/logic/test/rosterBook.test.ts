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
