import type { SignatureVerifier } from '../signature.js';
import { decodeBatch } from './batch.js';
import { signCoSignature, type CoSignature } from './coSignature.js';
import { judgeTransactions } from './verdicts.js';

/**
 * WP 2.1 step 3, what an honest committee member does with a batch: verify every transaction
 * and sign (batch hash, verdicts). Decoding errors propagate as coded ProtocolErrors.
 */
export function coSignBatch(encodedBatch: Uint8Array, signer: number, secretKey: Uint8Array, verifier: SignatureVerifier): CoSignature {
  const batch = decodeBatch(encodedBatch);
  return signCoSignature(signer, batch.hash, judgeTransactions(batch.transactions, verifier), secretKey);
}
