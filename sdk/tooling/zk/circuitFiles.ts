import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { solidityName, type CircuitInstance, type ZkCircuit } from "../../lib/zk/circuits.js";
import { modelWeights, weightsCommitment } from "../../lib/zk/modelWeights.js";

/** The repository root, found from this file so scripts and tests work from any working directory. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** Where circuit sources, circuits.json and build artifacts live. */
export const CIRCUITS_DIR = path.join(REPO_ROOT, "circuits");

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

/**
 * Instance `name` of this repository as the library takes it: its circuits.json entry, the committed witness
 * generator, proving key and verifying key, and, for a private-weights instance, the trained weights of the instance
 * its `weightsOf` names.
 */
export function repositoryCircuit(name: string): ZkCircuit {
  const instance = loadCircuitInstance(name);
  const files = circuitArtifacts(name);
  return {
    instance,
    artifacts: { wasm: files.wasm, zkey: files.zkey },
    verificationKey: files.verificationKey,
    weights: instance.weightsOf === undefined ? undefined : modelWeights(loadCircuitInstance(instance.weightsOf)),
  };
}

/**
 * The Poseidon commitment to the trained weights of instance `name` (for a private-weights instance, those of the
 * instance its `weightsOf` names), as a model registers it.
 */
export function trainedWeightsCommitment(name: string): bigint {
  const instance = loadCircuitInstance(name);
  return weightsCommitment(loadCircuitInstance(instance.weightsOf ?? name));
}
