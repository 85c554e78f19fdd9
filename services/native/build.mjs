// Compiles the native addons with the C compiler and the headers of the running Node (no
// node-gyp, so nothing is fetched): run by `npm install` (this package's install script) and by
// `make install`. Fails loudly: the ledger refuses to start without its native hasher.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const candidates = [
  process.env.NODE_INCLUDE_DIR,
  resolve(process.execPath, '../../include/node'),
  '/usr/include/node',
  '/usr/local/include/node',
].filter(Boolean);
const include = candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
if (include === undefined) {
  console.error(`@clusterchain/native: node_api.h not found in ${candidates.join(', ')}; set NODE_INCLUDE_DIR`);
  process.exit(1);
}
const cc = process.env.CC ?? 'cc';
mkdirSync(join(here, 'build'), { recursive: true });
const args = ['-O3', '-std=c11', '-Wall', '-Wextra', '-Werror', '-fPIC', '-shared', `-I${include}`, '-o', join(here, 'build', 'sha256.node'), join(here, 'src', 'sha256.c')];
if (process.platform === 'darwin') args.push('-undefined', 'dynamic_lookup');
execFileSync(cc, args, { stdio: 'inherit' });
