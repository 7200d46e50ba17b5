import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

import { CIRCUITS_DIR, REPO_ROOT, type CircuitInstance } from "../../sdk/zk/circuits.js";

/**
 * circom2 flags for every build: --O2 substitutes every linear constraint away, so a circuit costs only its
 * non-linear constraints (a B-bit range check is B constraints).
 */
export const CIRCOM_FLAGS: readonly string[] = ["--O2", "-l", "node_modules"];

/** The main component file of an instance: generated, so circuits.json stays the one source of parameters. */
export function mainSource(instance: CircuitInstance): string {
  const params = instance.params.map((p) => JSON.stringify(p)).join(", ");
  return [
    "// GENERATED FILE: do not edit. Written by scripts/circuits/build.ts from circuits/circuits.json",
    `// instance ${instance.name}.`,
    "pragma circom 2.1.0;",
    "",
    `include "../${instance.file}";`,
    "",
    `component main {public [${instance.pubs.join(", ")}]} = ${instance.template}(${params});`,
    "",
  ].join("\n");
}

/** A hash of everything a build depends on: sources, parameters and tool versions. */
export function inputsHash(instance: CircuitInstance): string {
  const hash = createHash("sha256");
  hash.update(mainSource(instance));
  hash.update(CIRCOM_FLAGS.join(" "));
  // Every template an instance may include: a change in the library rebuilds what uses it.
  for (const dir of ["lib", "models"]) {
    for (const file of readdirSync(path.join(CIRCUITS_DIR, dir)).sort()) {
      hash.update(file).update(readFileSync(path.join(CIRCUITS_DIR, dir, file)));
    }
  }
  for (const file of ["circom2", "circomlib", "snarkjs"]) {
    hash.update(readFileSync(path.join(REPO_ROOT, "node_modules", file, "package.json")));
  }
  return hash.digest("hex");
}
