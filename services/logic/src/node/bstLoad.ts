import { ADDRESS_LENGTH, BST_COUNT } from '../../../protocol/src/params.js';
import { bstIndexAt, type AccountRows } from '../../../protocol/src/state/worldState.js';

/**
 * Accounts one block changed in each basic subtree, one observation per subtree (WP 6.3: the
 * 1024 BSTs share the load, and a skew shows as a long tail). One pass over the changed rows.
 */
export function observeBstLoad(histogram: { observe(v: number): void }, changed: AccountRows): void {
  const perBst = new Uint32Array(BST_COUNT);
  const addresses = changed.table.addresses;
  for (const row of changed.rows) {
    const bst = bstIndexAt(addresses, row * ADDRESS_LENGTH);
    perBst[bst] = (perBst[bst] as number) + 1;
  }
  for (const n of perBst) histogram.observe(n);
}
