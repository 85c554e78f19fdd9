import type { ClientReadableStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { bytesEqual } from '../../../protocol/src/bytes.js';
import { openSignedRoster, type RosterMember } from '../../../protocol/src/reception/roster.js';
import type { SignatureVerifier } from '../../../protocol/src/signature.js';
import type { LogicClient, Roster } from '../../../rpc/src/index.js';

/** One roster epoch as this RN sees it. */
export interface RosterView {
  epoch: bigint;
  members: readonly RosterMember[];
  /** This RN's index in the epoch; undefined when it is not a member. */
  self: number | undefined;
}

export interface RosterFollowerDependencies {
  logic: LogicClient;
  /** The cluster leader's key: a roster it did not sign is ignored. */
  leaderPubkey: Uint8Array;
  selfPubkey: Uint8Array;
  verifier: SignatureVerifier;
  log: Logger;
  keptEpochs: number;
  backoffMs: number;
  backoffMaxMs: number;
}

/**
 * Follows the cluster's roster epochs (DESIGN §4) over the LN's WatchRoster stream: checks the
 * leader's signature on each, keeps the last few (co-sign requests and packages formed just
 * before a change still name the older epoch), and finds this RN's own index by its key.
 * The stream is reopened with exponential backoff whenever it ends or fails.
 */
export class RosterFollower {
  private readonly epochs: RosterView[] = [];
  private readonly listeners = new Set<(v: RosterView) => void>();
  private call: ClientReadableStream<Roster> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private backoff: number;
  private stopped = false;

  constructor(private readonly deps: RosterFollowerDependencies) {
    this.backoff = deps.backoffMs;
  }

  get current(): RosterView | undefined {
    return this.epochs[this.epochs.length - 1];
  }

  rosterOf(epoch: bigint): RosterView | undefined {
    return this.epochs.find((e) => e.epoch === epoch);
  }

  /** Calls `listener` with every new epoch from now on. */
  watch(listener: (v: RosterView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.retry !== null) clearTimeout(this.retry);
    this.retry = null;
    this.call?.cancel();
    this.call = null;
  }

  /**
   * Takes a published roster if the leader signed it and it is newer than what we have; false
   * otherwise (a forgery, or a stale epoch replayed by a reconnect).
   */
  accept(encoded: Uint8Array, signature: Uint8Array): boolean {
    let opened;
    try {
      opened = openSignedRoster(encoded, signature, this.deps.leaderPubkey, this.deps.verifier);
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'roster refused: not signed by the cluster leader or malformed');
      return false;
    }
    const { epoch, members } = opened.roster;
    const current = this.current;
    if (current !== undefined && epoch <= current.epoch) return false;
    const index = members.findIndex((m) => bytesEqual(m.pubkey, this.deps.selfPubkey));
    const view: RosterView = { epoch, members, self: index < 0 ? undefined : index };
    this.epochs.push(view);
    if (this.epochs.length > this.deps.keptEpochs) this.epochs.shift();
    this.deps.log.info({ epoch: epoch.toString(), members: members.length, self: view.self ?? null }, 'roster epoch');
    for (const l of this.listeners) l(view);
    return true;
  }

  private open(): void {
    if (this.stopped) return;
    const call = this.deps.logic.watchRoster({});
    this.call = call;
    let settled = false;
    const reconnect = (why: string): void => {
      if (settled) return;
      settled = true;
      if (this.call === call) this.call = null;
      if (this.stopped) return;
      this.deps.log.debug({ why, retryMs: this.backoff }, 'roster stream ended; reconnecting');
      this.retry = setTimeout(() => {
        this.retry = null;
        this.open();
      }, this.backoff);
      this.backoff = Math.min(this.deps.backoffMaxMs, this.backoff * 2);
    };
    call.on('data', (r: Roster) => {
      this.backoff = this.deps.backoffMs;
      this.accept(r.encoded, r.signature);
    });
    call.on('error', (err: Error) => reconnect(err.message));
    call.on('end', () => reconnect('end'));
  }
}
