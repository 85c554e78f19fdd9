import { routeOf } from '../../protocol/src/reception/committee.js';
import { DEFAULT_COMMITTEE_SIZE } from '../../protocol/src/reception/params.js';
import {
  createLogicClient,
  createReceptionClient,
  unary,
  type Account,
  type Block,
  type LogicClient,
  type Roster,
  type Status,
  type TransactionStatus,
} from '../../rpc/src/index.js';
import { TransactionStatus_State } from '../../rpc/src/index.js';
import { ClientErrorCode, nodeCallError, submitError } from './errors.js';

/** How a transaction reached the chain. */
export type SubmitRoute =
  | { kind: 'reception'; index: number; endpoint: string; routed: boolean }
  | { kind: 'logic'; endpoint: string; reason: string };

/** Deadline of the CLI's calls: a person waits, so shorter than the library's 10 s. */
export const CALL_DEADLINE_MS = 5_000;
/** Reception nodes tried after RN_k before falling back to the logic node. */
const OTHER_RNS_TRIED = 2;

/**
 * The CLI's view of a chain space: its logic node, every call turned into a ClientError that
 * names the endpoint (nodeCallError), and the submission path of WP 2.1.
 */
export class ChainConnection {
  readonly logic: LogicClient;

  constructor(readonly endpoint: string) {
    this.logic = createLogicClient(endpoint);
  }

  close(): void {
    this.logic.close();
  }

  private async call<T>(what: string, p: () => Promise<T>): Promise<T> {
    try {
      return await p();
    } catch (err) {
      throw nodeCallError(err, this.endpoint, what);
    }
  }

  status(): Promise<Status> {
    return this.call('reading the status', () => unary(this.logic, 'getStatus', {}, CALL_DEADLINE_MS));
  }

  account(address: Uint8Array): Promise<Account> {
    return this.call('reading the account', () => unary(this.logic, 'getAccount', { address: Buffer.from(address) }, CALL_DEADLINE_MS));
  }

  transaction(id: Uint8Array): Promise<TransactionStatus> {
    return this.call('reading the transaction', () => unary(this.logic, 'getTransaction', { id: Buffer.from(id) }, CALL_DEADLINE_MS));
  }

  block(ref: bigint | 'latest'): Promise<Block> {
    const which = ref === 'latest' ? { $case: 'latest' as const, latest: true } : { $case: 'height' as const, height: ref };
    return this.call('reading the block', () => unary(this.logic, 'getBlock', { which }, CALL_DEADLINE_MS));
  }

  roster(): Promise<Roster> {
    return this.call('reading the roster', () => unary(this.logic, 'getRoster', {}, CALL_DEADLINE_MS));
  }

  /**
   * WP 2.1 step 1 from the client's side: send to RN_k = routeOf(signature) of the current roster,
   * so no RN has to forward it; if RN_k does not answer, to two other RNs (they forward); if none
   * answers, or the roster is too small for a committee, to the logic node directly (the sparse
   * path). A node that answers with a refusal is not retried elsewhere: that is the verdict.
   */
  async submit(encoded: Uint8Array, signature: Uint8Array): Promise<{ id: Buffer; route: SubmitRoute }> {
    const roster = await this.roster();
    const size = roster.members.length;
    let reason = `the roster has ${size} reception nodes, fewer than a committee of ${DEFAULT_COMMITTEE_SIZE}`;
    if (size >= DEFAULT_COMMITTEE_SIZE) {
      const k = routeOf(signature, size);
      const order = [k, ...[...Array(OTHER_RNS_TRIED).keys()].map((i) => (k + 1 + i) % size)];
      const unreachable: string[] = [];
      for (const index of order) {
        const endpoint = roster.members[index]?.endpoint as string;
        const rn = createReceptionClient(endpoint);
        try {
          const { id } = await unary(rn, 'submitTx', { transaction: Buffer.from(encoded) }, CALL_DEADLINE_MS);
          return { id, route: { kind: 'reception', index, endpoint, routed: index === k } };
        } catch (err) {
          const e = submitError(err, endpoint);
          if (e.code !== ClientErrorCode.nodeUnreachable) throw e;
          unreachable.push(endpoint);
        } finally {
          rn.close();
        }
      }
      reason = `no reception node answered (${unreachable.join(', ')})`;
    }
    try {
      const { id } = await unary(this.logic, 'submitTx', { transaction: Buffer.from(encoded) }, CALL_DEADLINE_MS);
      return { id, route: { kind: 'logic', endpoint: this.endpoint, reason } };
    } catch (err) {
      throw submitError(err, this.endpoint);
    }
  }

  /** Polls the transaction until it is committed or rejected, or `timeoutMs` passes (then its last status). */
  async waitFor(id: Uint8Array, timeoutMs: number, pollMs: number): Promise<{ status: TransactionStatus; timedOut: boolean }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.transaction(id);
      if (status.state === TransactionStatus_State.STATE_COMMITTED || status.state === TransactionStatus_State.STATE_REJECTED) return { status, timedOut: false };
      if (Date.now() >= deadline) return { status, timedOut: true };
      await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(0, deadline - Date.now()))));
    }
  }
}

export function stateName(state: TransactionStatus_State): string {
  return (TransactionStatus_State[state] ?? 'UNRECOGNIZED').replace(/^STATE_/, '');
}
