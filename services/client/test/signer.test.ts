import { encodeTransaction } from '../../protocol/src/codec/transaction.js';
import { publicKeyOf, signTransaction } from '../../protocol/src/keys.js';
import { addressOf } from '../../protocol/src/address.js';
import { TransferSigner } from '../src/bench/signer.js';

describe('the load generator signer', () => {
  it('when it signs a transfer with libsecp256k1, then the bytes equal what keys.ts signTransaction makes', () => {
    const signer = new TransferSigner();
    for (let i = 0; i < 200; i++) {
      const from = signer.newAccount();
      expect(from.publicKey).toEqual(publicKeyOf(from.secretKey));
      expect(from.address).toEqual(addressOf(from.publicKey));
      const to = signer.newAccount().address;
      const amount = BigInt(i) * 12_345_678_901n + 1n;
      const nonce = BigInt(i * 7);
      const fast = signer.sign(from, to, amount, nonce);
      const reference = signTransaction({ nonce, to, amount, gasLimit: 0n, code: new Uint8Array(0), data: new Uint8Array(0), pubkey: from.publicKey }, from.secretKey);
      expect(Buffer.from(fast.encoded).toString('hex')).toBe(Buffer.from(encodeTransaction(reference)).toString('hex'));
    }
  });
});
