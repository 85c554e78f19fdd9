import { bytesToKey } from '../../../protocol/src/bytes.js';
import { routeOf } from '../../../protocol/src/reception/committee.js';
import { DEFAULT_COMMITTEE_SIZE } from '../../../protocol/src/reception/params.js';
import { TransactionStatus_State } from '../../../rpc/src/index.js';
import type { ChainConnection } from '../chain.js';
import { ClientError, ClientErrorCode } from '../errors.js';
import { TRANSFER_FEE } from '../fees.js';
import { keyFilesIn, loadKey } from '../keyStore.js';
import { hex } from '../output.js';
import { CommitTracker } from './commitTracker.js';
import { DEFAULT_LOAD_DRIVER_OPTIONS, LoadDriver } from './loadDriver.js';
import { DEFAULT_DURATION_S, MAX_TRANSFER_AMOUNT, OPEN_ENDED_FUNDING, WINDOW_SLOTS, type BenchOptions } from './options.js';
import { TransferSigner, type BenchAccount, type SignedTransfer } from './signer.js';
import { TransferSource } from './transferSource.js';
import { BatchStreamSubmitter, DirectSubmitter, type Submitter } from './submitters.js';
import { SendPacer } from './sendPacer.js';
import { measureVerifyCapacity } from './verifyCapacity.js';

/** The report; field names are the `--json` API the e2e tests read. */
export interface BenchReport {
  submitted: number;
  committed: number;
  rejected: number;
  committed_tps: number;
  p50_ms: number;
  p99_ms: number;
  verify_capacity_tps: number;
  /** At most this many transfers were submitted and uncommitted at once (as-fast runs). */
  window: number;
  duration_s: number;
  accounts: number;
  slots: number;
  /** Where the transactions went: routed reception nodes, or the logic node directly. */
  path: 'reception' | 'logic';
  submit_tps: number;
  /** Submitted but not seen committed when the run ended. */
  uncommitted: number;
  rejections: Record<string, number>;
  retries: number;
  failovers: number;
  verify_per_s: number;
  cores: number;
  funders: number;
  funding_per_account: string;
  verify?: VerifyReport;
}

export interface VerifyReport {
  ok: boolean;
  transactions: { checked: number; committed_success: number; problems: Record<string, number> };
  accounts: { checked: number; mismatched: number };
  supply: { funded: string; fees: string; final: string; conserved: boolean };
  examples: string[];
}

export interface BenchHooks {
  /** Phase messages for people (stderr). */
  note(message: string): void;
  /** The live progress line, redrawn about once a second; undefined when stderr is not a terminal. */
  progress?: ((line: string) => void) | undefined;
}

interface Funder {
  account: BenchAccount;
  name: string;
  nonce: bigint;
  remaining: bigint;
}

/** Runs `n` async jobs, `concurrency` at a time. */
async function forEachConcurrent(n: number, concurrency: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, async () => {
    while (next < n) await job(next++);
  }));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Transfers signed ahead for a --duration run: its verify capacity for the duration, plus this share. */
const PRESIGN_HEADROOM = 1.1;
/** ...but at most this many (~250 MB of signed transfers): past it, the rest are signed as they go. */
const PRESIGN_MAX = 500_000;
/**
 * Commit polls per slot (20 to 100 ms apart). A commit counts from when a poll sees it, so the
 * poll delay is part of every latency figure and holds the closed loop's window: at a quarter
 * slot it added 125 ms on average. A poll that finds nothing new is one GetStatus.
 */
const POLLS_PER_SLOT = 20;
/** The closed loop's pacer lets this much of a slot's window go at once. */
const PACER_BURST_MS = 50;

/**
 * The load generator (issue 3 §3): funds fresh accounts from the devnet's funded keys, then sends
 * signed transfers among them along WP 2.1's routes at a rate or as fast as the chain takes them,
 * detects commits by reading every new block, and reports throughput, latency and the machine's
 * verify capacity measured in the same run; with `verify`, checks every transaction and balance
 * against its own model of what they must be.
 */
export async function runBench(chain: ChainConnection, keysDir: string, options: BenchOptions, hooks: BenchHooks): Promise<BenchReport> {
  if (options.accounts < 2) throw new ClientError(ClientErrorCode.usage, '--accounts must be at least 2: transfers go between bench accounts');
  const status = await chain.status();
  const roster = await chain.roster();
  const slotMs = status.slotMs > 0 ? status.slotMs : 1000;

  hooks.note(`measuring verify capacity (${options.verifySeconds} s on every core)…`);
  const capacity = await measureVerifyCapacity(options.verifySeconds);
  hooks.note(`verify capacity: ${Math.round(capacity.verifyPerSecond)} signatures/s on ${capacity.cores} cores = ${Math.round(capacity.capacityTps)} tx/s for committees of ${DEFAULT_COMMITTEE_SIZE}`);

  // ---- funders and the plan -------------------------------------------------------------------
  const funders: Funder[] = [];
  for (const path of await keyFilesIn(keysDir)) {
    let key;
    try {
      key = await loadKey(path);
    } catch (err) {
      hooks.note(`skipping ${path}: ${(err as Error).message}`);
      continue;
    }
    const a = await chain.account(key.address);
    const balance = BigInt(a.balance);
    if (balance > TRANSFER_FEE) funders.push({ account: key, name: key.name, nonce: a.nonce, remaining: balance });
  }
  if (funders.length === 0) throw new ClientError(ClientErrorCode.noKey, `bench needs funded keys: no key in ${keysDir} holds funds on ${chain.endpoint}; pass --keys-dir (a devnet's is .devnet/keys)`);
  const n = options.accounts;
  const perTx = MAX_TRANSFER_AMOUNT + TRANSFER_FEE;
  const durationS = options.durationS ?? (options.count === undefined ? DEFAULT_DURATION_S : undefined);
  const plannedSends = options.count !== undefined ? options.count : options.rate !== undefined && durationS !== undefined ? Math.ceil(options.rate * durationS) : undefined;
  const totalFunds = funders.reduce((s, f) => s + f.remaining, 0n);
  let fund: bigint;
  if (plannedSends !== undefined) fund = BigInt(Math.ceil(plannedSends / n) + 1) * perTx;
  else {
    fund = totalFunds / BigInt(2 * n) - TRANSFER_FEE;
    if (fund > OPEN_ENDED_FUNDING) fund = OPEN_ENDED_FUNDING;
  }
  if (fund < perTx) throw new ClientError(ClientErrorCode.insufficientBalance, `the funded keys in ${keysDir} hold ${totalFunds} in all: too little for ${n} accounts; lower --accounts`);
  const maxSendsPerAccount = Number(fund / perTx);
  const target = Math.min(options.count ?? Infinity, n * maxSendsPerAccount);

  const signer = new TransferSigner();
  const accounts = Array.from({ length: n }, () => signer.newAccount());
  const fundingTxs: SignedTransfer[] = [];
  for (let i = 0; i < n; i++) {
    let best = funders[0] as Funder;
    for (const f of funders) if (f.remaining > best.remaining) best = f;
    if (best.remaining < fund + TRANSFER_FEE) {
      throw new ClientError(ClientErrorCode.insufficientBalance, `the funded keys in ${keysDir} cannot give ${n} accounts ${fund} each (plus fees): lower --accounts or --count`);
    }
    best.remaining -= fund + TRANSFER_FEE;
    const { tx, encoded, id } = signer.sign(best.account, (accounts[i] as BenchAccount).address, fund, best.nonce++);
    fundingTxs.push({ encoded, id, signature: tx.signature, from: -1, to: i, amount: fund });
  }

  // ---- routes ---------------------------------------------------------------------------------
  const useReception = !options.direct && roster.members.length >= DEFAULT_COMMITTEE_SIZE;
  const direct = new DirectSubmitter('logic', chain.logic);
  const submitters: Submitter[] = useReception ? roster.members.map((m, i) => new BatchStreamSubmitter(`rn-${i}`, m.endpoint)) : [direct];
  const routeFor = useReception ? (tx: SignedTransfer) => routeOf(tx.signature, roster.members.length) : () => 0;
  hooks.note(
    useReception
      ? `sending to ${roster.members.length} reception nodes, each transaction to its RN_k (WP 2.1), one stream per RN, ${options.streamsPerRn} batches of up to ${options.chunkSize} in flight on each`
      : `sending to the logic node ${chain.endpoint} directly (${options.direct ? '--direct' : `roster of ${roster.members.length} < ${DEFAULT_COMMITTEE_SIZE}`})`,
  );
  const tracker = new CommitTracker(chain, status.height);
  const rejectedLoad: string[] = [];
  let loadRejections = 0;
  const window = options.window ?? Math.max(options.chunkSize, Math.round(capacity.capacityTps * (slotMs / 1000) * WINDOW_SLOTS));
  const driver = new LoadDriver(
    submitters,
    useReception ? direct : null,
    {
      onFirstSend: (tx, at) => tracker.expect(tx.id, at, tx.from >= 0),
      onRejected: (tx, code, message) => {
        tracker.forget(tx.id);
        if (tx.from >= 0) loadRejections++;
        if (tx.from >= 0 && rejectedLoad.length < 5) rejectedLoad.push(`${hex(tx.id)}: ${code}: ${message}`);
      },
    },
    { ...DEFAULT_LOAD_DRIVER_OPTIONS, chunkSize: options.chunkSize, streamsPerRoute: useReception ? options.streamsPerRn : 4 },
  );
  let pollError: unknown = null;
  tracker.start(Math.max(20, Math.min(100, slotMs / POLLS_PER_SLOT)), (err) => (pollError = err));

  /** Waits until every expected transaction committed, or none did for `stallSlots` slots. */
  const waitForCommits = async (stallSlots: number): Promise<void> => {
    let seen = -1;
    let progressAt = Date.now();
    while (tracker.outstanding > 0) {
      const done = tracker.committedLoad + tracker.committedOther;
      if (done !== seen) [seen, progressAt] = [done, Date.now()];
      if (Date.now() - progressAt > stallSlots * slotMs) return;
      await sleep(50);
    }
  };

  try {
    // ---- funding --------------------------------------------------------------------------------
    hooks.note(`funding ${n} accounts with ${fund} each from ${funders.length} funded keys…`);
    for (const tx of fundingTxs) driver.enqueue(tx, routeFor(tx));
    await driver.drain();
    if (driver.rejected > 0) throw new ClientError(ClientErrorCode.txRejected, `${driver.rejected} funding transfers were refused (${[...driver.rejectionsByCode].map(([c, k]) => `${c} ×${k}`).join(', ')})`);
    await waitForCommits(20);
    if (tracker.outstanding > 0) {
      throw new ClientError(ClientErrorCode.timeout, `${tracker.outstanding} of ${n} funding transfers did not commit within 20 slots${pollError ? ` (last error: ${(pollError as Error).message})` : ''}; is the chain producing blocks? (clusterchain status)`);
    }
    let unfunded = 0;
    await forEachConcurrent(n, 32, async (i) => {
      const a = await chain.account((accounts[i] as BenchAccount).address);
      if (BigInt(a.balance) !== fund) unfunded++;
    });
    if (unfunded > 0) throw new ClientError(ClientErrorCode.insufficientBalance, `${unfunded} of ${n} accounts were not funded as planned (did a funder run short?)`);
    hooks.note(`funded at height ${tracker.height}; submitting ${options.count ?? 'transfers'}${durationS !== undefined ? ` for up to ${durationS} s` : ''}${options.rate !== undefined ? ` at ${options.rate} tx/s` : ' as fast as the chain takes them'}`);

    // ---- load ---------------------------------------------------------------------------------
    const acceptedBefore = driver.accepted;
    // The model counts what is sent, not what was signed: an unused stock is not on chain.
    const nonces = new Array<bigint>(n).fill(0n);
    const debits = new Array<bigint>(n).fill(0n);
    const credits = new Array<bigint>(n).fill(0n);
    const loadIds: Uint8Array[] = [];
    const source = new TransferSource(signer, accounts);
    const presign = Math.min(target, PRESIGN_MAX, options.count ?? Math.ceil((options.rate ?? capacity.capacityTps * PRESIGN_HEADROOM) * (durationS ?? 0)));
    const signStarted = performance.now();
    source.presign(presign);
    hooks.note(`signed ${presign} transfers ahead in ${((performance.now() - signStarted) / 1000).toFixed(1)} s (outside the measured window)`);
    let generated = 0;
    const nextTx = (): SignedTransfer => {
      const t = source.take();
      nonces[t.from]! += 1n;
      debits[t.from]! += t.amount + TRANSFER_FEE;
      credits[t.to]! += t.amount;
      if (options.verify) loadIds.push(t.id);
      generated++;
      return t;
    };

    // From the node, not the tracker: signing ahead held the event loop, so the tracker may lag.
    const heightAtStart = (await chain.status()).height;
    const startedAt = Date.now();
    const started = performance.now();
    let lastProgress = { at: started, committed: 0 };
    let tps = 0;
    const progressTimer = hooks.progress
      ? setInterval(() => {
          const now = performance.now();
          tps = ((tracker.committedLoad - lastProgress.committed) * 1000) / (now - lastProgress.at);
          lastProgress = { at: now, committed: tracker.committedLoad };
          hooks.progress?.(
            `${((now - started) / 1000).toFixed(0)} s  submitted ${driver.accepted - acceptedBefore}  committed ${tracker.committedLoad}  ${tps.toFixed(0)} tx/s  p50 ${tracker.latencies.percentile(50).toFixed(0)} ms  p99 ${tracker.latencies.percentile(99).toFixed(0)} ms  height ${tracker.height}`,
          );
        }, 1000)
      : undefined;
    // Closed-loop refills go at the window's rate per slot, with 50 ms of it as a burst.
    const pacer = new SendPacer(window / slotMs, Math.max(1, Math.round((window * PACER_BURST_MS) / slotMs)), started);
    let submitEnded = started;
    try {
      while (generated < target) {
        const elapsedS = (performance.now() - started) / 1000;
        if (durationS !== undefined && elapsedS >= durationS) break;
        const uncommitted = generated - tracker.committedLoad - loadRejections;
        let allowed =
          options.rate !== undefined
            ? Math.ceil(options.rate * elapsedS) - generated
            : Math.min(2 * driver.capacity - driver.buffered, window - uncommitted, pacer.available(performance.now()));
        allowed = Math.min(allowed, target - generated, 2000);
        if (options.rate === undefined && allowed > 0) pacer.spend(allowed);
        for (let i = 0; i < allowed; i++) {
          const tx = nextTx();
          driver.enqueue(tx, routeFor(tx));
        }
        driver.pump();
        await driver.waitForChange(allowed > 0 && options.rate === undefined ? 1 : 5);
      }
      await driver.drain();
      submitEnded = performance.now();
      await waitForCommits(10);
    } finally {
      if (progressTimer) clearInterval(progressTimer);
    }
    await tracker.stop();
    await tracker.settleTruncated();
    const submitted = driver.accepted - acceptedBefore;
    const rejected = driver.rejected;
    const endAt = tracker.lastCommitAt > 0 ? tracker.lastCommitAt : Date.now();
    const durationSec = Math.max(0.001, (endAt - startedAt) / 1000);
    const report: BenchReport = {
      submitted,
      committed: tracker.committedLoad,
      rejected,
      committed_tps: round(tracker.committedLoad / durationSec),
      p50_ms: round(tracker.latencies.percentile(50)),
      p99_ms: round(tracker.latencies.percentile(99)),
      verify_capacity_tps: round(capacity.capacityTps),
      window,
      duration_s: round(durationSec),
      accounts: n,
      slots: Number(tracker.height - heightAtStart),
      path: useReception ? 'reception' : 'logic',
      submit_tps: round(submitted / Math.max(0.001, (submitEnded - started) / 1000)),
      uncommitted: tracker.outstanding,
      rejections: Object.fromEntries(driver.rejectionsByCode),
      retries: driver.retries,
      failovers: driver.failovers,
      verify_per_s: round(capacity.verifyPerSecond),
      cores: capacity.cores,
      funders: funders.length,
      funding_per_account: fund.toString(),
    };
    if (rejectedLoad.length > 0) hooks.note(`refused, e.g.: ${rejectedLoad.join('; ')}`);
    if (options.verify) {
      hooks.note(`verifying ${loadIds.length} transactions and ${n} balances…`);
      report.verify = await verifyRun(chain, loadIds, accounts, { fund, nonces, debits, credits });
    }
    return report;
  } finally {
    await tracker.stop();
    driver.close();
  }
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

interface Model {
  fund: bigint;
  nonces: bigint[];
  debits: bigint[];
  credits: bigint[];
}

/**
 * Every transaction must be COMMITTED with outcome SUCCESS and the transfer fee; every account's
 * balance must be funded − Σ(sent + fee) + Σ received and its nonce the number it sent; and the
 * supply is conserved: what the accounts hold now plus the fees the chain reports equals what
 * they were funded with.
 */
async function verifyRun(chain: ChainConnection, ids: readonly Uint8Array[], accounts: readonly BenchAccount[], model: Model): Promise<VerifyReport> {
  const problems = new Map<string, number>();
  const examples: string[] = [];
  const problem = (kind: string, example: string) => {
    problems.set(kind, (problems.get(kind) ?? 0) + 1);
    if (examples.length < 10) examples.push(example);
  };
  let success = 0;
  let fees = 0n;
  const seen = new Set<string>();
  await forEachConcurrent(ids.length, 64, async (i) => {
    const id = ids[i] as Uint8Array;
    const key = bytesToKey(id);
    if (seen.has(key)) return;
    seen.add(key);
    const s = await chain.transaction(id);
    if (s.state === TransactionStatus_State.STATE_COMMITTED) fees += BigInt(s.fee);
    if (s.state !== TransactionStatus_State.STATE_COMMITTED) {
      const state = (TransactionStatus_State[s.state] ?? 'UNRECOGNIZED').replace(/^STATE_/, '');
      problem(state, `${hex(id)}: ${state}${s.rejection ? ` ${s.rejection.code}` : ''}`);
    } else if (s.outcome !== 'SUCCESS') problem(s.outcome, `${hex(id)}: committed at ${s.height} with ${s.outcome}`);
    else if (BigInt(s.fee) !== TRANSFER_FEE) problem('FEE', `${hex(id)}: fee ${s.fee}, expected ${TRANSFER_FEE}`);
    else success++;
  });
  let mismatched = 0;
  let final = 0n;
  await forEachConcurrent(accounts.length, 32, async (i) => {
    const a = await chain.account((accounts[i] as BenchAccount).address);
    const balance = BigInt(a.balance);
    final += balance;
    const expected = model.fund - (model.debits[i] as bigint) + (model.credits[i] as bigint);
    if (balance !== expected || a.nonce !== model.nonces[i]) {
      mismatched++;
      if (examples.length < 10) examples.push(`account ${hex((accounts[i] as BenchAccount).address)}: balance ${balance} nonce ${a.nonce}, expected ${expected} nonce ${model.nonces[i]}`);
    }
  });
  const funded = model.fund * BigInt(accounts.length);
  const conserved = final + fees === funded;
  return {
    ok: problems.size === 0 && mismatched === 0 && conserved && success === seen.size,
    transactions: { checked: seen.size, committed_success: success, problems: Object.fromEntries(problems) },
    accounts: { checked: accounts.length, mismatched },
    supply: { funded: funded.toString(), fees: fees.toString(), final: final.toString(), conserved },
    examples,
  };
}
