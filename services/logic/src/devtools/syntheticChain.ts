import { xorshift32 } from '../../../common/src/xorshift32.js';
import { sha256 } from '../../../protocol/src/hash.js';
import { transactionId } from '../../../protocol/src/codec/transaction.js';
import type { Transaction } from '../../../protocol/src/types.js';
import type { WorldState } from '../../../protocol/src/state/worldState.js';
import { senderKey } from '../ledger/dispatcher.js';
import type { Genesis } from '../ledger/genesis.js';
import type { BlockContext } from '../ledger/ledgerEngine.js';
import type { TrustedTransaction } from '../ledger/trustedTransaction.js';

/**
 * A deterministic chain for soak and crash tests: the same (seed, accounts) always gives the
 * same genesis, and block h's transfers depend only on the seed, h and the state before it —
 * so a checker can replay exactly the blocks a crashed process committed. Keys are 33-byte
 * values with a compressed prefix (the trusted path checks no signature).
 */
export interface SyntheticChain {
  pubkeys: Uint8Array[];
  genesis: Genesis;
  blockContext(height: bigint): BlockContext;
  transfers(state: WorldState, height: bigint, count: number): TrustedTransaction[];
}

export function syntheticChain(seed: number, accounts: number): SyntheticChain {
  const pubkeys = Array.from({ length: accounts }, (_, i) => {
    const pk = new Uint8Array(33);
    pk[0] = 0x02;
    pk.set(sha256(new TextEncoder().encode(`clusterchain synthetic ${seed} ${i}`)), 1);
    return pk;
  });
  const producer = senderKey(pubkeys[0] as Uint8Array);
  return {
    pubkeys,
    genesis: { timestamp: 1_700_000_000_000n, allocations: pubkeys.map((pk) => ({ address: pk.slice(13), balance: 1_000_000_000n })) },
    blockContext: (height) => ({ timestamp: 1_700_000_000_000n + height * 1000n, feeRecipients: [producer] }),
    transfers(state, height, count) {
      const next = xorshift32(seed ^ Number(height * 2654435761n % 4294967296n));
      const pending = new Map<number, bigint>();
      const out: TrustedTransaction[] = [];
      for (let i = 0; i < count; i++) {
        const from = next() % accounts;
        const to = next() % accounts;
        const pk = pubkeys[from] as Uint8Array;
        const nonce = pending.get(from) ?? state.get(senderKey(pk))?.nonce ?? 0n;
        pending.set(from, nonce + 1n);
        const tx: Transaction = {
          nonce,
          to: (pubkeys[to] as Uint8Array).subarray(13),
          amount: BigInt(1 + (next() % 5000)),
          gasLimit: 0n,
          code: new Uint8Array(0),
          data: new Uint8Array(0),
          pubkey: pk,
          signature: new Uint8Array(64),
        };
        out.push({ tx, id: transactionId(tx) });
      }
      return out;
    },
  };
}
