import { readFileSync } from "node:fs";

import { keccak256, toBeHex, concat } from "ethers";

import type { Hex } from "../settlement/item.js";

/** A Groth16 verifying key as snarkjs exports it (decimal strings, affine coordinates with z = 1). */
export interface VerificationKey {
  protocol: string;
  curve: string;
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
}

/** A verifying key as the library takes it: the parsed JSON, the path of its file, or the file's bytes. */
export type VerificationKeySource = VerificationKey | string | Uint8Array;

/** The verifying key `source` names (parsed, read from its path, or decoded from its bytes). */
export function readVerificationKey(source: VerificationKeySource): VerificationKey {
  if (typeof source === "string") return JSON.parse(readFileSync(source, "utf8")) as VerificationKey;
  if (source instanceof Uint8Array) return JSON.parse(new TextDecoder().decode(source)) as VerificationKey;
  return source;
}

/**
 * The key's coordinates in the order the snarkjs Solidity template declares its constants: alpha (x, y); beta,
 * gamma, delta as (x1, x2, y1, y2) with snarkjs's swap of the Fp2 halves; then IC0x, IC0y, IC1x, ...
 */
export function verifyingKeyWords(vk: VerificationKey): bigint[] {
  if (vk.protocol !== "groth16" || vk.curve !== "bn128") {
    throw new Error(`expected a groth16 key on bn128, got ${vk.protocol} on ${vk.curve}`);
  }
  const g2 = (point: string[][]) => [point[0][1], point[0][0], point[1][1], point[1][0]];
  return [
    vk.vk_alpha_1[0],
    vk.vk_alpha_1[1],
    ...g2(vk.vk_beta_2),
    ...g2(vk.vk_gamma_2),
    ...g2(vk.vk_delta_2),
    ...vk.IC.flatMap((point) => [point[0], point[1]]),
  ].map(BigInt);
}

/** keccak256 over the 32-byte words of `verifyingKeyWords`: what the generated verifier's `verifyingKeyHash()` returns. */
export function verifyingKeyHash(vk: VerificationKey): Hex {
  return keccak256(concat(verifyingKeyWords(vk).map((word) => toBeHex(word, 32)))) as Hex;
}
