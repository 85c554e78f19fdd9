import { decodeTransaction, decodeTransactions, MAX_TRANSACTION_BYTES, type DecodedTransaction } from '../../../protocol/src/codec/transaction.js';
import { ProtocolError } from '../../../protocol/src/errors.js';
import { ReceptionError, ReceptionErrorCode } from '../errors.js';

/**
 * WP 2.1 step 1, "RN_i checks its form": a size cap before any parsing (a flood of huge messages
 * costs a length comparison), then one canonical decoding. The signature is not checked here:
 * that is RN_k's work, done once.
 */
export function checkForm(bytes: Uint8Array): DecodedTransaction {
  if (bytes.length > MAX_TRANSACTION_BYTES) {
    throw new ReceptionError(ReceptionErrorCode.oversize, `transaction is ${bytes.length} bytes, over ${MAX_TRANSACTION_BYTES}`);
  }
  try {
    return decodeTransaction(bytes);
  } catch (err) {
    if (err instanceof ProtocolError) throw new ReceptionError(ReceptionErrorCode.malformed, `transaction: ${err.message}`, { cause: err, meta: { protocolCode: err.code } });
    throw err;
  }
}

/**
 * checkForm of each of many transactions: the decoded one, or the ReceptionError checkForm
 * would throw. When all are well formed (a client's batch, nearly always) they are decoded in one
 * pass with their ids hashed in one native call; otherwise each is checked alone, so the errors
 * are exactly checkForm's.
 */
export function checkForms(txs: readonly Uint8Array[]): (DecodedTransaction | ReceptionError)[] {
  if (txs.every((bytes) => bytes.length <= MAX_TRANSACTION_BYTES)) {
    try {
      return decodeTransactions(txs);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
    }
  }
  return txs.map((bytes) => {
    try {
      return checkForm(bytes);
    } catch (err) {
      if (err instanceof ReceptionError) return err;
      throw err;
    }
  });
}
