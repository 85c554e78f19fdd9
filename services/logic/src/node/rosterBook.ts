import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bytesToKey, fromHex, toHex } from '../../../protocol/src/bytes.js';
import { decodeRoster, signRoster, type RosterEpoch, type RosterMember, type SignedRoster } from '../../../protocol/src/reception/roster.js';
import type { ExcludedMember } from '../../../protocol/src/reception/exclusion.js';
import { NodeError, NodeErrorCode } from './errors.js';

/** Epochs kept for packages formed just before a change: at 300 ms batches, a few suffice. */
const KEPT_EPOCHS = 4;

/**
 * The cluster's roster epochs as the LN leader keeps them (DESIGN §4): the current one, a few
 * before it for packages still in flight, and every key ever excluded. It publishes a new epoch
 * (signed with the leader's key) on each change and persists the state so a restart keeps both
 * the epoch counter and the exclusions: a restarted leader must never re-admit a liar or reuse
 * an epoch number with different members.
 */
export class RosterBook {
  private readonly epochs: SignedRoster[] = [];
  private readonly excluded = new Set<string>();
  private readonly listeners = new Set<(r: SignedRoster) => void>();
  /** Saves run one after another: two at once would race on the one temporary file. */
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly leaderKey: Uint8Array,
  ) {}

  /**
   * Opens the persisted book, or starts one at epoch 1 with `initial` members. `initial` may be
   * empty: a fresh cluster on Kubernetes starts its LN before any RN exists, and the operator then
   * adds RNs one roster change at a time.
   */
  static async open(file: string, leaderKey: Uint8Array, initial: readonly RosterMember[]): Promise<RosterBook> {
    const book = new RosterBook(file, leaderKey);
    let saved: { roster: string; excluded: string[] } | null = null;
    try {
      saved = JSON.parse(await readFile(file, 'utf8')) as { roster: string; excluded: string[] };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new NodeError(NodeErrorCode.invalidConfig, `roster file ${file} is unreadable`, { cause: err, fatal: true });
      }
    }
    if (saved === null) {
      book.epochs.push(signRoster({ epoch: 1n, members: initial }, leaderKey));
      await book.save();
    } else {
      for (const k of saved.excluded) book.excluded.add(bytesToKey(fromHex(k)));
      book.epochs.push(signRoster(decodeRoster(fromHex(saved.roster)), leaderKey));
    }
    return book;
  }

  get current(): SignedRoster {
    return this.epochs[this.epochs.length - 1] as SignedRoster;
  }

  rosterOf(epoch: bigint): RosterEpoch | undefined {
    return this.epochs.find((e) => e.roster.epoch === epoch)?.roster;
  }

  isExcluded(pubkey: Uint8Array): boolean {
    return this.excluded.has(bytesToKey(pubkey));
  }

  /** Removes members (by key, whatever epoch named them) and publishes the next epoch. */
  async exclude(members: readonly ExcludedMember[]): Promise<SignedRoster> {
    for (const m of members) this.excluded.add(bytesToKey(m.pubkey));
    const remaining = this.current.roster.members.filter((m) => !this.isExcluded(m.pubkey));
    return this.publish(remaining);
  }

  /** Admits members (a scale-out or a relay handoff): the next epoch lists them after the current ones. */
  async admit(members: readonly RosterMember[]): Promise<SignedRoster> {
    const known = new Set(this.current.roster.members.map((m) => bytesToKey(m.pubkey)));
    const fresh = members.filter((m) => !known.has(bytesToKey(m.pubkey)) && !this.isExcluded(m.pubkey));
    return this.publish([...this.current.roster.members, ...fresh]);
  }

  /**
   * The operator's roster change (a relay handoff, a scale step; DESIGN §11): ONE new epoch with
   * the `remove` keys gone and the `add` members appended in order. Removal is a graceful leave:
   * the keys are not excluded and may come back later. Keys already absent are not removed again
   * and members already present are not added again, so a change that alters nothing publishes
   * nothing and answers the current epoch with `changed: false`. An add that names an excluded
   * key refuses the whole change (EXCLUDED_MEMBER): exclusions are for good. With `expectEpoch`,
   * a change that would alter something applies only while that epoch is current (EPOCH_MISMATCH,
   * meta.currentEpoch, otherwise): a compare-and-swap that makes a replayed request useless once
   * the epoch moved, while a retried one that already took effect is a no-op, not an error.
   *
   * Everything up to the new epoch being current happens before the first await, like `exclude`:
   * a caller that checked `current` in the same turn knows which epoch it replaced.
   */
  async replace(remove: readonly Uint8Array[], add: readonly RosterMember[], expectEpoch?: bigint): Promise<{ roster: SignedRoster; changed: boolean }> {
    const banned = add.find((m) => this.isExcluded(m.pubkey));
    if (banned !== undefined) throw new NodeError(NodeErrorCode.excludedMember, `${toHex(banned.pubkey)} was excluded and cannot rejoin the roster`);
    const gone = new Set(remove.map(bytesToKey));
    const before = this.current.roster.members;
    const kept = before.filter((m) => !gone.has(bytesToKey(m.pubkey)));
    const present = new Set(kept.map((m) => bytesToKey(m.pubkey)));
    const fresh: RosterMember[] = [];
    for (const m of add) {
      const k = bytesToKey(m.pubkey);
      if (present.has(k)) continue;
      present.add(k);
      fresh.push({ pubkey: Uint8Array.from(m.pubkey), endpoint: m.endpoint }); // a copy, and never a view into a request's frame
    }
    if (kept.length === before.length && fresh.length === 0) return { roster: this.current, changed: false };
    const current = this.current.roster.epoch;
    if (expectEpoch !== undefined && expectEpoch !== current) {
      throw new NodeError(NodeErrorCode.epochMismatch, `the change expects roster epoch ${expectEpoch}, but the current epoch is ${current}`, { meta: { currentEpoch: current } });
    }
    return { roster: await this.publish([...kept, ...fresh]), changed: true };
  }

  /** Calls `listener` with every epoch published from now on. */
  watch(listener: (r: SignedRoster) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Signs and makes current the next epoch synchronously; only saving and telling watchers wait. */
  private async publish(members: readonly RosterMember[]): Promise<SignedRoster> {
    const next = signRoster({ epoch: this.current.roster.epoch + 1n, members }, this.leaderKey);
    this.epochs.push(next);
    if (this.epochs.length > KEPT_EPOCHS) this.epochs.shift();
    await this.save();
    for (const l of this.listeners) l(next);
    return next;
  }

  /**
   * Queued behind any save still running, and each writes the state as it is when its turn
   * comes: the last one to finish always holds the newest epoch.
   */
  private save(): Promise<void> {
    const next = this.saving.then(() => this.write());
    this.saving = next.catch(() => undefined);
    return next;
  }

  /** Written to a temporary file and renamed over the old one: a crash leaves the old or the new, never half. */
  private async write(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const body = JSON.stringify({ roster: toHex(this.current.encoded), excluded: [...this.excluded].map((k) => toHex(Buffer.from(k, 'latin1'))) });
    const f = await open(`${this.file}.tmp`, 'w');
    try {
      await f.writeFile(body);
      await f.sync();
    } finally {
      await f.close();
    }
    await rename(`${this.file}.tmp`, this.file);
  }
}
