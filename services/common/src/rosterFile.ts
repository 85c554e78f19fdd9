import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CodedError } from '../../protocol/src/errors.js';
import { fromHex } from '../../protocol/src/bytes.js';
import type { RosterMember } from '../../protocol/src/reception/roster.js';

export class RosterFileError extends CodedError<'ROSTER_FILE_INVALID'> {}

const RosterFileSchema = z.object({
  members: z.array(z.object({ pubkey: z.string().regex(/^0[23][0-9a-fA-F]{64}$/), endpoint: z.string().min(3).max(255) })).max(65_536),
});

/** The first roster epoch's members (a devnet or a fresh cluster): `{ "members": [{ "pubkey": hex, "endpoint": "host:port" }] }`. */
export async function readRosterFile(path: string): Promise<RosterMember[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new RosterFileError('ROSTER_FILE_INVALID', `cannot read roster file ${path} as JSON`, { cause: err });
  }
  const parsed = RosterFileSchema.safeParse(raw);
  if (!parsed.success) throw new RosterFileError('ROSTER_FILE_INVALID', `roster file ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.members.map((m) => ({ pubkey: fromHex(m.pubkey), endpoint: m.endpoint }));
}
