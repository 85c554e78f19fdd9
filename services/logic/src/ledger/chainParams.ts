/** Chain parameters the ledger applies. Every default says why; changing one on a live chain is a fork. */
export interface ChainParams {
  /**
   * Fee of a plain transfer, in the smallest unit. Transfers carry no gas limit (WP 6.4: "constant
   * for transfers"), so the fee is a constant too.
   */
  transferFee: bigint;
}

export const DEFAULT_CHAIN_PARAMS: Readonly<ChainParams> = {
  transferFee: 1_000n,
};
