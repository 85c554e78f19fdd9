import type { Logger } from 'pino';
import { bytesEqual, bytesToKey, toHex } from '../../protocol/src/bytes.js';
import type { DecodedTransaction } from '../../protocol/src/codec/transaction.js';
import { sha256 } from '../../protocol/src/hash.js';
import { encodeBatch } from '../../protocol/src/reception/batch.js';
import { committeeOf, routeOf } from '../../protocol/src/reception/committee.js';
import { MAX_BATCH_BYTES, MAX_BATCH_TRANSACTIONS } from '../../protocol/src/reception/params.js';
import { encodePackage, signPackage } from '../../protocol/src/reception/receptionPackage.js';
import { setValid, verdictBytes } from '../../protocol/src/reception/verdicts.js';
import type { SignatureVerifier } from '../../protocol/src/signature.js';
import type { Hash } from '../../protocol/src/types.js';
import { codeOf, unary, type LogicClient } from '../../rpc/src/index.js';
import { checkForm, checkForms } from './admission/checkForm.js';
import { feeOf } from './admission/fee.js';
import { Mempool, type BufferedTransaction } from './admission/mempool.js';
import { RateMeter } from './admission/rateMeter.js';
import { SenderRateLimiter } from './admission/senderRateLimiter.js';
import { collectCoSignatures } from './batching/collectCoSignatures.js';
import { CoSignCache } from './batching/coSignCache.js';
import { coSign } from './batching/coSigner.js';
import { submitPackage, type SubmitOutcome } from './batching/submitPackage.js';
import { withBackoff } from './batching/withBackoff.js';
import { ReceptionError, ReceptionErrorCode, UpstreamRejection } from './errors.js';
import type { ReceptionMetrics } from './metrics.js';
import type { Byzantine } from './misbehaviour.js';
import type { Peers } from './peers/receptionPeers.js';
import type { ReceptionNodeOptions } from './options.js';
import type { RosterFollower, RosterView } from './roster/rosterFollower.js';

/** One transaction's outcome in `submitMany`: its id, or what `submit` would have thrown. */
export type Submitted = { id: Hash; error?: undefined } | { error: unknown; id?: undefined };

/**
 * Transactions a client batch's admission verifies before it lets other work run. Admission is
 * new work; co-signing another RN's batch finishes work that already cost its RN_k a
 * verification and gates a whole package. Without a yield, a co-sign request waited behind
 * every client batch queued ahead of it (4 × 500 from the bench: 80 ms of CPU, several times
 * that in wall time on a shared machine), and each package waits for the slowest of 6 members.
 */
const ADMISSION_SLICE = 32;

/** Lets pending I/O callbacks (another RN's co-sign request among them) run before going on. */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Room left in a batch for its framing: a batch must stay under MAX_BATCH_BYTES once encoded. */
const BATCH_FRAMING_SLACK = 64 * 1024;
/** Transactions handed to the LN at once when a package's contents are rescued. */
const RESCUE_CONCURRENCY = 64;
/** Refusals of the LN that say "not now" rather than "never": a rescue waits them out. */
const RESCUE_RETRYABLE = new Set<string>([ReceptionErrorCode.upstreamUnavailable, 'OVERLOADED', 'STOPPING', 'INTERNAL']);
/**
 * RN_k's refusals that say "not me, not now" rather than "not this transaction": the transaction
 * then goes to the LN directly. DRAINING too, though a draining RN_k takes forwarded transactions
 * to the LN itself (see drain()): an RN_k of another build may refuse them instead.
 */
const RN_K_AWAY = new Set<string>([ReceptionErrorCode.rosterMismatch, ReceptionErrorCode.stopping, ReceptionErrorCode.notInRoster, ReceptionErrorCode.draining]);
/** Co-signatures remembered: at 0.3 s batches and 6 draws each per RN, minutes of a big roster. */
const COSIGN_CACHE_ENTRIES = 4_096;

export interface ReceptionNodeDependencies {
  key: Uint8Array;
  pubkey: Uint8Array;
  verifier: SignatureVerifier;
  logic: LogicClient;
  peers: Peers;
  roster: RosterFollower;
  log: Logger;
  metrics: ReceptionMetrics;
  /** Test-only lies (misbehaviour.ts); undefined on every honest node. */
  byzantine?: Byzantine;
  clock?: () => number;
}

type DirectPath = 'sparse' | 'small_roster' | 'fallback' | 'rescue' | 'drain';

/** Where a relay handoff's drain stands (DESIGN §11): serving, then draining, then drained for good. */
export type DrainState = 'serving' | 'draining' | 'drained';

export interface DrainStatus {
  state: DrainState;
  /** Transactions buffered here as RN_k, not yet sealed into a package. */
  buffered: number;
  /** Packages sealed and not yet answered by the logic node. */
  packagesInFlight: number;
}

/**
 * A reception node of the Trusted Reception Layer (WP 2.1, DESIGN §4). As RN_i it admits a
 * client's transaction (size, form, per-sender rate) and routes it by its signature to RN_k; as
 * RN_k it verifies, buffers (bounded, fee-ranked), seals a batch every interval, gathers the
 * co-signatures of the committee the batch hash draws and hands the signed package to a logic
 * node; as a committee member it verifies and co-signs batches it is drawn for. The gRPC server
 * is a thin shell over `submit`, `forward` and `coSign`.
 */
export class ReceptionNode {
  private readonly mempool: Mempool;
  private readonly limiter: SenderRateLimiter;
  private readonly rate: RateMeter;
  private readonly coSigned = new CoSignCache(COSIGN_CACHE_ENTRIES);
  private readonly clock: () => number;
  private readonly inFlight = new Set<Promise<void>>();
  private sequence = { epoch: -1n, next: 0n };
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private draining = false;
  private drained = false;

  constructor(
    readonly options: ReceptionNodeOptions,
    private readonly deps: ReceptionNodeDependencies,
  ) {
    this.clock = deps.clock ?? Date.now;
    this.mempool = new Mempool(options.mempoolCapacity);
    this.limiter = new SenderRateLimiter(options.senderRatePerSecond, options.senderBurst, options.senderTableSize, this.clock);
    this.rate = new RateMeter(options.rateWindowMs, this.clock);
    deps.roster.watch((v) => this.observeRoster(v));
  }

  /** In a roster epoch and not stopping: what /readyz reports. */
  get ready(): boolean {
    return !this.stopping && this.deps.roster.current?.self !== undefined;
  }

  get roster(): RosterView | undefined {
    return this.deps.roster.current;
  }

  get buffered(): number {
    return this.mempool.size;
  }

  get drainStatus(): DrainStatus {
    return { state: !this.draining ? 'serving' : this.drained ? 'drained' : 'draining', buffered: this.mempool.size, packagesInFlight: this.inFlight.size };
  }

  /** Starts sealing a batch every `batchMs`. */
  start(): void {
    this.timer = setInterval(() => this.seal(), this.options.batchMs);
  }

  /**
   * Stops taking transactions, hands what is buffered to the logic node and waits for packages
   * in flight, for at most `stopDrainMs`. The buffer goes to the LN directly (the sparse path: it
   * verifies them itself) rather than through a last committee: on a whole-cluster shutdown the
   * co-signers are stopping too, and a member that cannot answer gets challenged and excluded.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    const left = this.mempool.drain(Number.POSITIVE_INFINITY);
    this.deps.metrics.mempool.set(0);
    const drained = Promise.all([this.rescue(left, 'drain'), ...this.inFlight]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise<void>((r) => (timer = setTimeout(r, this.options.stopDrainMs)))]);
    clearTimeout(timer);
    this.deps.roster.stop();
  }

  /**
   * The operator's drain before a relay handoff (DESIGN §11). From now on client transactions are
   * refused (DRAINING, UNAVAILABLE: the client goes to another RN); what is buffered is sealed
   * and every package is delivered to the logic node with the usual retries, then the state is
   * `drained`. Unlike `stop`, the buffer goes through committees as always: the rest of the
   * cluster is up. The node stays a roster member until the operator swaps it out, so it keeps
   * co-signing other RNs' batches and /readyz keeps answering. Idempotent; answers at once, the
   * operator polls `drainStatus` (GET /admin/drain).
   *
   * ForwardTx while draining, for a transaction this RN is RN_k of: handed to the logic node
   * directly (it verifies it itself), never buffered. Refusing it would leave RN_i nothing but an
   * error for a client whose every retry routes here again until the swap; buffering it would
   * let the drain never end. So nothing is dropped and `drained` stays true once reached.
   */
  drain(): DrainStatus {
    if (this.stopping && !this.draining) throw new ReceptionError(ReceptionErrorCode.stopping, 'this reception node is stopping: what it buffered is being handed to the logic node');
    if (!this.draining) {
      this.draining = true;
      this.deps.metrics.draining.set(1);
      this.deps.log.info({ buffered: this.mempool.size, packagesInFlight: this.inFlight.size }, 'draining: no new transactions; delivering what is buffered');
      void this.finishDrain();
    }
    return this.drainStatus;
  }

  private async finishDrain(): Promise<void> {
    while (!this.stopping) {
      if (this.mempool.size > 0) {
        const before = this.mempool.size;
        if (this.inFlight.size < this.options.maxPackagesInFlight) void this.seal();
        // Back-pressure (or nothing sealed): wait for a package to be answered, or a batch interval.
        if (this.mempool.size >= before) await Promise.race([...this.inFlight, new Promise((r) => setTimeout(r, this.options.batchMs))]);
        continue;
      }
      if (this.inFlight.size === 0) break;
      // Not Promise.all: a package's transactions may come back to the buffer (see rescue).
      await Promise.race(this.inFlight);
    }
    if (this.stopping) return;
    this.drained = true;
    this.deps.log.info('drained: everything buffered here reached the logic node');
  }

  // ---- WP 2.1 step 1: admission and routing ------------------------------------------------

  /** A client's transaction at this RN (RN_i). Resolves to its id, or throws a coded refusal. */
  async submit(bytes: Uint8Array): Promise<Hash> {
    this.deps.metrics.received.inc();
    this.rate.mark();
    return this.counted(async () => {
      const view = this.admitting();
      const d = checkForm(bytes);
      if (!this.limiter.take(bytesToKey(d.tx.pubkey))) {
        throw new ReceptionError(ReceptionErrorCode.rateLimited, 'this sender is over its submission rate; slow down');
      }
      const sparse = this.sparsePath(view);
      if (sparse !== null) return this.direct(bytes, sparse);
      const k = routeOf(d.tx.signature, view.members.length);
      if (k === view.self) return this.buffer(d, bytes);
      return this.forwardTo(view, k, d, bytes);
    });
  }

  /**
   * SubmitTxBatches: `submit` of each of many client transactions, with the same checks, order
   * and outcomes, one result each in order. The ones routed here (this RN is their RN_k: the
   * bulk of a routing client's load) are admitted in one synchronous pass, with their ids hashed
   * in one native call and no promise per transaction; only forwarding and the direct path wait.
   */
  async submitMany(txs: readonly Uint8Array[]): Promise<Submitted[]> {
    const n = txs.length;
    this.deps.metrics.received.inc(n);
    this.rate.mark(n);
    try {
      this.admitting();
    } catch (err) {
      if (err instanceof ReceptionError) this.deps.metrics.rejected.inc({ reason: err.code }, n);
      return txs.map(() => ({ error: err }));
    }
    const out: Submitted[] = new Array<Submitted>(n);
    const waiting: Promise<void>[] = [];
    const later = (i: number, run: () => Promise<Hash>) => {
      waiting.push(this.counted(run).then((id) => void (out[i] = { id }), (error: unknown) => void (out[i] = { error })));
    };
    const forms = checkForms(txs);
    for (let i = 0; i < n; i++) {
      const d = forms[i] as DecodedTransaction | ReceptionError;
      const bytes = txs[i] as Uint8Array;
      if (i > 0 && i % ADMISSION_SLICE === 0) await yieldToIo();
      try {
        // Each transaction sees the node as it is now, as `submit` would: across a yield it may
        // have begun stopping or draining (it must not buffer what it would no longer batch), or
        // moved to a new roster epoch (routes are drawn under the current one).
        const view = this.admitting();
        if (d instanceof ReceptionError) throw d;
        if (!this.limiter.take(bytesToKey(d.tx.pubkey))) {
          throw new ReceptionError(ReceptionErrorCode.rateLimited, 'this sender is over its submission rate; slow down');
        }
        const sparse = this.sparsePath(view);
        if (sparse !== null) {
          later(i, () => this.direct(bytes, sparse));
          continue;
        }
        const k = routeOf(d.tx.signature, view.members.length);
        if (k === view.self) out[i] = { id: this.buffer(d, bytes) };
        else later(i, () => this.forwardTo(view, k, d, bytes));
      } catch (err) {
        if (err instanceof ReceptionError) this.deps.metrics.rejected.inc({ reason: err.code });
        out[i] = { error: err };
      }
    }
    if (waiting.length > 0) await Promise.all(waiting);
    return out;
  }

  /** ForwardTx: RN_i chose this RN as RN_k under `epoch`. */
  async forward(bytes: Uint8Array, epoch: bigint): Promise<Hash> {
    return this.counted(async () => {
      const view = this.member();
      const d = checkForm(bytes); // RN_i may lie or be broken: check the form again
      const sparse = this.sparsePath(view);
      if (sparse !== null) return this.direct(bytes, sparse);
      const k = routeOf(d.tx.signature, view.members.length);
      if (k === view.self) return this.draining ? this.direct(bytes, 'drain') : this.buffer(d, bytes); // see drain()
      if (epoch < view.epoch) return this.forwardTo(view, k, d, bytes); // RN_i is behind: one more hop, under our epoch
      if (epoch > view.epoch) throw new ReceptionError(ReceptionErrorCode.rosterMismatch, `epoch ${epoch} is ahead of ours (${view.epoch}); retry`);
      throw new ReceptionError(ReceptionErrorCode.wrongRoute, `under epoch ${epoch} this transaction routes to ${k}, not ${view.self}`);
    });
  }

  /** The current roster view, when this node takes client transactions at all (a member, not stopping or draining). */
  private admitting(): RosterView & { self: number } {
    const view = this.member();
    if (this.draining) throw new ReceptionError(ReceptionErrorCode.draining, 'this reception node is draining before it is replaced; send the transaction to another reception node');
    return view;
  }

  private member(): RosterView & { self: number } {
    if (this.stopping) throw new ReceptionError(ReceptionErrorCode.stopping, 'this reception node is stopping');
    const view = this.deps.roster.current;
    if (view === undefined || view.self === undefined) {
      throw new ReceptionError(ReceptionErrorCode.notInRoster, view === undefined ? 'no roster epoch known yet' : `not a member of roster epoch ${view.epoch}`);
    }
    return view as RosterView & { self: number };
  }

  /** Sparse traffic or a roster too small to seat a committee: the LN verifies it itself. */
  private sparsePath(view: RosterView): DirectPath | null {
    if (view.members.length < this.options.committeeSize) return 'small_roster';
    if (this.options.directBelowTps > 0 && this.rate.perSecond() < this.options.directBelowTps) return 'sparse';
    return null;
  }

  private async forwardTo(view: RosterView & { self: number }, k: number, d: DecodedTransaction, bytes: Uint8Array): Promise<Hash> {
    const member = view.members[k];
    if (member === undefined) return this.direct(bytes, 'fallback');
    try {
      const res = await unary(this.deps.peers.clientFor(member.endpoint), 'forwardTx', { transaction: Buffer.from(bytes), epoch: view.epoch, fromIndex: view.self }, this.options.forwardTimeoutMs);
      this.deps.metrics.forwarded.inc();
      if (bytesEqual(res.id, d.id)) return d.id;
      this.deps.log.warn({ to: k }, 'RN_k answered with another id; handing the transaction to the logic node');
    } catch (err) {
      const code = codeOf(err);
      // RN_k's refusal of the transaction itself is the answer; an RN_k that is away, stopping
      // or on another epoch is not: the transaction must not be lost for that.
      if (code !== undefined && !RN_K_AWAY.has(code)) {
        throw new UpstreamRejection(code, (err as { details?: string }).details ?? (err as Error).message, (err as { code: number }).code, 'rn');
      }
      this.deps.log.debug({ to: k, err: (err as Error).message }, 'RN_k unavailable; handing the transaction to the logic node');
    }
    return this.direct(bytes, 'fallback');
  }

  /** The logic node's SubmitTx: it verifies the transaction itself (WP 2.1, sparse traffic). */
  private async direct(bytes: Uint8Array, path: DirectPath): Promise<Hash> {
    try {
      const res = await unary(this.deps.logic, 'submitTx', { transaction: Buffer.from(bytes) }, this.options.forwardTimeoutMs);
      this.deps.metrics.direct.inc({ path });
      return res.id;
    } catch (err) {
      const code = codeOf(err);
      if (code !== undefined) throw new UpstreamRejection(code, (err as { details?: string }).details ?? (err as Error).message, (err as { code: number }).code, 'ln');
      throw new ReceptionError(ReceptionErrorCode.upstreamUnavailable, `the logic node did not take the transaction: ${(err as Error).message}`, { cause: err });
    }
  }

  /** WP 2.1 step 2, RN_k: verify, then buffer. */
  private buffer(d: DecodedTransaction, bytes: Uint8Array): Hash {
    if (!this.deps.verifier.verify(d.tx.signature, d.id, d.tx.pubkey)) {
      throw new ReceptionError(ReceptionErrorCode.badSignature, 'the signature does not verify under the transaction pubkey');
    }
    // A copy: the request buffer may be a view into a larger gRPC frame we should not keep alive.
    const offer = this.mempool.offer({ id: d.id, bytes: new Uint8Array(bytes), fee: feeOf(d.tx.gasLimit) });
    if (offer.outcome === 'refused') {
      throw new ReceptionError(ReceptionErrorCode.mempoolFull, `${this.mempool.size} transactions buffered paying at least ${offer.lowestFee}; retry later or pay more`);
    }
    if (offer.outcome === 'added') {
      this.deps.metrics.buffered.inc();
      if (offer.evicted !== undefined) {
        this.deps.metrics.rejected.inc({ reason: 'EVICTED' });
        this.deps.log.debug({ id: toHex(offer.evicted.id) }, 'evicted for a higher fee');
      }
      this.deps.metrics.mempool.set(this.mempool.size);
    }
    return d.id;
  }

  /** Counts `n` transactions a stream refused before they reached `submit` (too many in one stream or batch). */
  countRejections(code: ReceptionErrorCode, n: number): void {
    this.deps.metrics.rejected.inc({ reason: code }, n);
  }

  /** Counts a refusal decided here (or by the LN for us) by its code; RN_k counts its own. */
  private async counted(run: () => Promise<Hash>): Promise<Hash> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof ReceptionError) this.deps.metrics.rejected.inc({ reason: err.code });
      else if (err instanceof UpstreamRejection && err.origin === 'ln') this.deps.metrics.rejected.inc({ reason: err.code });
      throw err;
    }
  }

  // ---- WP 2.1 step 3: as a committee member -------------------------------------------------

  /** CoSign: the encoded co-signature, or null when a (test-only) withholding node stays silent. */
  coSign(batch: Uint8Array): Uint8Array | null {
    try {
      const { answer, cached } = coSign(batch, {
        key: this.deps.key,
        verifier: this.deps.verifier,
        committeeSize: this.options.committeeSize,
        rosterOf: (e) => this.deps.roster.rosterOf(e),
        cache: this.coSigned,
        ...(this.deps.byzantine ? { byzantine: this.deps.byzantine } : {}),
      });
      this.deps.metrics.coSignServed.inc({ outcome: answer === null ? 'withheld' : cached ? 'cached' : 'signed' });
      return answer;
    } catch (err) {
      if (err instanceof ReceptionError) this.deps.metrics.coSignServed.inc({ outcome: err.code });
      throw err;
    }
  }

  // ---- WP 2.1 steps 2 and 4: as RN_k ---------------------------------------------------------

  /** Seals what is buffered into a batch now (called every `batchMs`; tests call it directly). */
  seal(): Promise<void> {
    if (this.mempool.size === 0 || this.stopping) return Promise.resolve();
    const view = this.deps.roster.current;
    if (view === undefined || view.self === undefined || view.members.length < this.options.committeeSize) {
      // Excluded, or the roster shrank under a committee: nobody can co-sign what we hold.
      const orphans = this.mempool.drain(Number.POSITIVE_INFINITY);
      this.deps.metrics.mempool.set(0);
      return this.track(this.rescue(orphans, 'rescue'));
    }
    if (this.inFlight.size >= this.options.maxPackagesInFlight) return Promise.resolve(); // back-pressure: the buffer fills
    const txs = this.mempool.drain(MAX_BATCH_TRANSACTIONS, MAX_BATCH_BYTES - BATCH_FRAMING_SLACK);
    this.deps.metrics.mempool.set(this.mempool.size);
    return this.track(this.lead(view as RosterView & { self: number }, txs));
  }

  private track(p: Promise<void>): Promise<void> {
    const tracked = p.catch((err: unknown) => this.deps.log.error({ err }, 'batch failed'));
    this.inFlight.add(tracked);
    this.deps.metrics.packagesInFlight.set(this.inFlight.size);
    void tracked.finally(() => {
      this.inFlight.delete(tracked);
      this.deps.metrics.packagesInFlight.set(this.inFlight.size);
    });
    return tracked;
  }

  private async lead(view: RosterView & { self: number }, txs: BufferedTransaction[]): Promise<void> {
    const m = this.deps.metrics;
    const byz = this.deps.byzantine;
    if (this.sequence.epoch !== view.epoch) this.sequence = { epoch: view.epoch, next: 0n };
    const sequence = this.sequence.next++;
    const batch = encodeBatch({ epoch: view.epoch, leader: view.self, sequence, createdAtMs: BigInt(this.clock()), transactions: txs.map((t) => t.bytes) });
    const hash = sha256(batch);
    m.batchesSealed.inc();
    m.batchTransactions.observe(txs.length);
    const n = view.members.length;
    const drawn = committeeOf(hash, n, view.self, this.options.committeeSize);
    const asked = byz ? byz.committee(drawn, n, view.self) : drawn;
    const started = performance.now();
    let { coSignatures, absent } = await collectCoSignatures(asked, view.members, batch, { peers: this.deps.peers, verifier: this.deps.verifier, timeoutMs: this.options.coSignTimeoutMs });
    m.coSignSeconds.observe((performance.now() - started) / 1000);
    m.coSignAbsent.inc(absent.length);
    // Every buffered transaction was verified on admission: RN_k's verdicts are all valid.
    let leaderVerdicts: Uint8Array = new Uint8Array(verdictBytes(txs.length));
    for (let i = 0; i < txs.length; i++) setValid(leaderVerdicts, i);
    if (byz) {
      leaderVerdicts = byz.leaderVerdicts(leaderVerdicts, txs.length);
      ({ coSignatures, absent } = byz.package(asked, coSignatures, absent, hash, leaderVerdicts, this.deps.key));
    }
    const unsigned = { batch, leaderVerdicts, coSignatures, absent };
    const encoded = encodePackage(signPackage(unsigned, this.deps.key));
    const result = await this.sendPackage(encoded);
    const log = { epoch: view.epoch.toString(), sequence: sequence.toString(), transactions: txs.length, absent };
    if (result.outcome === 'accepted') {
      this.deps.log.debug({ ...log, accepted: result.accepted, excluded: result.excluded }, 'package accepted');
      if (result.excluded.length > 0) this.deps.log.info({ ...log, excluded: result.excluded }, 'the logic node excluded members over our package');
      if (byz?.replays === true) await this.replay(encoded, unsigned);
      return;
    }
    // Dropped whole (e.g. its epoch expired, we were excluded meanwhile) or never answered:
    // its transactions were accepted from clients, so the LN gets them directly. It refuses any
    // it already has (DUPLICATE), so this never executes anything twice.
    this.deps.log.warn({ ...log, outcome: result.outcome, message: result.message, code: result.outcome === 'rejected' ? result.code : undefined }, 'package not taken; handing its transactions to the logic node');
    await this.rescue(txs, 'rescue');
  }

  private async sendPackage(encoded: Uint8Array): Promise<SubmitOutcome> {
    const started = performance.now();
    const result = await submitPackage(encoded, {
      logic: this.deps.logic,
      timeoutMs: this.options.submitTimeoutMs,
      backoffMs: this.options.submitBackoffMs,
      backoffMaxMs: this.options.submitBackoffMaxMs,
      giveUpMs: this.options.submitGiveUpMs,
      onRetry: () => this.deps.metrics.packageRetries.inc(),
    });
    this.deps.metrics.packageSubmitSeconds.observe((performance.now() - started) / 1000);
    this.deps.metrics.packageSubmits.inc({ outcome: result.outcome === 'rejected' ? 'dropped' : result.outcome });
    return result;
  }

  /** Test-only (replay-old-package): the accepted package again, byte for byte, then re-signed. */
  private async replay(encoded: Uint8Array, p: Parameters<typeof signPackage>[0]): Promise<void> {
    const again = await this.sendPackage(encoded);
    const variant = { ...p, coSignatures: [...p.coSignatures].reverse(), absent: [...p.absent].reverse() };
    if (p.coSignatures.length < 2 && p.absent.length < 2) variant.absent = [...p.absent, ...p.coSignatures.map((c) => c.signer)];
    const resigned = await this.sendPackage(encodePackage(signPackage(variant, this.deps.key)));
    this.deps.log.warn({ again: again.outcome, resigned: resigned.outcome }, 'MISBEHAVIOUR replayed an accepted package');
  }

  /**
   * Hands transactions to the LN one by one (it verifies them); a few at a time. Clients were
   * told these were taken, so a logic node that is away (restarting), overloaded or stopping is
   * waited for with backoff, up to `submitGiveUpMs`; only the LN's verdict on a transaction
   * itself (bad signature, stale nonce…) or that horizon ends the attempt.
   */
  private async rescue(txs: readonly BufferedTransaction[], path: DirectPath): Promise<void> {
    const codeOfError = (err: unknown) => (err instanceof UpstreamRejection || err instanceof ReceptionError ? err.code : 'INTERNAL');
    const backoff = {
      backoffMs: this.options.submitBackoffMs,
      backoffMaxMs: this.options.submitBackoffMaxMs,
      giveUpAt: this.clock() + this.options.submitGiveUpMs,
      now: this.clock,
      onRetry: () => this.deps.metrics.rescueRetries.inc(),
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < txs.length) {
        const t = txs[next++] as BufferedTransaction;
        try {
          await withBackoff(() => this.direct(t.bytes, path), (err) => RESCUE_RETRYABLE.has(codeOfError(err)), backoff);
        } catch (err) {
          const code = codeOfError(err);
          if (code === 'DUPLICATE') continue; // the LN has it already
          // Draining, the LN away past the horizon: back into the buffer for another package.
          // The drain does not end while the LN cannot take them, so the operator keeps the pod.
          if (this.draining && !this.stopping && RESCUE_RETRYABLE.has(code) && this.mempool.offer(t).outcome !== 'refused') {
            this.deps.metrics.mempool.set(this.mempool.size);
            this.deps.log.warn({ id: toHex(t.id), code }, 'draining: the logic node did not take a transaction yet; buffered again');
            continue;
          }
          this.deps.metrics.rejected.inc({ reason: 'RESCUE_FAILED' });
          this.deps.log.warn({ id: toHex(t.id), code }, 'a buffered transaction could not be handed to the logic node');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(RESCUE_CONCURRENCY, txs.length) }, worker));
  }

  private observeRoster(v: RosterView): void {
    const m = this.deps.metrics;
    m.rosterEpoch.set(Number(v.epoch));
    m.rosterMembers.set(v.members.length);
    m.inRoster.set(v.self === undefined ? 0 : 1);
  }
}
