import { CodedError } from '../../../protocol/src/errors.js';

export const LedgerErrorCode = {
  invalidConfig: 'INVALID_CONFIG',
  /** An operation reached a worker that does not hold the subtree: the directory is stale. */
  subtreeNotHeld: 'SUBTREE_NOT_HELD',
  /** Genesis allocations are malformed or their total does not fit u128. */
  invalidGenesis: 'INVALID_GENESIS',
  /** The stored state does not hash to the committed state root: the database is damaged. */
  stateRootMismatch: 'STATE_ROOT_MISMATCH',
  /** A block was offered at a height that does not follow the head. */
  wrongHeight: 'WRONG_HEIGHT',
  /** Stored data is missing or unreadable. */
  corruptStore: 'CORRUPT_STORE',
} as const;
export type LedgerErrorCode = (typeof LedgerErrorCode)[keyof typeof LedgerErrorCode];

export class LedgerError extends CodedError<LedgerErrorCode> {}
