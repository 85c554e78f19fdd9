/**
 * Commits synthetic blocks to a ledger database until killed, printing one line per block once
 * it is durable: `committed <height> <state root hex>`. Resumes from the database's head. Used
 * by the crash test (SIGKILL at random points) and as a storage soak by hand:
 *   node dist/services/logic/src/devtools/commitLoop.js --db /tmp/ledger [--accounts 5000] [--block 2000] [--seed 7] [--blocks N]
 */
import { parseArgs } from 'node:util';
import { toHex } from '../../../protocol/src/bytes.js';
import { LogicLedger } from '../ledger/logicLedger.js';
import { syntheticChain } from './syntheticChain.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    accounts: { type: 'string', default: '5000' },
    block: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '7' },
    blocks: { type: 'string', default: '0' },
    backend: { type: 'string', default: 'rocksdb' },
  },
});
if (values.db === undefined) {
  process.stderr.write('commitLoop: --db <dir> is required\n');
  process.exit(2);
}
const chain = syntheticChain(Number(values.seed), Number(values.accounts));
const ledger = await LogicLedger.open({ path: values.db, backend: values.backend as 'rocksdb' | 'classic-level' }, chain.genesis);
const limit = BigInt(values.blocks);
process.stdout.write(`ready ${ledger.engine.head.height}\n`);
while (limit === 0n || ledger.engine.head.height < limit) {
  const height = ledger.engine.head.height + 1n;
  const block = await ledger.produceBlock(chain.transfers(ledger.engine.state, height, Number(values.block)), chain.blockContext(height));
  process.stdout.write(`committed ${block.header.height} ${toHex(block.header.stateRoot)}\n`);
}
await ledger.close();
