/** Digest i = SHA-256 of input[spans[2i], spans[2i+1]), written at out[32 * (slots ? slots[i] : i)]. Throws RangeError on a span or slot out of bounds, before hashing anything. */
export function sha256Spans(input: Uint8Array, spans: Uint32Array, count: number, out: Uint8Array, slots: Uint32Array | null): void;
/** Which compression sha256Spans uses now. */
export function implementation(): 'sha-ni' | 'portable';
/** Forces the portable compression (tests), or returns to the best one. */
export function usePortable(flag: boolean): void;
