/** P-256 helpers of the enclave simulator, on `@noble/curves`: deterministic keys and raw (r, s) signatures. */
import { p256 } from "@noble/curves/nist.js";
import { bytesToNumberBE, concatBytes, numberToBytesBE } from "@noble/curves/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";

/** The order of the P-256 group. */
export const P256_N: bigint = p256.Point.CURVE().n;

/** A P-256 key pair; `publicKey` is the 64-byte X ‖ Y (the form Intel quotes carry). */
export interface P256Key {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

/** A P-256 key derived from `label` (sha256 of it, re-hashed in the negligible case it is not a valid scalar). */
export function p256KeyFromLabel(label: string): P256Key {
  let secretKey = sha256(new TextEncoder().encode(label));
  while (bytesToNumberBE(secretKey) === 0n || bytesToNumberBE(secretKey) >= P256_N) secretKey = sha256(secretKey);
  return { secretKey, publicKey: p256.getPublicKey(secretKey, false).slice(1) };
}

/** X and Y of a 64-byte public key as 0x-prefixed 32-byte hex strings. */
export function p256Coordinates(publicKey: Uint8Array): { x: `0x${string}`; y: `0x${string}` } {
  if (publicKey.length !== 64) throw new Error(`expected a 64-byte P-256 public key, got ${publicKey.length} bytes`);
  const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}` as const;
  return { x: hex(publicKey.slice(0, 32)), y: hex(publicKey.slice(32)) };
}

/** Which half of the group order the signature's s should be in: as signed, forced low, or forced high. */
export type SPolicy = "any" | "low" | "high";

/**
 * ECDSA-SHA256 of `message` (hashed here) with `key`: r and s as 32-byte big-endian numbers. `high` returns the
 * equivalent (r, n - s) with s above n/2, as signers that do not normalise produce half the time.
 */
export function signP256(key: P256Key, message: Uint8Array, policy: SPolicy = "any"): { r: bigint; s: bigint } {
  const compact = p256.sign(message, key.secretKey, { prehash: true, lowS: false });
  const r = bytesToNumberBE(compact.slice(0, 32));
  let s = bytesToNumberBE(compact.slice(32));
  const high = s > P256_N / 2n;
  if ((policy === "low" && high) || (policy === "high" && !high)) s = P256_N - s;
  return { r, s };
}

/** r ‖ s, 64 bytes (the form Intel quotes carry). */
export function rawSignature(signature: { r: bigint; s: bigint }): Uint8Array {
  return concatBytes(numberToBytesBE(signature.r, 32), numberToBytesBE(signature.s, 32));
}
