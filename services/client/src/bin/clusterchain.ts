#!/usr/bin/env node
/**
 * The wallet CLI and load generator: `clusterchain --help`. After `make build`, from the repo:
 *   npx clusterchain status
 * (npm exec links a project's own `bin` into its cache), or node dist/services/client/src/bin/clusterchain.js.
 */
import { main } from '../cli.js';

const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  stderrIsTTY: process.stderr.isTTY === true,
});
// Let stdout drain (a pipe may be slow) instead of process.exit, which could cut the JSON short.
process.exitCode = code;
