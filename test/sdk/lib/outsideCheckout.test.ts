import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { circuitArtifacts, loadCircuitInstance, REPO_ROOT } from "../../../sdk/tooling/zk/circuitFiles.js";

const CIRCUIT = "Linear_4";

/**
 * What a provider outside this repository runs: the library's entry, an instance's circuits.json entry and its
 * artifacts in the provider's own folder. Proves from artifact paths and from artifact bytes, verifies with the
 * verifying key's path, bytes and parsed JSON, and prints what the parent checks.
 */
const PROGRAM = `
import { readFileSync } from "node:fs";

import {
  commitVector,
  inferLinear,
  linearModel,
  proveInference,
  releaseProverThreads,
  verifyInferenceProof,
} from "./sdk/lib/index.js";

const instance = JSON.parse(readFileSync("artifacts/instance.json", "utf8"));
const input = [100n, -200n, 300n, -400n];
const byPath = await proveInference(
  { instance, artifacts: { wasm: "artifacts/circuit.wasm", zkey: "artifacts/circuit.zkey" } },
  input,
  42n,
);
const byBytes = await proveInference(
  { instance, artifacts: { wasm: readFileSync("artifacts/circuit.wasm"), zkey: readFileSync("artifacts/circuit.zkey") } },
  input,
  43n,
);
const vkPath = "artifacts/verification_key.json";
const vk = JSON.parse(readFileSync(vkPath, "utf8"));
const [inputHash, outputHash, requestId] = byPath.raw.publicSignals;
const otherOutput = { proof: byPath.raw.proof, publicSignals: [inputHash, (BigInt(outputHash) + 1n).toString(), requestId] };
console.log(
  JSON.stringify({
    outputHash: byPath.publicSignals.outputHash.toString(),
    bytesOutputHash: byBytes.publicSignals.outputHash.toString(),
    bytesRequestId: byBytes.publicSignals.requestId.toString(),
    reference: BigInt(commitVector([inferLinear(linearModel(instance), input)])).toString(),
    verifiedByPath: await verifyInferenceProof(vkPath, byPath.raw),
    verifiedByBytes: await verifyInferenceProof(readFileSync(vkPath), byBytes.raw),
    verifiedByJson: await verifyInferenceProof(vk, byBytes.raw),
    otherOutputVerified: await verifyInferenceProof(vk, otherOutput),
  }),
);
await releaseProverThreads();
`;

describe("sdk/lib outside the checkout", function () {
  it("proves and verifies from a folder of its own, with the artifacts passed in as paths and as bytes", function () {
    // A provider's folder: the library's sources (and the contract bindings it imports), the packages, and the
    // artifacts of one circuit. Nothing else of the repository: a path the library derived from its own location
    // (circuits/, build/) would not exist here.
    const dir = mkdtempSync(path.join(tmpdir(), "tierproof-lib-"));
    cpSync(path.join(REPO_ROOT, "sdk", "lib"), path.join(dir, "sdk", "lib"), { recursive: true });
    cpSync(path.join(REPO_ROOT, "typechain-types"), path.join(dir, "typechain-types"), { recursive: true });
    symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
    const files = circuitArtifacts(CIRCUIT);
    mkdirSync(path.join(dir, "artifacts"));
    cpSync(files.wasm, path.join(dir, "artifacts", "circuit.wasm"));
    cpSync(files.zkey, path.join(dir, "artifacts", "circuit.zkey"));
    cpSync(files.verificationKey, path.join(dir, "artifacts", "verification_key.json"));
    writeFileSync(path.join(dir, "artifacts", "instance.json"), JSON.stringify(loadCircuitInstance(CIRCUIT)));
    writeFileSync(path.join(dir, "provider.ts"), PROGRAM);

    after(() => rmSync(dir, { recursive: true, force: true }));
    const run = spawnSync(
      process.execPath,
      [path.join(REPO_ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "provider.ts"],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(run.status, run.stderr).to.equal(0);
    const result = JSON.parse(run.stdout.trim().split("\n").at(-1)!);
    expect(result.outputHash).to.equal(result.reference);
    expect(result.bytesOutputHash).to.equal(result.reference);
    expect(result.bytesRequestId).to.equal("43");
    expect(result.verifiedByPath).to.equal(true);
    expect(result.verifiedByBytes).to.equal(true);
    expect(result.verifiedByJson).to.equal(true);
    expect(result.otherOutputVerified).to.equal(false);
  });
});
