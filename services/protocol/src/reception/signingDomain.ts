import { sha256 } from '../hash.js';

/**
 * Every message an RN or LN signs is a SHA-256 digest prefixed with its own domain tag, so a
 * signature made for one kind of message can never be presented as another (a co-signature as
 * a package signature, or either as a transaction signature, whose digest is an untagged id).
 * The operator's admin requests have their own tags for the same reason.
 */
export const SigningDomain = {
  coSignature: 'clusterchain/v1/cosignature',
  package: 'clusterchain/v1/package',
  roster: 'clusterchain/v1/roster',
  /** The operator's request to a cluster leader to change the roster (admin.ts). */
  rosterChange: 'clusterchain/v1/admin/roster-change',
  /** The operator's request to a reception node to drain before a relay handoff (admin.ts). */
  drainRequest: 'clusterchain/v1/admin/drain',
} as const;
export type SigningDomain = (typeof SigningDomain)[keyof typeof SigningDomain];

const encoder = new TextEncoder();

/** SHA-256(tag length u8 ‖ tag ‖ message): the digest that is actually signed. */
export function domainDigest(domain: SigningDomain, message: Uint8Array): Uint8Array {
  const tag = encoder.encode(domain);
  const input = new Uint8Array(1 + tag.length + message.length);
  input[0] = tag.length;
  input.set(tag, 1);
  input.set(message, 1 + tag.length);
  return sha256(input);
}
