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

/** The largest vector `hashVector` hashes in one Poseidon call. */
export const MAX_VECTOR_LENGTH = BY_ARITY.length;

/**
 * Poseidon hash of a vector of signed fixed-point integers, each mapped into the field, exactly as circomlib's
 * `Poseidon(values.length)` computes it in a circuit.
 */
export function hashVector(values: readonly bigint[]): bigint {
  const hash = BY_ARITY[values.length - 1];
  if (hash === undefined) {
    throw new RangeError(`can hash 1 to ${MAX_VECTOR_LENGTH} values in one call, got ${values.length}`);
  }
  return hash(values.map(toField));
}
