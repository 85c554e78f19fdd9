/**
 * The fee a transaction pays, as the buffer ranks it: a plain transfer pays the chain's constant
 * transfer fee (1000, the logic ledger's `transferFee`); a transaction asking for more gas offers
 * more. So fee = max(TRANSFER_FEE, gasLimit): what the mempool evicts lowest first.
 */
export const TRANSFER_FEE = 1_000n;

export function feeOf(gasLimit: bigint): bigint {
  return gasLimit > TRANSFER_FEE ? gasLimit : TRANSFER_FEE;
}
