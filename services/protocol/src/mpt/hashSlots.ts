/**
 * Storage for cached node hashes: fixed 32-byte slots carved out of large shared chunks and
 * rewritten in place when a node is rehashed. A hash per node as its own Buffer costs an
 * ArrayBuffer and a backing store each; with a million accounts that made garbage collection
 * a third of the ledger's time. A slot is allocated once per node and lives as long as it.
 */
const CHUNK_SLOTS = 4096;
let chunk = new Uint8Array(CHUNK_SLOTS * 32);
let used = 0;

export function allocHashSlot(): Uint8Array {
  if (used === CHUNK_SLOTS) {
    chunk = new Uint8Array(CHUNK_SLOTS * 32);
    used = 0;
  }
  return chunk.subarray(used * 32, ++used * 32);
}
