/**
 * Proves the committed ZK artifacts fresh, without re-running the ceremony (`npm run check:generated`):
 * for every instance in circuits/circuits.json, the main component, the verifying key and the Solidity verifier
 * must equal what the committed zkey regenerates, the zkey must verify against the committed r1cs and powers of tau,
 * and build.json must record the hash of the current sources (a changed circuit must be rebuilt).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import * as snarkjs from "snarkjs";

import { releaseProverThreads } from "../../sdk/lib/zk/prove.js";
import { exportVerificationKey, renderSolidityVerifier } from "../../sdk/tooling/zk/solidityVerifier.js";
import { inputsHash, mainSource } from "./sources.js";
import { CIRCUITS_DIR, REPO_ROOT, circuitArtifacts, loadCircuitInstances } from "../../sdk/tooling/zk/circuitFiles.js";

const problems: string[] = [];

function compare(file: string, expected: string): void {
  const name = path.relative(REPO_ROOT, file);
  if (!existsSync(file)) {
    problems.push(`${name}: missing`);
    return;
  }
  const actual = readFileSync(file, "utf8");
  if (actual === expected) return;
  const actualLines = actual.split("\n");
  const expectedLines = expected.split("\n");
  const line = expectedLines.findIndex((text, i) => text !== actualLines[i]);
  problems.push(
    `${name}: differs from what its source regenerates (first at line ${line + 1}:\n` +
      `  committed:   ${actualLines[line] ?? "<end of file>"}\n  regenerated: ${expectedLines[line] ?? "<end of file>"})`,
  );
}

for (const instance of loadCircuitInstances()) {
  const artifacts = circuitArtifacts(instance.name);
  compare(artifacts.main, mainSource(instance));
  if (!existsSync(artifacts.zkey) || !existsSync(artifacts.buildInfo)) {
    problems.push(`${instance.name}: not built; run npm run circuits:build`);
    continue;
  }
  const info = JSON.parse(readFileSync(artifacts.buildInfo, "utf8"));
  if (info.inputsHash !== inputsHash(instance)) {
    problems.push(`${instance.name}: sources changed since the last build; run npm run circuits:build`);
  }
  compare(artifacts.verificationKey, `${JSON.stringify(await exportVerificationKey(artifacts.zkey), null, 2)}\n`);
  compare(artifacts.solidityVerifier, await renderSolidityVerifier(instance.name));
  const ptau = path.join(CIRCUITS_DIR, info.ptau);
  if (!(await snarkjs.zKey.verifyFromR1cs(artifacts.r1cs, ptau, artifacts.zkey))) {
    problems.push(`${instance.name}: the zkey does not verify against the r1cs and ${info.ptau}`);
  }
  console.log(`${instance.name}: checked`);
}
await releaseProverThreads();

if (problems.length > 0) {
  console.error(`Generated ZK artifacts are stale:\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log("Generated ZK artifacts are fresh.");
