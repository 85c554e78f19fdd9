import { join } from 'node:path';
import type { Logger } from 'pino';
import { addressOf } from '../../../protocol/src/address.js';
import { bytesEqual, bytesToKey, toHex } from '../../../protocol/src/bytes.js';
import { decodeTransaction, transactionId, type DecodedTransaction } from '../../../protocol/src/codec/transaction.js';
import { decodeHeader, decodeBody } from '../../../protocol/src/codec/block.js';
import { ProtocolError } from '../../../protocol/src/errors.js';
import { publicKeyOf, signTransaction } from '../../../protocol/src/keys.js';
import type { SignatureVerifier } from '../../../protocol/src/signature.js';
import { TX_STATUS_NAMES, type Address, type BlockHeader, type Hash, type Transaction, type TxSummary } from '../../../protocol/src/types.js';
import { decodePackage } from '../../../protocol/src/reception/receptionPackage.js';
import { checkPackage, type AcceptedPackage, type Offender } from '../../../protocol/src/reception/checkPackage.js';
import { decodeCoSignature, verifyCoSignature } from '../../../protocol/src/reception/coSignature.js';
import { isValid } from '../../../protocol/src/reception/verdicts.js';
import { encodeExclusion, Misconduct, MISCONDUCT_NAMES, ROSTER_REGISTRY_ADDRESS, type ExcludedMember } from '../../../protocol/src/reception/exclusion.js';
import type { RosterMember, SignedRoster } from '../../../protocol/src/reception/roster.js';
import { verifyRosterChange, type RosterChange } from '../../../protocol/src/reception/admin.js';
import type { StorageBackend } from '../../../storage/src/index.js';
import { addressKey, senderKey } from '../ledger/dispatcher.js';
import type { Genesis } from '../ledger/genesis.js';
import { LogicLedger } from '../ledger/logicLedger.js';
import type { TrustedTransaction } from '../ledger/trustedTransaction.js';
import { NodeError, NodeErrorCode } from './errors.js';
import { IntakeJournal } from './intakeJournal.js';
import { observeBstLoad } from './bstLoad.js';
import type { LogicNodeMetrics } from './metrics.js';
import type { LogicNodeOptions } from './options.js';
import { PendingPool } from './pendingPool.js';
import { RecentRejections, type Rejection } from './rejections.js';
import { RosterBook } from './rosterBook.js';
import { TxIndex, type TxLocation } from './txIndex.js';

/** Batch hashes remembered to recognise replays; at 0.3 s batches from 100 RNs, about 10 minutes. */
const SEEN_BATCHES = 200_000;

export interface LogicNodeDependencies {
  /** The node's secret key: signs rosters (as leader) and exclusion transactions. */
  key: Uint8Array;
  genesis: Genesis;
  /** Members of the first roster epoch, used only when no roster was persisted yet. */
  initialRoster: readonly RosterMember[];
  verifier: SignatureVerifier;
  log: Logger;
  metrics: LogicNodeMetrics;
  /** Asks a reception node to co-sign a batch directly (the challenge of a member said to be absent). */
  challenge: (member: RosterMember, batch: Uint8Array, timeoutMs: number) => Promise<Uint8Array>;
  clock?: () => number;
  backend?: StorageBackend;
  /** The operator key's public half: signs roster changes. Undefined: ChangeRoster is refused (ADMIN_DISABLED). */
  adminPubkey?: Uint8Array;
}

export type TransactionState =
  | { state: 'committed'; location: TxLocation }
  | { state: 'pending' }
  | { state: 'rejected'; rejection: Rejection }
  | { state: 'unknown' };

export interface PackageResult {
  accepted: number;
  excluded: number[];
}

/** What GetBlock answers: the header and the transaction ids. */
export interface BlockSummary {
  height: bigint;
  hash: Hash;
  headerBytes: Uint8Array;
  header: BlockHeader;
  transactionIds: readonly Hash[];
}

export interface BlockView extends BlockSummary {
  transactions: Transaction[];
  summaries: TxSummary[];
}

/**
 * Blocks whose summary stays in memory after they commit. Clients following the chain (the
 * bench's commit tracker, explorers) ask for each new block just after it lands; from disk that
 * is a read of the whole body and a SHA-256 per transaction to rebuild ids the node just had.
 */
const RECENT_BLOCKS_KEPT = 16;

/**
 * A logic node of a one-cluster chain (WP 2.1 steps 5–6, 6.3–6.7, DESIGN §5): takes packages
 * from the reception layer and, when traffic is sparse, transactions directly; executes the
 * trusted ones in one block per slot; excludes reception nodes caught lying, on chain; answers
 * queries. The gRPC server is a thin shell over these methods.
 */
export class LogicNode {
  private readonly pool: PendingPool;
  private readonly rejections: RecentRejections;
  private readonly seenBatches = new Map<string, Hash>();
  /** The last RECENT_BLOCKS_KEPT blocks committed here, by height (GetBlock of a new block). */
  private readonly recentBlocks = new Map<bigint, BlockSummary>();
  private readonly producerKey: string;
  private readonly pubkey: Uint8Array;
  private readonly clock: () => number;
  /** The node's own transactions (exclusions) not yet committed: their nonces are taken. */
  private ownPending = 0n;
  private timer: NodeJS.Timeout | null = null;
  private producing: Promise<void> | null = null;
  private stopping = false;
  private lastBlockAt = 0;

  private constructor(
    readonly options: LogicNodeOptions,
    private readonly deps: LogicNodeDependencies,
    private readonly ledger: LogicLedger,
    private readonly txIndex: TxIndex,
    private readonly journal: IntakeJournal,
    readonly roster: RosterBook,
  ) {
    this.pool = new PendingPool(options.pendingCapacity, nonceWaitBlocks(options));
    this.rejections = new RecentRejections(options.rejectionMemory);
    this.pubkey = publicKeyOf(deps.key);
    this.producerKey = senderKey(this.pubkey);
    this.clock = deps.clock ?? Date.now;
    this.lastBlockAt = Number(ledger.engine.head.header.timestamp);
    // From the head at start, so a restarted node that never commits again still shows its stall.
    deps.metrics.height.set(Number(ledger.engine.head.height));
    deps.metrics.lastBlockTimestamp.set(this.lastBlockAt / 1000);
    deps.metrics.slotSeconds.set(options.slotMs / 1000);
    this.observeRoster(roster.current);
    roster.watch((r) => this.observeRoster(r));
    deps.metrics.height.set(Number(ledger.engine.head.height));
  }

  static async create(options: LogicNodeOptions, deps: LogicNodeDependencies): Promise<LogicNode> {
    const ledger = await LogicLedger.open({ path: join(options.dataDir, 'ledger'), ...(deps.backend ? { backend: deps.backend } : {}) }, deps.genesis);
    try {
      const txIndex = await TxIndex.open(ledger.db, ledger.store, ledger.engine.head.height);
      const roster = await RosterBook.open(join(options.dataDir, 'roster.json'), deps.key, deps.initialRoster);
      const node = new LogicNode(options, deps, ledger, txIndex, new IntakeJournal(ledger.db), roster);
      const recovered = await node.recoverIntake();
      deps.log.info(
        { height: ledger.engine.head.height.toString(), epoch: roster.current.roster.epoch.toString(), members: roster.current.roster.members.length, recoveredPending: recovered },
        'logic node opened',
      );
      return node;
    } catch (err) {
      await ledger.close();
      throw err;
    }
  }

  /**
   * Puts back into the pending pool what the journal holds: transactions acknowledged before a
   * crash and not yet settled. Those that committed meanwhile (their journal delete did not land)
   * or whose nonce is used are dropped. Returns how many went back.
   */
  private async recoverIntake(): Promise<number> {
    const { transactions, keys } = await this.journal.replay((key, err) => this.deps.log.error({ key: toHex(key), err }, 'dropping an intake journal entry that does not decode'));
    // A committed transaction usually used its nonce, but not always (INSUFFICIENT_FEE takes none): ask the index too.
    const committed = await this.txIndex.committed(transactions.map((t) => t.id));
    const recovered: TrustedTransaction[] = [];
    const block = this.nextBlockNumber();
    for (const [i, t] of transactions.entries()) {
      const sender = senderKey(t.tx.pubkey);
      if (committed[i] === true || t.tx.nonce < this.nonceOf(sender) || !this.pool.add(t, block)) continue;
      if (sender === this.producerKey) this.ownPending++;
      recovered.push(t);
    }
    await this.journal.replace(keys, recovered);
    this.deps.metrics.pending.set(this.pool.size);
    return recovered.length;
  }

  /** The node's address: the block producer's, earning fees of transactions that name no committee. */
  get address(): Address {
    return addressOf(this.pubkey);
  }

  get pendingCount(): number {
    return this.pool.size;
  }

  /** Starts producing one block per slot. */
  start(): void {
    const tick = (): void => {
      if (this.stopping) return;
      const started = this.clock();
      this.producing = this.produceBlock()
        .catch((err: unknown) => {
          // Memory may now be ahead of disk: the only safe move is to stop and restart from the database.
          this.deps.log.fatal({ err }, 'block production failed; stopping');
          process.exitCode = 1;
          this.stopping = true;
        })
        .finally(() => {
          this.producing = null;
          if (!this.stopping) this.timer = setTimeout(tick, Math.max(0, this.options.slotMs - (this.clock() - started)));
        });
    };
    this.timer = setTimeout(tick, this.options.slotMs);
  }

  /** Stops after the block in progress is durable, then closes the database. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await this.producing;
    await this.ledger.close();
  }

  // ---- intake ---------------------------------------------------------------------------

  /** WP 2.1 steps 5–6: checks a package and queues what it may execute. */
  async submitPackage(encoded: Uint8Array): Promise<PackageResult> {
    this.assertRunning();
    let decoded;
    try {
      decoded = decodePackage(encoded);
    } catch (err) {
      this.deps.metrics.packages.inc({ outcome: 'malformed' });
      throw malformed('package', err);
    }
    const check = checkPackage(decoded, {
      rosterOf: (e) => this.roster.rosterOf(e),
      isExcluded: (k) => this.roster.isExcluded(k),
      committeeSize: this.options.committeeSize,
      verifier: this.deps.verifier,
      seen: (h) => {
        const packageHash = this.seenBatches.get(bytesToKey(h));
        return packageHash === undefined ? undefined : { packageHash };
      },
    });
    const epoch = decoded.decodedBatch.epoch;
    const excluded = await this.exclude(epoch, check.offenders, decoded.hash);
    if (check.outcome === 'dropped') {
      this.deps.metrics.packages.inc({ outcome: check.code });
      this.deps.log.warn({ code: check.code, epoch: epoch.toString(), leader: decoded.decodedBatch.leader }, check.message);
      throw new NodeError(NodeErrorCode.packageDropped, check.message, { meta: { reason: check.code, excluded } });
    }
    if (this.pool.free < check.transactions.length) {
      // Not remembered as seen: RN_k retries the same bytes once the pool drains.
      this.deps.metrics.packages.inc({ outcome: 'overloaded' });
      throw new NodeError(NodeErrorCode.overloaded, `${this.pool.size} transactions pending; retry later`);
    }
    this.rememberBatch(decoded.decodedBatch.hash, decoded.hash);
    this.deps.metrics.packages.inc({ outcome: check.selfVerified ? 'self_verified' : 'trusted' });
    const { queued, encoded: received } = this.queueChecked(check, new Set(excluded));
    // Durable before RN_k hears "accepted": after that nobody would send these again.
    await this.journal.record(queued, received);
    if (check.absent.length > 0) void this.challengeAbsent(check, decoded.batch, decoded.hash);
    return { accepted: queued.length, excluded };
  }

  /**
   * The sparse path (WP 2.1, last paragraph): a transaction sent to the logic node directly,
   * verified here. Returns its id.
   */
  async submitTransaction(encoded: Uint8Array): Promise<Hash> {
    this.assertRunning();
    let d: DecodedTransaction;
    try {
      d = decodeTransaction(encoded);
    } catch (err) {
      this.deps.metrics.rejections.inc({ reason: NodeErrorCode.malformed });
      throw malformed('transaction', err);
    }
    if (!this.deps.verifier.verify(d.tx.signature, d.id, d.tx.pubkey)) {
      this.deps.metrics.rejections.inc({ reason: NodeErrorCode.badSignature });
      throw new NodeError(NodeErrorCode.badSignature, 'the signature does not verify under the transaction pubkey');
    }
    if (this.pool.has(d.id)) throw new NodeError(NodeErrorCode.duplicate, 'the transaction is already pending');
    if (d.tx.nonce < this.nonceOf(senderKey(d.tx.pubkey))) {
      this.deps.metrics.rejections.inc({ reason: 'STALE_NONCE' });
      throw new NodeError(NodeErrorCode.duplicate, `nonce ${d.tx.nonce} is already used`, { meta: { reason: 'STALE_NONCE' } });
    }
    if (this.pool.free < 1) throw new NodeError(NodeErrorCode.overloaded, `${this.pool.size} transactions pending; retry later`);
    const t = { tx: d.tx, id: d.id };
    if (!this.pool.add(t, this.nextBlockNumber())) throw new NodeError(NodeErrorCode.duplicate, 'the transaction is already pending');
    this.deps.metrics.transactionsQueued.inc({ path: 'direct' });
    this.deps.metrics.pending.set(this.pool.size);
    await this.journal.record([t], [encoded]);
    return d.id;
  }

  /** Queues a checked package's transactions; returns those newly queued (not already pending), with their bytes as received. */
  private queueChecked(check: AcceptedPackage, excluded: ReadonlySet<number>): { queued: TrustedTransaction[]; encoded: Uint8Array[] } {
    const batch = check.batch;
    const roster = this.roster.rosterOf(batch.epoch);
    // WP 5: the fee goes to the RNs that verified the transaction, liars left out.
    const feeRecipients = check.committee.filter((m) => !excluded.has(m)).map((m) => addressKey(addressOf((roster?.members[m] as RosterMember).pubkey)));
    const block = this.nextBlockNumber();
    const queued: TrustedTransaction[] = [];
    const encoded: Uint8Array[] = [];
    for (const { index, decoded } of check.transactions) {
      const t: TrustedTransaction = feeRecipients.length > 0 ? { tx: decoded.tx, id: decoded.id, feeRecipients } : { tx: decoded.tx, id: decoded.id };
      if (!this.pool.add(t, block)) continue;
      queued.push(t);
      encoded.push(batch.transactions[index] as Uint8Array);
    }
    this.deps.metrics.transactionsQueued.inc({ path: 'committee' }, queued.length);
    this.deps.metrics.pending.set(this.pool.size);
    if (check.selfVerified) {
      for (let i = 0; i < batch.transactions.length; i++) {
        if (isValid(check.verdicts, i)) continue;
        try {
          const { id } = decodeTransaction(batch.transactions[i] as Uint8Array);
          this.rejections.record(id, { code: NodeErrorCode.badSignature, message: 'the signature does not verify' });
          this.deps.metrics.rejections.inc({ reason: NodeErrorCode.badSignature });
        } catch {
          this.deps.metrics.rejections.inc({ reason: NodeErrorCode.malformed });
        }
      }
    }
    return { queued, encoded };
  }

  private rememberBatch(batchHash: Hash, packageHash: Hash): void {
    this.seenBatches.set(bytesToKey(batchHash), packageHash);
    if (this.seenBatches.size > SEEN_BATCHES) this.seenBatches.delete(this.seenBatches.keys().next().value as string);
  }

  // ---- exclusions -------------------------------------------------------------------------

  /**
   * Removes offenders from the roster (a new epoch) and records the exclusion on chain as a
   * transaction from this node to the roster registry. Returns the indices newly excluded.
   */
  private async exclude(epoch: bigint, offenders: readonly Offender[], evidence: Hash): Promise<number[]> {
    const roster = this.roster.rosterOf(epoch);
    if (roster === undefined || offenders.length === 0) return [];
    const members: ExcludedMember[] = [];
    for (const o of offenders) {
      const m = roster.members[o.index];
      if (m === undefined || this.roster.isExcluded(m.pubkey)) continue;
      members.push({ index: o.index, pubkey: m.pubkey, misconduct: o.misconduct });
    }
    if (members.length === 0) return [];
    const record = encodeExclusion({ epoch, excluded: members, evidence });
    const nonce = this.nonceOf(this.producerKey) + this.ownPending;
    const tx = signTransaction(
      { nonce, to: ROSTER_REGISTRY_ADDRESS, amount: 0n, gasLimit: 0n, code: new Uint8Array(0), data: record, pubkey: this.pubkey },
      this.deps.key,
    );
    const id = transactionId(tx);
    this.ownPending++;
    // The same object to the pool and the journal: the journal counts settlement by object.
    const t: TrustedTransaction = { tx, id };
    this.pool.add(t, this.nextBlockNumber());
    this.deps.metrics.transactionsQueued.inc({ path: 'system' });
    // roster.exclude marks the members excluded before its first await: a concurrent package
    // naming the same liar must find it excluded, or the liar would be recorded twice.
    const [next] = await Promise.all([this.roster.exclude(members), this.journal.record([t])]);
    for (const m of members) {
      this.deps.metrics.exclusions.inc({ misconduct: MISCONDUCT_NAMES[m.misconduct] });
      this.deps.log.warn(
        { member: m.index, epoch: epoch.toString(), misconduct: MISCONDUCT_NAMES[m.misconduct], tx: toHex(id), nextEpoch: next.roster.epoch.toString() },
        'reception node excluded',
      );
    }
    return members.map((m) => m.index);
  }

  /**
   * RN_k said these members did not answer. Their silence is not evidence (RN_k may be the
   * liar), so the node asks each itself. A false answer excludes at once; silence only after
   * `challengeAttempts` asks with doubling deadlines: an honest member that is merely slow
   * under load answers a later ask (from its cache, having judged the batch meanwhile), and
   * excluding it would shrink the committee pool exactly when capacity is short.
   */
  private async challengeAbsent(check: AcceptedPackage, batch: Uint8Array, evidence: Hash): Promise<void> {
    const roster = this.roster.rosterOf(check.batch.epoch);
    if (roster === undefined) return;
    const offenders: Offender[] = [];
    await Promise.all(
      check.absent.map(async (index) => {
        const member = roster.members[index] as RosterMember;
        const misconduct = await this.challengeMember(index, member, batch, check);
        if (misconduct !== null) offenders.push({ index, misconduct });
      }),
    );
    if (offenders.length > 0 && !this.stopping) await this.exclude(check.batch.epoch, offenders, evidence);
  }

  /** Asks one member for its co-signature until it answers or runs out of attempts; null: it answered truly. */
  private async challengeMember(index: number, member: RosterMember, batch: Uint8Array, check: AcceptedPackage): Promise<Misconduct | null> {
    let lastError = '';
    for (let attempt = 0; attempt < this.options.challengeAttempts && !this.stopping; attempt++) {
      const timeoutMs = this.options.challengeTimeoutMs * 2 ** attempt;
      const askedAt = Date.now();
      let c;
      try {
        c = decodeCoSignature(await this.deps.challenge(member, batch, timeoutMs));
      } catch (err) {
        lastError = (err as Error).message;
        this.deps.metrics.challenges.inc({ outcome: 'no_answer' });
        // A refused connection fails at once: the next ask still waits out this one's deadline,
        // so a member that is restarting has the whole window to come back.
        const rest = askedAt + timeoutMs - Date.now();
        if (rest > 0 && attempt + 1 < this.options.challengeAttempts) await new Promise((r) => setTimeout(r, rest));
        continue;
      }
      const answered = c.signer === index && bytesEqual(c.batchHash, check.batch.hash) && verifyCoSignature(c, member.pubkey, this.deps.verifier);
      const misconduct = !answered ? Misconduct.withheldVerdict : !bytesEqual(c.verdicts, check.verdicts) ? Misconduct.falseVerdict : null;
      this.deps.metrics.challenges.inc({ outcome: misconduct === null ? 'answered' : 'false_answer' });
      return misconduct;
    }
    if (this.stopping) return null;
    this.deps.log.info({ member: index, attempts: this.options.challengeAttempts, err: lastError }, 'challenged member did not answer');
    return Misconduct.withheldVerdict;
  }

  // ---- roster changes (DESIGN §11) ---------------------------------------------------------

  /**
   * The operator's roster change, as the cluster leader takes it: signed by the operator key,
   * addressed to this node, applied as ONE new epoch only while `expectEpoch` is current (see
   * RosterBook.replace for the no-op and exclusion rules). The RNs get the new epoch on
   * WatchRoster. Answers the epoch now current and whether this call published it.
   */
  async changeRoster(change: RosterChange, signature: Uint8Array): Promise<{ epoch: bigint; changed: boolean }> {
    const m = this.deps.metrics.rosterChanges;
    try {
      this.assertRunning();
      const admin = this.deps.adminPubkey;
      if (admin === undefined) throw new NodeError(NodeErrorCode.adminDisabled, 'this logic node was started without --admin-pubkey: roster changes are disabled');
      let signed: boolean;
      try {
        signed = verifyRosterChange(change, signature, admin, this.deps.verifier);
      } catch (err) {
        throw malformed('roster change', err);
      }
      if (!signed) throw new NodeError(NodeErrorCode.badSignature, 'the roster change is not signed by the operator key');
      if (!bytesEqual(change.leader, this.pubkey)) throw new NodeError(NodeErrorCode.notLeader, `the roster change is for leader ${toHex(change.leader)}, not for this node`);
      const before = this.roster.current.roster.epoch;
      const { roster, changed } = await this.roster.replace(change.remove, change.add, change.expectEpoch);
      m.inc({ outcome: changed ? 'changed' : 'unchanged' });
      if (changed) {
        this.deps.log.info(
          { from: before.toString(), epoch: roster.roster.epoch.toString(), removed: change.remove.length, added: change.add.length, members: roster.roster.members.length },
          'roster changed by the operator',
        );
      }
      return { epoch: roster.roster.epoch, changed };
    } catch (err) {
      if (err instanceof NodeError) m.inc({ outcome: err.code });
      throw err;
    }
  }

  // ---- blocks -----------------------------------------------------------------------------

  /** Executes and commits the next block with what is pending; resolves once it is durable and indexed. */
  async produceBlock(): Promise<void> {
    const engine = this.ledger.engine;
    const blockNumber = this.nextBlockNumber();
    const taken = this.pool.take(this.options.maxBlockTransactions, blockNumber, (sender) => this.nonceOf(sender));
    for (const t of taken.stale) this.reject(t.id, 'STALE_NONCE', 'the nonce was already used when the transaction reached a block');
    for (const t of taken.gapExpired) this.reject(t.id, 'NONCE_GAP', `an earlier nonce of the sender did not arrive within ${nonceWaitBlocks(this.options)} blocks`);
    const started = performance.now();
    // Timestamps never go backwards, whatever the wall clock does.
    const timestamp = BigInt(Math.max(this.clock(), Number(engine.head.header.timestamp) + 1));
    const block = await this.ledger.produceBlock(taken.block, { timestamp, feeRecipients: [this.producerKey] });
    const ids = taken.block.map((t) => t.id);
    this.rememberBlock({ height: block.header.height, hash: block.hash, headerBytes: block.headerBytes, header: block.header, transactionIds: ids });
    await this.txIndex.add({ height: block.header.height, ids, summaries: block.summaries });
    this.pool.settle(taken.block);
    await this.journal.forget([...taken.block, ...taken.stale, ...taken.gapExpired]);
    const own = taken.block.filter((t) => senderKey(t.tx.pubkey) === this.producerKey).length;
    this.ownPending -= BigInt(own);
    const m = this.deps.metrics;
    m.blocks.inc();
    m.blockSeconds.observe((performance.now() - started) / 1000);
    m.blockTransactions.observe(taken.block.length);
    m.height.set(Number(block.header.height));
    m.lastBlockTimestamp.set(Number(timestamp) / 1000);
    m.pending.set(this.pool.size);
    observeBstLoad(m.bstBlockOperations, block.changed);
    for (const s of block.summaries) m.committed.inc({ status: TX_STATUS_NAMES[s.status] });
    this.lastBlockAt = Number(timestamp);
    if (taken.block.length > 0) {
      this.deps.log.info({ height: block.header.height.toString(), transactions: taken.block.length, pending: this.pool.size, ms: Math.round(performance.now() - started) }, 'block committed');
    }
  }

  private rememberBlock(summary: BlockSummary): void {
    this.recentBlocks.set(summary.height, summary);
    if (this.recentBlocks.size > RECENT_BLOCKS_KEPT) this.recentBlocks.delete(this.recentBlocks.keys().next().value as bigint);
  }

  private reject(id: Hash, code: string, message: string): void {
    this.rejections.record(id, { code, message });
    this.deps.metrics.rejections.inc({ reason: code });
  }

  private nextBlockNumber(): number {
    return Number(this.ledger.engine.head.height) + 1;
  }

  private nonceOf(sender: string): bigint {
    return this.ledger.engine.state.get(sender)?.nonce ?? 0n;
  }

  // ---- queries ----------------------------------------------------------------------------

  account(address: Address): { nonce: bigint; balance: bigint; exists: boolean } {
    const a = this.ledger.engine.state.get(addressKey(address));
    return a === undefined ? { nonce: 0n, balance: 0n, exists: false } : { nonce: a.nonce, balance: a.balance, exists: true };
  }

  async transaction(id: Hash): Promise<TransactionState> {
    const location = await this.txIndex.get(id);
    if (location !== null) return { state: 'committed', location };
    if (this.pool.has(id)) return { state: 'pending' };
    const rejection = this.rejections.get(id);
    return rejection === undefined ? { state: 'unknown' } : { state: 'rejected', rejection };
  }

  /** A committed block's header and transaction ids, by height; `latest` for the head. Null above the head. */
  async blockSummary(height: bigint | 'latest'): Promise<BlockSummary | null> {
    const h = height === 'latest' ? this.ledger.engine.head.height : height;
    return this.recentBlocks.get(h) ?? (await this.block(h));
  }

  /** A committed block by height, read from disk; `latest` for the head. Null above the head. */
  async block(height: bigint | 'latest'): Promise<BlockView | null> {
    const h = height === 'latest' ? this.ledger.engine.head.height : height;
    const hash = await this.ledger.store.blockHashAt(h);
    if (hash === null) return null;
    const [headerBytes, body] = await Promise.all([this.ledger.store.header(hash), this.ledger.store.body(hash)]);
    if (headerBytes === null || body === null) throw new NodeError(NodeErrorCode.notFound, `block ${h} is indexed but not stored`, { fatal: true });
    const { transactions, summaries, ids } = decodeBody(body);
    return { height: h, hash, headerBytes, header: decodeHeader(headerBytes), transactionIds: ids, transactions, summaries };
  }

  status(): { chainId: string; height: bigint; headHash: Hash; lastBlockTimeMs: number; roster: SignedRoster; pending: number; slotMs: number } {
    const head = this.ledger.engine.head;
    return { chainId: this.options.chainId, height: head.height, headHash: head.hash, lastBlockTimeMs: this.lastBlockAt, roster: this.roster.current, pending: this.pool.size, slotMs: this.options.slotMs };
  }

  private observeRoster(r: SignedRoster): void {
    this.deps.metrics.rosterEpoch.set(Number(r.roster.epoch));
    this.deps.metrics.rosterSize.set(r.roster.members.length);
  }

  private assertRunning(): void {
    if (this.stopping) throw new NodeError(NodeErrorCode.stopping, 'the logic node is stopping');
  }
}

function malformed(what: string, err: unknown): NodeError {
  if (err instanceof ProtocolError) return new NodeError(NodeErrorCode.malformed, `${what}: ${err.message}`, { cause: err, meta: { protocolCode: err.code } });
  throw err;
}

/** The nonce wait in whole blocks, at least one. */
function nonceWaitBlocks(o: Pick<LogicNodeOptions, 'maxNonceWaitMs' | 'slotMs'>): number {
  return Math.max(1, Math.ceil(o.maxNonceWaitMs / o.slotMs));
}
