import { U128_MAX } from '../../../protocol/src/codec/varint.js';
import { ADDRESS_LENGTH } from '../../../protocol/src/params.js';
import { toHex } from '../../../protocol/src/bytes.js';
import { AddressIndex } from '../../../protocol/src/state/addressIndex.js';
import type { Address } from '../../../protocol/src/types.js';
import { LedgerError, LedgerErrorCode } from './errors.js';

export interface GenesisAllocation {
  address: Address;
  balance: bigint;
}

export interface Genesis {
  /** Milliseconds since the Unix epoch. */
  timestamp: bigint;
  allocations: readonly GenesisAllocation[];
}

/**
 * Refuses a genesis the ledger could not keep sound: a malformed or repeated address, a
 * negative balance, or a total supply above u128 — the bound that lets a deposit never overflow.
 */
export function validateGenesis(genesis: Genesis): void {
  // An address index, not a Set of hex strings: a million of those were ~100 MB at the peak of startup.
  const seen = new AddressIndex(genesis.allocations.length);
  let total = 0n;
  for (const a of genesis.allocations) {
    if (a.address.length !== ADDRESS_LENGTH) {
      throw new LedgerError(LedgerErrorCode.invalidGenesis, `genesis address must be ${ADDRESS_LENGTH} bytes`);
    }
    if (seen.find(a.address, 0) >= 0) throw new LedgerError(LedgerErrorCode.invalidGenesis, `genesis allocates ${toHex(a.address)} twice`);
    seen.insert(a.address, 0);
    if (a.balance < 0n) throw new LedgerError(LedgerErrorCode.invalidGenesis, `genesis balance of ${toHex(a.address)} is negative`);
    total += a.balance;
  }
  if (total > U128_MAX) throw new LedgerError(LedgerErrorCode.invalidGenesis, 'genesis total supply exceeds u128');
}
