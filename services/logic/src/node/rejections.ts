import { bytesToKey } from '../../../protocol/src/bytes.js';

export interface Rejection {
  code: string;
  message: string;
}

/**
 * Transactions the node refused after accepting them from a reception node, so a client asking
 * about one gets a reason it can act on rather than "unknown". Bounded and oldest-first: under a
 * flood of bad transactions memory stays flat and the oldest reasons are forgotten first.
 */
export class RecentRejections {
  private readonly byId = new Map<string, Rejection>();

  constructor(private readonly capacity: number) {}

  record(id: Uint8Array, rejection: Rejection): void {
    const key = bytesToKey(id);
    this.byId.delete(key);
    this.byId.set(key, rejection);
    if (this.byId.size > this.capacity) this.byId.delete(this.byId.keys().next().value as string);
  }

  get(id: Uint8Array): Rejection | undefined {
    return this.byId.get(bytesToKey(id));
  }
}
