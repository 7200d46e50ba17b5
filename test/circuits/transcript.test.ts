import { readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import * as snarkjs from "snarkjs";

import {
  compareContributions,
  ptauContributions,
  zkeyContributionsFromTranscript,
  zkeyContributionsFromVerification,
} from "../../scripts/circuits/transcript.js";
import { CIRCUITS_DIR, circuitArtifacts } from "../../sdk/tooling/zk/circuitFiles.js";

const CIRCUIT = "Linear_4";

describe("trusted-setup transcripts (npm run circuits:verify)", function () {
  it("the contributions in the committed zkey are exactly the ones its transcript recorded", async function () {
    const artifacts = circuitArtifacts(CIRCUIT);
    const ptau = path.join(CIRCUITS_DIR, JSON.parse(readFileSync(artifacts.buildInfo, "utf8")).ptau);
    const log: string[] = [];
    const keep = (message: string) => void log.push(message);
    const logger = { debug: keep, info: keep, warn: keep, error: keep };
    expect(await snarkjs.zKey.verifyFromR1cs(artifacts.r1cs, ptau, artifacts.zkey, logger)).to.equal(true);

    const verified = zkeyContributionsFromVerification(log);
    expect(verified.map((c) => c.name)).to.deep.equal(["tierproof local phase 2"]);
    const recorded = zkeyContributionsFromTranscript(
      readFileSync(path.join(artifacts.buildDir, "transcript.txt"), "utf8"),
    );
    expect(
      compareContributions(
        verified.map((c) => c.hash),
        recorded,
      ),
    ).to.equal(undefined);
  });

  it("reports a contribution the transcript does not record, and one it records that the file lacks", function () {
    const a = "a".repeat(128);
    const b = "b".repeat(128);
    expect(compareContributions([a, b], [a])).to.match(/in the file but not the transcript: b{16}/);
    expect(compareContributions([a], [a, b])).to.match(/in the transcript but not the file: b{16}/);
    expect(compareContributions([], [])).to.equal("the file lists no contribution");
  });

  it("reads the powers-of-tau contributions of the committed transcript", function () {
    const transcript = readFileSync(path.join(CIRCUITS_DIR, "ptau", "pot10_transcript.txt"), "utf8");
    const contributions = ptauContributions(transcript);
    expect(contributions.map((c) => c.name)).to.deep.equal(["tierproof local contribution"]);
    expect(contributions[0].hash).to.match(/^[0-9a-f]{128}$/);
  });
});
