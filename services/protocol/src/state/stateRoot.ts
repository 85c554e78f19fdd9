import { ProtocolError, ProtocolErrorCode } from '../errors.js';
import { merkleRoot } from '../merkle.js';
import { BST_COUNT } from '../params.js';
import type { Hash } from '../types.js';

/** state_root: the Merkle root over the 1024 basic-subtree roots, in subtree order (DESIGN §3). */
export function stateRootOf(bstRoots: readonly Hash[]): Hash {
  if (bstRoots.length !== BST_COUNT) {
    throw new ProtocolError(ProtocolErrorCode.invalidArgument, `state root needs ${BST_COUNT} subtree roots, got ${bstRoots.length}`);
  }
  return merkleRoot(bstRoots);
}
