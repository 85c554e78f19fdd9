import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { toHex } from '../../protocol/src/bytes.js';
import { LedgerEngine } from '../src/ledger/ledgerEngine.js';
import { LogicLedger } from '../src/ledger/logicLedger.js';
import { syntheticChain } from '../src/devtools/syntheticChain.js';

const LOOP = resolve('dist/services/logic/src/devtools/commitLoop.js');
const SEED = 11;
const ACCOUNTS = 3000;
const BLOCK = 1500;

/** Runs the commit loop, kills it with SIGKILL after `commits` acknowledged blocks plus a random delay, and returns what it acknowledged. */
function runUntilKilled(db: string, commits: number, extraDelayMs: number): Promise<{ acknowledged: bigint[]; roots: Map<bigint, string> }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [LOOP, '--db', db, '--accounts', String(ACCOUNTS), '--block', String(BLOCK), '--seed', String(SEED)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged: bigint[] = [];
    const roots = new Map<bigint, string>();
    let buffered = '';
    let stderr = '';
    let killScheduled = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [word, height, root] = line.split(' ');
        if (word !== 'committed') continue;
        acknowledged.push(BigInt(height as string));
        roots.set(BigInt(height as string), root as string);
        if (acknowledged.length >= commits && !killScheduled) {
          killScheduled = true;
          // Lands anywhere in the next block: executing, encoding, or inside the write.
          setTimeout(() => child.kill('SIGKILL'), extraDelayMs);
        }
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolvePromise({ acknowledged, roots });
      else reject(new Error(`commit loop exited with ${code}: ${stderr}`));
    });
  });
}

describe('ledger crash safety (real RocksDB, real SIGKILL)', () => {
  let dir: string;
  beforeAll(async () => {
    if (!existsSync(LOOP)) throw new Error(`${LOOP} is missing: run \`make build\` first (make test does)`);
    dir = await mkdtemp(join(tmpdir(), 'cc-crash-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when the node is killed at random points during block commits, then on restart the state equals a replay of exactly the committed blocks', async () => {
    const db = join(dir, 'ledger');
    const acknowledged = new Map<bigint, string>();
    let random = 12345;
    const rand = (n: number) => {
      random = (random * 1103515245 + 12345) % 2147483648;
      return random % n;
    };
    for (let round = 0; round < 6; round++) {
      const r = await runUntilKilled(db, 1 + rand(3), rand(40));
      for (const [h, root] of r.roots) acknowledged.set(h, root);
    }
    const lastAcknowledged = [...acknowledged.keys()].reduce((a, b) => (a > b ? a : b), 0n);

    const chain = syntheticChain(SEED, ACCOUNTS);
    // Reopening checks the reloaded accounts against the head's state root (or throws).
    const ledger = await LogicLedger.open({ path: db }, chain.genesis);
    try {
      const head = ledger.engine.head;
      // Never a lost acknowledged block; at most one more (written, killed before it printed).
      expect(head.height >= lastAcknowledged).toBe(true);
      expect(head.height <= lastAcknowledged + 1n).toBe(true);

      // An independent replay of blocks 1..head from genesis, in memory.
      const { engine: replay } = LedgerEngine.fromGenesis(chain.genesis);
      for (let h = 1n; h <= head.height; h++) {
        const block = replay.executeBlock(chain.transfers(replay.state, h, BLOCK), chain.blockContext(h));
        const stored = await ledger.store.blockHashAt(h);
        expect(stored && toHex(stored)).toBe(toHex(block.hash));
        if (acknowledged.has(h)) expect(toHex(block.header.stateRoot)).toBe(acknowledged.get(h));
        expect(await ledger.store.operationLog(h)).toEqual(block.operationLog);
      }
      expect(toHex(replay.head.hash)).toBe(toHex(head.hash));
      for (const s of replay.state.subtrees) {
        for (const a of s.accounts()) {
          const mine = ledger.engine.state.get(a.key);
          expect({ nonce: mine?.nonce, balance: mine?.balance }).toEqual({ nonce: a.nonce, balance: a.balance });
        }
      }
      expect(ledger.engine.state.accountCount).toBe(replay.state.accountCount);
    } finally {
      await ledger.close();
    }
  });
});
