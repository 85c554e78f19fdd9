import { randomInt } from 'node:crypto';
import { MAX_TRANSFER_AMOUNT } from './options.js';
import type { BenchAccount, SignedTransfer, TransferSigner } from './signer.js';

/**
 * The load's transfers, in one fixed order: senders round-robin, each with its next nonce, to a
 * random other account, of a random small amount. `presign` signs some ahead, before the measured
 * window opens: a load generator's own signing is not the chain's work, yet on a machine it
 * shares with the devnet it took a third of the bench's CPU during the run. Transfers past the
 * stock are signed when taken. Either way `take` hands them out in the same order, so a stock
 * that is not used up leaves only unsent tails of nonces, which the chain never sees.
 */
export class TransferSource {
  private readonly nonces: bigint[];
  private readonly stock: (SignedTransfer | undefined)[] = [];
  private sender = 0;
  private taken = 0;

  constructor(
    private readonly signer: TransferSigner,
    private readonly accounts: readonly BenchAccount[],
  ) {
    this.nonces = new Array<bigint>(accounts.length).fill(0n);
  }

  presign(count: number): void {
    for (let i = 0; i < count; i++) this.stock.push(this.make());
  }

  take(): SignedTransfer {
    if (this.taken < this.stock.length) {
      const t = this.stock[this.taken] as SignedTransfer;
      this.stock[this.taken++] = undefined; // sent transfers are the driver's to keep, not ours
      return t;
    }
    return this.make();
  }

  private make(): SignedTransfer {
    const n = this.accounts.length;
    const from = this.sender;
    this.sender = (this.sender + 1) % n;
    let to = randomInt(n - 1);
    if (to >= from) to++;
    const amount = BigInt(1 + randomInt(Number(MAX_TRANSFER_AMOUNT)));
    const { tx, encoded, id } = this.signer.sign(this.accounts[from] as BenchAccount, (this.accounts[to] as BenchAccount).address, amount, this.nonces[from] as bigint);
    this.nonces[from] = (this.nonces[from] as bigint) + 1n;
    return { encoded, id, signature: tx.signature, from, to, amount };
  }
}
