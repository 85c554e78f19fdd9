import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CodedError } from '../../protocol/src/errors.js';
import { fromHex, toHex } from '../../protocol/src/bytes.js';
import { parseAddress } from '../../protocol/src/address.js';
import type { Address } from '../../protocol/src/types.js';

export const GenesisFileErrorCode = { invalid: 'GENESIS_INVALID' } as const;
export class GenesisFileError extends CodedError<(typeof GenesisFileErrorCode)[keyof typeof GenesisFileErrorCode]> {}

const decimal = z.string().regex(/^(0|[1-9][0-9]*)$/, 'a non-negative decimal integer');
const hexAddress = z.string().regex(/^(0x)?[0-9a-fA-F]{40}$/, 'a 20-byte hex address');

/** The genesis file of a chain space: one schema is both the validation and the type. */
export const GenesisFileSchema = z.object({
  chainId: z.string().min(1).max(64),
  timestampMs: decimal,
  /** The cluster leader's public key (hex, 33 bytes): it signs roster epochs. */
  leaderPubkey: z.string().regex(/^[0-9a-fA-F]{66}$/),
  allocations: z.array(z.object({ address: hexAddress, balance: decimal })).max(10_000_000),
});
export type GenesisFile = z.infer<typeof GenesisFileSchema>;

export interface ParsedGenesis {
  chainId: string;
  leaderPubkey: Uint8Array;
  timestamp: bigint;
  allocations: { address: Address; balance: bigint }[];
}

export async function readGenesisFile(path: string): Promise<ParsedGenesis> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new GenesisFileError(GenesisFileErrorCode.invalid, `cannot read genesis file ${path} as JSON`, { cause: err });
  }
  const parsed = GenesisFileSchema.safeParse(raw);
  if (!parsed.success) throw new GenesisFileError(GenesisFileErrorCode.invalid, `genesis file ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const g = parsed.data;
  return {
    chainId: g.chainId,
    leaderPubkey: fromHex(g.leaderPubkey),
    timestamp: BigInt(g.timestampMs),
    allocations: g.allocations.map((a) => ({ address: parseAddress(a.address), balance: BigInt(a.balance) })),
  };
}

export function genesisFileOf(g: ParsedGenesis): GenesisFile {
  return {
    chainId: g.chainId,
    timestampMs: g.timestamp.toString(),
    leaderPubkey: toHex(g.leaderPubkey),
    allocations: g.allocations.map((a) => ({ address: toHex(a.address), balance: a.balance.toString() })),
  };
}
