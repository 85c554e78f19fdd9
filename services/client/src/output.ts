import type { ClientError } from './errors.js';

/** What a command hands back: one JSON object for --json, lines for people. */
export interface CommandResult {
  json: Record<string, unknown>;
  text: string[];
  /** Printed after the result, and the exit code: for commands whose output matters even when they fail. */
  failure?: ClientError;
}

/** Where the CLI writes and what it reads from its process; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Whether stderr is a terminal: the bench's live progress line is drawn only then. */
  stderrIsTTY: boolean;
}

/** One JSON object on one line: bigints as decimal strings, bytes as hex. */
export function toJsonLine(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex');
    // JSON.stringify has already turned a Buffer into { type: 'Buffer', data } by toJSON.
    if (typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
      return Buffer.from((v as { data: number[] }).data).toString('hex');
    }
    return v;
  });
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Aligned "key: value" lines. */
export function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}`);
}
