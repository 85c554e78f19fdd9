import { bytesToKey } from '../../../protocol/src/bytes.js';
import { TransactionStatus_State } from '../../../rpc/src/index.js';
import type { ChainConnection } from '../chain.js';
import { LatencyRecorder } from './stats.js';

interface Waiting {
  sentAt: number;
  /** Load transactions count towards latency and throughput; funding ones only need to commit. */
  load: boolean;
}

/**
 * Commit detection by reading every new block (GetBlock per height, Block.transactionIds) and
 * matching ids: one call per block instead of one per transaction. A block answer lists at most
 * 20,000 ids (the logic node's bound); when a block had more, `settleTruncated` asks about the
 * remaining transactions one by one.
 */
export class CommitTracker {
  private readonly waiting = new Map<string, Waiting>();
  private readonly observedAt = new Map<bigint, number>();
  readonly latencies = new LatencyRecorder();
  committedLoad = 0;
  committedOther = 0;
  lastCommitAt = 0;
  truncatedBlocks = 0;
  private nextHeight: bigint;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly chain: ChainConnection,
    height: bigint,
  ) {
    this.nextHeight = height + 1n;
  }

  get height(): bigint {
    return this.nextHeight - 1n;
  }

  get outstanding(): number {
    return this.waiting.size;
  }

  expect(id: Uint8Array, sentAt: number, load: boolean): void {
    const key = bytesToKey(id);
    if (!this.waiting.has(key)) this.waiting.set(key, { sentAt, load });
  }

  /** A transaction that will never commit (refused): stop waiting for it. */
  forget(id: Uint8Array): void {
    this.waiting.delete(bytesToKey(id));
  }

  /** Reads every block committed since the last poll. */
  async poll(): Promise<void> {
    const latest = (await this.chain.status()).height;
    while (this.nextHeight <= latest) {
      const block = await this.chain.block(this.nextHeight);
      const now = Date.now();
      this.observedAt.set(block.height, now);
      for (const id of block.transactionIds) this.commit(bytesToKey(id), now);
      if (block.transactionCount > block.transactionIds.length) this.truncatedBlocks++;
      this.nextHeight++;
    }
  }

  /** Polls every `intervalMs` in the background until stop(); a failed poll is retried next time. */
  start(intervalMs: number, onError: (err: unknown) => void): void {
    const loop = async (): Promise<void> => {
      while (!this.stopped) {
        try {
          await this.poll();
        } catch (err) {
          onError(err);
        }
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    };
    this.running = loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** When blocks listed fewer ids than they held: asks about each transaction still waiting. */
  async settleTruncated(concurrency = 64): Promise<void> {
    if (this.truncatedBlocks === 0 || this.waiting.size === 0) return;
    const keys = [...this.waiting.keys()];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < keys.length) {
        const key = keys[next++] as string;
        const s = await this.chain.transaction(Buffer.from(key, 'latin1'));
        if (s.state === TransactionStatus_State.STATE_COMMITTED) this.commit(key, this.observedAt.get(s.height) ?? Date.now());
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));
  }

  private commit(key: string, at: number): void {
    const w = this.waiting.get(key);
    if (w === undefined) return;
    this.waiting.delete(key);
    if (w.load) {
      this.committedLoad++;
      this.latencies.add(at - w.sentAt);
      this.lastCommitAt = Math.max(this.lastCommitAt, at);
    } else this.committedOther++;
  }
}
