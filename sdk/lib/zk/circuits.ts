import type { ModelWeights } from "./modelWeights.js";
import type { VerificationKeySource } from "./verifyingKey.js";

/** One entry of a circuits.json: a template instantiated with its parameters. */
export interface CircuitInstance {
  name: string;
  /** The template's file, relative to the circuits folder. */
  file: string;
  template: string;
  /** Template parameters, in order (numbers or arrays of numbers, written into the main component). */
  params: unknown[];
  /** Input signals made public, besides the outputs. */
  pubs: string[];
  /** Fixed-point fraction bits of the model's inputs and weights. */
  fracBits: number;
  /**
   * For a private-weights instance: the public-weights instance whose trained weights a prover feeds in as private
   * inputs (the circuit commits to them with its `weightsHash` output).
   */
  weightsOf?: string;
  description?: string;
}

/**
 * What snarkjs proves with: the circuit's witness generator (`.wasm`) and proving key (`.zkey`), each a file path or
 * the file's bytes (as Semaphore's `snarkArtifacts`).
 */
export interface SnarkArtifacts {
  wasm: string | Uint8Array;
  zkey: string | Uint8Array;
}

/**
 * A circuit instance with what proving and checking proofs of it take. The library reads nothing else: whoever holds
 * the artifacts (a provider's deployment, or this repository's tooling) passes them in.
 */
export interface ZkCircuit {
  /** The instance's circuits.json entry: template, parameters, fixed-point scale. */
  instance: CircuitInstance;
  /** Witness generator and proving key; needed to prove. */
  artifacts?: SnarkArtifacts;
  /** The verifying key (snarkjs JSON, its path or its bytes); needed to check a proof off chain. */
  verificationKey?: VerificationKeySource;
  /**
   * For a private-weights instance: the weights proved when a proof names none, and whose commitment a proof is
   * checked against when no ModelRegistry is consulted (the trained weights of the instance `weightsOf` names).
   */
  weights?: ModelWeights;
}

/** How many values the input signal `x` of an instance takes (a Cnn's first parameter is the image side). */
export function inputLength(instance: CircuitInstance): number {
  const first = Number(instance.params[0]);
  return instance.template === "Cnn" || instance.template === "CnnPrivate" ? first * first : first;
}

/** The Solidity identifier for instance `name` (names like `Mlp_4-8-3` carry characters Solidity refuses). */
export function solidityName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}
