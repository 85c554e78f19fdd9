/**
 * One error shape for the whole project (CONVENTIONS 4): a typed `code`, a message for people,
 * optional structured `meta`, an optional `cause`, and `fatal` for what cannot be recovered.
 * Each part declares its own code union and subclass, e.g. `ProtocolError`.
 */
export class CodedError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly meta: Readonly<Record<string, unknown>>;
  readonly fatal: boolean;

  constructor(
    code: Code,
    message: string,
    options: { meta?: Record<string, unknown>; cause?: unknown; fatal?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.meta = options.meta ?? {};
    this.fatal = options.fatal ?? false;
  }
}

/** Why the protocol core refused a value. Codes are part of the API: never rename one. */
export const ProtocolErrorCode = {
  /** The input ended before the value did. */
  truncated: 'TRUNCATED',
  /** Bytes were left over after a complete value. */
  trailingBytes: 'TRAILING_BYTES',
  /** An integer was encoded with more bytes than it needs. */
  nonMinimalInteger: 'NON_MINIMAL_INTEGER',
  /** An integer does not fit its field (u64, u128, a length). */
  integerOutOfRange: 'INTEGER_OUT_OF_RANGE',
  /** A variable-length field is longer than the protocol allows. */
  oversize: 'OVERSIZE',
  /** The version byte is not one this build understands. */
  unknownVersion: 'UNKNOWN_VERSION',
  /** A flag, tag or enum byte has a value the encoding does not define. */
  invalidTag: 'INVALID_TAG',
  /** A fixed-width field (hash, address, key) has the wrong length or form. */
  invalidField: 'INVALID_FIELD',
  /** A private key, public key or signature is not a valid secp256k1 value. */
  invalidKey: 'INVALID_KEY',
  /** A function was called with arguments outside its contract. */
  invalidArgument: 'INVALID_ARGUMENT',
  /**
   * The libsecp256k1 native binding did not load. Fatal on purpose: the only alternative is the
   * pure-JS fallback (elliptic), ~30x slower, which would quietly cap the chain's throughput.
   */
  nativeUnavailable: 'NATIVE_UNAVAILABLE',
} as const;
export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

export class ProtocolError extends CodedError<ProtocolErrorCode> {}
