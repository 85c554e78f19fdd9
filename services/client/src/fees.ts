import { DEFAULT_CHAIN_PARAMS } from '../../logic/src/ledger/chainParams.js';

/** The fee of a plain transfer (constant: WP 6.4), from the chain parameters the ledger applies. */
export const TRANSFER_FEE: bigint = DEFAULT_CHAIN_PARAMS.transferFee;
