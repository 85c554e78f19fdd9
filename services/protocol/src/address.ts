import { ProtocolError, ProtocolErrorCode } from './errors.js';
import { sha256 } from './hash.js';
import { ADDRESS_LENGTH, BST_BITS, PUBLIC_KEY_LENGTH } from './params.js';
import type { Address } from './types.js';
import { ByteWriter } from './codec/writer.js';

/** The address of a key: the last 20 bytes of the compressed public key (WP 6.3, literally). */
export function addressOf(pubkey: Uint8Array): Address {
  if (pubkey.length !== PUBLIC_KEY_LENGTH) {
    throw new ProtocolError(ProtocolErrorCode.invalidKey, `public key must be ${PUBLIC_KEY_LENGTH} bytes, got ${pubkey.length}`);
  }
  return pubkey.slice(PUBLIC_KEY_LENGTH - ADDRESS_LENGTH);
}

/** A contract's address: the last 20 bytes of SHA-256(creator address ‖ creator nonce as u64 big-endian). */
export function contractAddress(creator: Address, creatorNonce: bigint): Address {
  if (creator.length !== ADDRESS_LENGTH) {
    throw new ProtocolError(ProtocolErrorCode.invalidField, `creator address must be ${ADDRESS_LENGTH} bytes`);
  }
  if (creatorNonce < 0n || creatorNonce >= 1n << 64n) {
    throw new ProtocolError(ProtocolErrorCode.integerOutOfRange, `creator nonce out of range: ${creatorNonce}`);
  }
  const w = new ByteWriter(28).fixed(creator, ADDRESS_LENGTH, 'creator');
  const nonce = new Uint8Array(8);
  new DataView(nonce.buffer).setBigUint64(0, creatorNonce);
  w.raw(nonce);
  return sha256(w.finish()).slice(32 - ADDRESS_LENGTH);
}

/** Which of the 1024 basic subtrees holds an address: its first 10 bits (WP 6.3). */
export function bstIndexOf(address: Uint8Array): number {
  return (((address[0] as number) << 8) | (address[1] as number)) >>> (16 - BST_BITS);
}

export function parseAddress(text: string): Address {
  const clean = text.startsWith('0x') ? text.slice(2) : text;
  if (!/^[0-9a-fA-F]{40}$/.test(clean)) {
    throw new ProtocolError(ProtocolErrorCode.invalidField, `not a 20-byte hex address: ${text.slice(0, 64)}`);
  }
  return new Uint8Array(Buffer.from(clean, 'hex'));
}
