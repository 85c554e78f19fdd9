/** Messages between WorkerDatabaseController (main thread) and the storage thread. */
export type WorkerRequest =
  | { id: number; op: 'get'; bucket: number; key: Uint8Array }
  | { id: number; op: 'getMany'; bucket: number; keys: Uint8Array[] }
  | { id: number; op: 'batch'; packed: Uint8Array; sync?: boolean }
  | { id: number; op: 'iterOpen'; bucket: number; range?: { gte?: Uint8Array; lt?: Uint8Array; limit?: number } }
  | { id: number; op: 'iterNext'; iterator: number; bucket: number; max: number }
  | { id: number; op: 'iterClose'; iterator: number }
  | { id: number; op: 'close' };

export interface WorkerReply {
  /** The request answered; 0 for the open handshake. */
  id: number;
  error?: { code: string; message: string; fatal: boolean };
  ready?: boolean;
  value?: Uint8Array | null;
  values?: (Uint8Array | null)[];
  iterator?: number;
  page?: Uint8Array;
  done?: boolean;
}
