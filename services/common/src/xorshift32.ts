/**
 * Marsaglia's xorshift32: a deterministic stream of uint32s for synthetic workloads (benchmarks,
 * the synthetic chain). Not for anything an attacker may predict: keys and nonces come from
 * node:crypto. A seed of 0 (which would stay 0 forever) is taken as 1.
 */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}
