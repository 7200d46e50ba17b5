import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

/** The repository root, found from this file so scripts and tests work from any working directory. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** Where circuit sources, circuits.json and build artifacts live. */
export const CIRCUITS_DIR = path.join(REPO_ROOT, "circuits");

/** One entry of circuits/circuits.json: a template instantiated with its parameters. */
export interface CircuitInstance {
  name: string;
  /** The template's file, relative to circuits/. */
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

/** The files an instance is built into, all under circuits/. */
export interface CircuitArtifacts {
  main: string;
  buildDir: string;
  r1cs: string;
  wasm: string;
  zkey: string;
  verificationKey: string;
  buildInfo: string;
  solidityVerifier: string;
}

/** How many values the input signal `x` of an instance takes (a Cnn's first parameter is the image side). */
export function inputLength(instance: CircuitInstance): number {
  const first = Number(instance.params[0]);
  return instance.template === "Cnn" || instance.template === "CnnPrivate" ? first * first : first;
}

/** Reads every instance of circuits/circuits.json. */
export function loadCircuitInstances(): CircuitInstance[] {
  const file = path.join(CIRCUITS_DIR, "circuits.json");
  const entries = JSON.parse(readFileSync(file, "utf8")) as Record<string, Omit<CircuitInstance, "name">>;
  return Object.entries(entries).map(([name, entry]) => ({ name, ...entry }));
}

/** The instance called `name`; throws with the known names if there is none. */
export function loadCircuitInstance(name: string): CircuitInstance {
  const instances = loadCircuitInstances();
  const instance = instances.find((candidate) => candidate.name === name);
  if (instance === undefined) {
    throw new Error(
      `no circuit instance "${name}" in circuits.json (known: ${instances.map((i) => i.name).join(", ")})`,
    );
  }
  return instance;
}

/** The Solidity identifier for instance `name` (names like `Mlp_4-8-3` carry characters Solidity refuses). */
export function solidityName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}

/** Where the artifacts of instance `name` are. */
export function circuitArtifacts(name: string): CircuitArtifacts {
  const buildDir = path.join(CIRCUITS_DIR, "build", name);
  return {
    main: path.join(CIRCUITS_DIR, "main", `${name}.circom`),
    buildDir,
    r1cs: path.join(buildDir, `${name}.r1cs`),
    wasm: path.join(buildDir, `${name}.wasm`),
    zkey: path.join(buildDir, `${name}.zkey`),
    verificationKey: path.join(buildDir, "verification_key.json"),
    buildInfo: path.join(buildDir, "build.json"),
    solidityVerifier: path.join(REPO_ROOT, "contracts", "verifiers", "generated", `${solidityName(name)}Verifier.sol`),
  };
}
