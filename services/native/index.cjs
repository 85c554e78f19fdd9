'use strict';
// Loads the compiled addon, failing loudly: there is no silent fallback to a slower path.
const { join } = require('node:path');
const file = join(__dirname, 'build', 'sha256.node');
try {
  module.exports = require(file);
} catch (cause) {
  const err = new Error(`native hasher not built (${file}): run \`make install\` (it compiles services/native with cc)`, { cause });
  err.code = 'NATIVE_UNAVAILABLE';
  throw err;
}
