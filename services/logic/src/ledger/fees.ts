/**
 * Splits a fee among recipients: equal shares, the remainder to the first (WP 5: a
 * transaction's fee goes to the reception nodes that verified it). Adds into `into`.
 */
export function splitFee(fee: bigint, recipients: readonly string[], into: Map<string, bigint>): void {
  const n = BigInt(recipients.length);
  const share = fee / n;
  const remainder = fee - share * n;
  for (let i = 0; i < recipients.length; i++) {
    const r = recipients[i] as string;
    into.set(r, (into.get(r) ?? 0n) + share + (i === 0 ? remainder : 0n));
  }
}
