import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { type CircuitInstance } from "../../sdk/lib/zk/circuits.js";
import { CIRCUITS_DIR, REPO_ROOT } from "../../sdk/tooling/zk/circuitFiles.js";

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
  // Every file the instance includes, transitively: a change in a template rebuilds exactly what uses it.
  for (const file of includedFiles(path.join(CIRCUITS_DIR, instance.file))) {
    hash.update(path.relative(REPO_ROOT, file)).update(readFileSync(file));
  }
  for (const file of ["circom2", "circomlib", "snarkjs"]) {
    hash.update(readFileSync(path.join(REPO_ROOT, "node_modules", file, "package.json")));
  }
  return hash.digest("hex");
}

/**
 * `file` and every file it includes, transitively, sorted: includes resolve against the including file's folder,
 * then node_modules (the `-l node_modules` of CIRCOM_FLAGS), as circom resolves them.
 */
export function includedFiles(file: string, seen: Set<string> = new Set()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  for (const match of readFileSync(file, "utf8").matchAll(/^\s*include\s+"([^"]+)"\s*;/gm)) {
    const local = path.resolve(path.dirname(file), match[1]);
    const resolved = existsSync(local) ? local : path.join(REPO_ROOT, "node_modules", match[1]);
    if (!existsSync(resolved)) throw new Error(`${path.relative(REPO_ROOT, file)} includes ${match[1]}, not found`);
    includedFiles(resolved, seen);
  }
  return [...seen].sort();
}
