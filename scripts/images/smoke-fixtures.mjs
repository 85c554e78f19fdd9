// The files a logic node needs, made for scripts/images-smoke.sh with the image's own code (run
// inside clusterchain/node as its user): DIR/logic.key (a new secp256k1 key) and DIR/genesis.json
// (a one-account chain whose leader is that key). Prints the leader's public key in hex, which the
// smoke test's reception node is given as --leader-pubkey. As services/devnet/src/initDevnet.ts.
//   node /smoke/smoke-fixtures.mjs DIR
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createKeyFile } from '/app/dist/services/common/src/keyFile.js';
import { genesisFileOf } from '/app/dist/services/common/src/genesisFile.js';
import { addressOf } from '/app/dist/services/protocol/src/address.js';
import { toHex } from '/app/dist/services/protocol/src/bytes.js';
import { publicKeyOf } from '/app/dist/services/protocol/src/keys.js';

const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write('usage: smoke-fixtures.mjs DIR\n');
  process.exit(2);
}
const key = await createKeyFile(join(dir, 'logic.key'));
const leader = publicKeyOf(key);
const genesis = genesisFileOf({
  chainId: 'clusterchain-image-smoke',
  leaderPubkey: leader,
  timestamp: BigInt(Date.now()),
  allocations: [{ address: addressOf(leader), balance: 10n ** 24n }],
});
await writeFile(join(dir, 'genesis.json'), `${JSON.stringify(genesis, null, 2)}\n`);
process.stdout.write(`${toHex(leader)}\n`);
