/**
 * `npm run circuits:verify [-- instance ...]`: re-verifies the committed trusted setup and checks it against its
 * transcripts. For every powers-of-tau file the instances use: snarkjs verifies every contribution and the phase-2
 * preparation, and the contributions must be the ones pot<N>_transcript.txt recorded. For every instance: the zkey
 * must verify against the committed r1cs and that ptau (`verifyFromR1cs`), and its phase-2 contributions must be the
 * ones circuits/build/<name>/transcript.txt recorded. After a multi-party ceremony (circuits/README.md) this lists
 * each participant's contribution hash, for them to compare with the hash they were shown.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import * as snarkjs from "snarkjs";

import { releaseProverThreads } from "../../sdk/lib/zk/prove.js";
import {
  compareContributions,
  ptauContributions,
  zkeyContributionsFromTranscript,
  zkeyContributionsFromVerification,
} from "./transcript.js";
import { CIRCUITS_DIR, circuitArtifacts, loadCircuitInstances } from "../../sdk/tooling/zk/circuitFiles.js";

/** A snarkjs logger that keeps every line (verification prints the contributions it checked). */
function recorder(): { lines: string[]; logger: snarkjs.Logger } {
  const lines: string[] = [];
  const keep = (message: string) => void lines.push(message);
  return { lines, logger: { debug: keep, info: keep, warn: keep, error: keep } };
}

const wanted = process.argv.slice(2);
const instances = loadCircuitInstances().filter((i) => wanted.length === 0 || wanted.includes(i.name));
const unknown = wanted.filter((w) => !instances.some((i) => i.name === w));
if (unknown.length > 0) throw new Error(`unknown circuit instance(s): ${unknown.join(", ")}`);

const problems: string[] = [];
try {
  const ptauOf = new Map<string, string>();
  for (const instance of instances) {
    const { buildInfo } = circuitArtifacts(instance.name);
    if (!existsSync(buildInfo)) {
      problems.push(`${instance.name}: not built; run npm run circuits:build`);
      continue;
    }
    ptauOf.set(instance.name, path.join(CIRCUITS_DIR, JSON.parse(readFileSync(buildInfo, "utf8")).ptau));
  }

  for (const ptau of new Set(ptauOf.values())) {
    const label = path.relative(CIRCUITS_DIR, ptau);
    const { lines, logger } = recorder();
    console.log(`${label}: verifying every contribution and the phase-2 preparation...`);
    if (!(await snarkjs.powersOfTau.verify(ptau, logger))) {
      problems.push(`${label}: does not verify`);
      continue;
    }
    const verified = ptauContributions(lines);
    const transcriptFile = ptau.replace(/_final\.ptau$/, "_transcript.txt");
    const recorded = existsSync(transcriptFile) ? ptauContributions(readFileSync(transcriptFile, "utf8")) : [];
    const mismatch = compareContributions(
      verified.map((c) => c.hash),
      recorded.map((c) => c.hash),
    );
    if (mismatch !== undefined) problems.push(`${label}: ${mismatch} (${path.relative(CIRCUITS_DIR, transcriptFile)})`);
    for (const c of verified) console.log(`  contribution "${c.name}": ${c.hash.slice(0, 32)}...`);
  }

  for (const instance of instances) {
    const ptau = ptauOf.get(instance.name);
    if (ptau === undefined) continue;
    const artifacts = circuitArtifacts(instance.name);
    const { lines, logger } = recorder();
    if (!(await snarkjs.zKey.verifyFromR1cs(artifacts.r1cs, ptau, artifacts.zkey, logger))) {
      problems.push(`${instance.name}: the zkey does not verify against the r1cs and ${path.basename(ptau)}`);
      continue;
    }
    const verified = zkeyContributionsFromVerification(lines);
    const transcriptFile = path.join(artifacts.buildDir, "transcript.txt");
    const recorded = existsSync(transcriptFile)
      ? zkeyContributionsFromTranscript(readFileSync(transcriptFile, "utf8"))
      : [];
    const mismatch = compareContributions(
      verified.map((c) => c.hash),
      recorded,
    );
    if (mismatch !== undefined) problems.push(`${instance.name}: ${mismatch}`);
    console.log(`${instance.name}: zkey verifies against its r1cs and ${path.basename(ptau)}`);
    for (const c of verified) console.log(`  contribution "${c.name}": ${c.hash.slice(0, 32)}...`);
  }
} finally {
  await releaseProverThreads();
}

if (problems.length > 0) {
  console.error(`The trusted setup does not match its transcripts:\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log(`Verified: ${instances.length} circuit(s), every contribution recorded in its transcript.`);
