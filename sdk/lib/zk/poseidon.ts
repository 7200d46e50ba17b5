import * as poseidon from "poseidon-lite";

import { toField } from "./field.js";

type Hash = (inputs: bigint[]) => bigint;

/** poseidon-lite's Poseidon(n) for n = 1..16, the same permutation as circomlib's `Poseidon(n)`. */
const BY_ARITY: readonly Hash[] = [
  poseidon.poseidon1,
  poseidon.poseidon2,
  poseidon.poseidon3,
  poseidon.poseidon4,
  poseidon.poseidon5,
  poseidon.poseidon6,
  poseidon.poseidon7,
  poseidon.poseidon8,
  poseidon.poseidon9,
  poseidon.poseidon10,
  poseidon.poseidon11,
  poseidon.poseidon12,
  poseidon.poseidon13,
  poseidon.poseidon14,
  poseidon.poseidon15,
  poseidon.poseidon16,
];

/** The largest vector hashed in one Poseidon call; longer vectors are hashed in chunks of this size. */
export const CHUNK = BY_ARITY.length;
/** The longest vector `hashVector` commits to (CHUNK chunks of CHUNK). */
export const MAX_VECTOR_LENGTH = CHUNK * CHUNK;

function hashOnce(elements: bigint[]): bigint {
  return BY_ARITY[elements.length - 1](elements);
}

/**
 * The commitment to a vector of signed fixed-point integers, each mapped into the field, exactly as the circuits
 * compute it (`VectorHash` in circuits/lib/vectorhash.circom): circomlib's Poseidon(n) for n <= 16, otherwise
 * Poseidon over the Poseidon hashes of consecutive chunks of 16.
 */
export function hashVector(values: readonly bigint[]): bigint {
  if (values.length === 0 || values.length > MAX_VECTOR_LENGTH) {
    throw new RangeError(`can hash 1 to ${MAX_VECTOR_LENGTH} values, got ${values.length}`);
  }
  const elements = values.map(toField);
  if (elements.length <= CHUNK) return hashOnce(elements);
  const chunkHashes: bigint[] = [];
  for (let start = 0; start < elements.length; start += CHUNK)
    chunkHashes.push(hashOnce(elements.slice(start, start + CHUNK)));
  return hashOnce(chunkHashes);
}
