import { AbiCoder } from "ethers";
import * as snarkjs from "snarkjs";

import { inputLength, type ZkCircuit } from "./circuits.js";
import { SNARK_SCALAR_FIELD, toField } from "./field.js";
import type { WeightsWitness } from "./modelWeights.js";
import { readVerificationKey, type VerificationKeySource } from "./verifyingKey.js";

/** A Groth16 proof in the layout of the Solidity verifier (G2 coordinates already swapped). */
export interface Groth16Proof {
  a: [bigint, bigint];
  b: [[bigint, bigint], [bigint, bigint]];
  c: [bigint, bigint];
}

/**
 * The public signals of an inference circuit, in the order [inputHash, outputHash, requestId], or, for a
 * private-weights circuit, [inputHash, outputHash, weightsCommitment, requestId].
 */
export interface InferencePublicSignals {
  inputHash: bigint;
  outputHash: bigint;
  /** Only for a private-weights circuit: the Poseidon commitment to the weights it ran with. */
  weightsCommitment?: bigint;
  requestId: bigint;
}

/** A proven inference. `raw` is snarkjs's own form, for `verifyInferenceProof`. */
export interface InferenceProof {
  proof: Groth16Proof;
  publicSignals: InferencePublicSignals;
  raw: { proof: snarkjs.SnarkjsProof; publicSignals: string[] };
}

/**
 * Proves that `circuit` (a model with input signal `x`) maps `input` to the output it commits to, bound to
 * `requestId`, with the witness generator and proving key in `circuit.artifacts`. A private-weights circuit also
 * takes the weights (`weights`; by default `circuit.weights`) and commits to them.
 */
export async function proveInference(
  circuit: ZkCircuit,
  input: readonly bigint[],
  requestId: bigint,
  weights?: WeightsWitness,
): Promise<InferenceProof> {
  const { instance, artifacts } = circuit;
  const name = instance.name;
  if (requestId < 0n || requestId >= SNARK_SCALAR_FIELD) {
    throw new RangeError(`request id ${requestId} must be a field element (0 <= id < SNARK_SCALAR_FIELD)`);
  }
  // Checked here, as the witness generator's own error for a wrong length names neither circuit nor lengths.
  const expected = inputLength(instance);
  if (input.length !== expected) {
    throw new RangeError(`circuit ${name} takes ${expected} inputs, got ${input.length}`);
  }
  const privateWeights = instance.weightsOf !== undefined;
  if (weights !== undefined && !privateWeights) {
    throw new Error(`circuit ${name} has public weights (circuit constants): it takes no weights`);
  }
  const witnessWeights = privateWeights ? (weights ?? circuit.weights?.witness) : {};
  if (witnessWeights === undefined) {
    throw new Error(`circuit ${name} has private weights: pass the weights to prove with (or set circuit.weights)`);
  }
  if (artifacts === undefined) throw new Error(`circuit ${name}: no proving artifacts (wasm, zkey) were given`);
  const witnessInput = {
    x: input.map((v) => toField(v).toString()),
    ...witnessWeights,
    requestId: requestId.toString(),
  };
  const { proof, publicSignals } = await snarkjs.groth16.fullProve(witnessInput, artifacts.wasm, artifacts.zkey);
  const signals = publicSignals.map(BigInt);
  if (signals.length !== (privateWeights ? 4 : 3)) {
    throw new Error(`circuit ${name} has ${signals.length} public signals, expected ${privateWeights ? 4 : 3}`);
  }
  const [inputHash, outputHash] = signals;
  return {
    proof: toSolidityLayout(proof),
    publicSignals: privateWeights
      ? { inputHash, outputHash, weightsCommitment: signals[2], requestId: signals[3] }
      : { inputHash, outputHash, requestId: signals[2] },
    raw: { proof, publicSignals },
  };
}

/** Checks a proof with snarkjs against a verifying key (the parsed JSON, its path or its bytes). */
export async function verifyInferenceProof(
  verificationKey: VerificationKeySource,
  raw: { proof: snarkjs.SnarkjsProof; publicSignals: readonly string[] },
): Promise<boolean> {
  return snarkjs.groth16.verify(readVerificationKey(verificationKey), raw.publicSignals, raw.proof);
}

/** The `proof` bytes of a ZK settlement item: abi.encode(uint256[2] a, uint256[2][2] b, uint256[2] c). */
export function encodeZkProof(proof: Groth16Proof): string {
  return AbiCoder.defaultAbiCoder().encode(["uint256[2]", "uint256[2][2]", "uint256[2]"], [proof.a, proof.b, proof.c]);
}

/** snarkjs's proof object in the verifier's layout: G2 points as (x1, x0), (y1, y0), as `exportSolidityCallData` does. */
export function toSolidityLayout(proof: snarkjs.SnarkjsProof): Groth16Proof {
  const n = (value: string) => BigInt(value);
  return {
    a: [n(proof.pi_a[0]), n(proof.pi_a[1])],
    b: [
      [n(proof.pi_b[0][1]), n(proof.pi_b[0][0])],
      [n(proof.pi_b[1][1]), n(proof.pi_b[1][0])],
    ],
    c: [n(proof.pi_c[0]), n(proof.pi_c[1])],
  };
}

/**
 * Stops snarkjs's worker threads (its cached bn128 curve), so a script can exit. Proving again afterwards starts
 * them anew.
 */
export async function releaseProverThreads(): Promise<void> {
  const holder = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  const cached = holder.curve_bn128;
  if (cached != null) {
    await cached.terminate();
    holder.curve_bn128 = null;
  }
}
