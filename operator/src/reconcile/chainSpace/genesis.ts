import { GenesisFileSchema } from '../../../../services/common/src/genesisFile.js';
import type { ChainSpaceSpec } from '../../api/v1alpha1/index.js';
import { MAX_CONFIG_MAP_BYTES, encodeChainGenesis, type ChainGenesis } from '../../resources/chainSpaceObjects.js';

export interface GenesisProblem {
  reason: 'GenesisSourceNotFound' | 'InvalidGenesis';
  message: string;
}

/**
 * A `genesisFrom` ConfigMap key holds a genesis file (services/common genesisFile.ts); its
 * `leaderPubkey` may be left out, since each cluster sets its own, and is checked but not used
 * when present.
 */
const sourceSchema = GenesisFileSchema.partial({ leaderPubkey: true });

/**
 * The genesis of a chain space (pure). From the spec alone: its chainId and allocations, and its
 * `timestampMs`, or else the ChainSpace's creation time, so the genesis never changes from one
 * reconcile to the next. With `genesisFrom`, the ConfigMap's genesis adds its allocations to the
 * spec's ("for more allocations"); its chainId must be the spec's, and a timestamp set in both
 * places must agree. `source` is that ConfigMap key's text, null when the ConfigMap or the key is
 * missing, undefined without `genesisFrom`. Addresses come out lowercase without 0x, as the
 * devnet writes them, and an address allocated twice is refused: which balance would it get?
 */
export function composeGenesis(spec: ChainSpaceSpec, creationTimestampMs: number | null, source: string | null | undefined): { genesis: ChainGenesis } | { problem: GenesisProblem } {
  const from = spec.genesis.genesisFrom;
  let file: { chainId: string; timestampMs: string; allocations: { address: string; balance: string }[] } | undefined;
  if (from !== undefined) {
    const where = `ConfigMap ${from.configMapName} key ${from.key}`;
    if (source === null || source === undefined) return { problem: { reason: 'GenesisSourceNotFound', message: `${where} does not exist` } };
    let raw: unknown;
    try {
      raw = JSON.parse(source);
    } catch {
      return { problem: { reason: 'InvalidGenesis', message: `${where} is not JSON` } };
    }
    const parsed = sourceSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`);
      return { problem: { reason: 'InvalidGenesis', message: `${where} is not a genesis file: ${issues.join('; ')}` } };
    }
    file = parsed.data;
    if (file.chainId !== spec.chainId) return { problem: { reason: 'InvalidGenesis', message: `${where} is for chain ${file.chainId}, the ChainSpace for ${spec.chainId}` } };
    if (spec.genesis.timestampMs !== undefined && String(spec.genesis.timestampMs) !== file.timestampMs) {
      return { problem: { reason: 'InvalidGenesis', message: `${where} has timestampMs ${file.timestampMs}, the ChainSpace ${spec.genesis.timestampMs}` } };
    }
  }

  const timestampMs = spec.genesis.timestampMs ?? file?.timestampMs ?? creationTimestampMs;
  if (timestampMs === null) return { problem: { reason: 'InvalidGenesis', message: 'no genesis.timestampMs and no creation time to take it from' } };

  const allocations: { address: string; balance: string }[] = [];
  const seen = new Set<string>();
  for (const a of [...spec.genesis.allocations, ...(file?.allocations ?? [])]) {
    const address = a.address.replace(/^0x/, '').toLowerCase();
    if (seen.has(address)) return { problem: { reason: 'InvalidGenesis', message: `address ${address} is allocated more than once` } };
    seen.add(address);
    allocations.push({ address, balance: a.balance });
  }

  const genesis: ChainGenesis = { chainId: spec.chainId, timestampMs: String(timestampMs), allocations };
  const bytes = Buffer.byteLength(encodeChainGenesis(genesis), 'utf8');
  if (bytes > MAX_CONFIG_MAP_BYTES) return { problem: { reason: 'InvalidGenesis', message: `the genesis is ${bytes} bytes, more than a ConfigMap holds (${MAX_CONFIG_MAP_BYTES})` } };
  return { genesis };
}
