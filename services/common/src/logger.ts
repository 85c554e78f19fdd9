import { pino, type Logger } from 'pino';

/**
 * The structured logger of a node process (CONVENTIONS 5): JSON lines on stdout, the level from
 * LOG_LEVEL (default info), and the node's name on every line so interleaved devnet output reads.
 */
export function createLogger(name: string, level = process.env['LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
