import { expect } from "chai";
import { ZeroHash, id } from "ethers";
import { network } from "hardhat";

import { deployLocalSystem } from "../../sdk/testing/local/deploy.js";
import { proveInference } from "../../sdk/lib/zk/prove.js";
import { ZkStatement__factory } from "../../typechain-types/index.js";
import { repositoryCircuit } from "../../sdk/tooling/zk/circuitFiles.js";

const connection = await network.create();
const { networkHelpers } = connection;

const INPUT = [256n, -512n, 768n, 1024n];
const REQUEST_ID = 77n;

/** The named fixture: the system of the Ignition module, its linked ZkStatement library, and one Linear_4 proof. */
async function linkedLibraryAndProof() {
  const system = await deployLocalSystem(connection);
  const zkStatement = ZkStatement__factory.connect(system.zkStatement, system.admin);
  const { proof, publicSignals } = await proveInference(repositoryCircuit("Linear_4"), INPUT, REQUEST_ID);
  const words = [...proof.a, ...proof.b[0], ...proof.b[1], ...proof.c].map(BigInt) as bigint[];
  const statement: [bigint, bigint, bigint] = [
    BigInt(publicSignals.inputHash),
    BigInt(publicSignals.outputHash),
    REQUEST_ID,
  ];
  return { system, zkStatement, words, statement, verifier: await system.linear4Verifier.getAddress() };
}

describe("ZkStatement: what counts as a refusal", function () {
  it("accepts the proof of its statement (the control for the refusals below)", async function () {
    const { zkStatement, words, statement, verifier } = await networkHelpers.loadFixture(linkedLibraryAndProof);
    expect(await zkStatement.verifyAll(verifier, ZeroHash, [words], [statement])).to.equal(true);
    expect(await zkStatement.verifyAll(verifier, ZeroHash, [words], [[statement[0], statement[1], 78n]])).to.equal(
      false,
    );
  });

  it("verifyOne refuses a proof of another length than 8 words, without calling the verifier", async function () {
    const { zkStatement, statement, verifier } = await networkHelpers.loadFixture(linkedLibraryAndProof);
    const [inputHash, outputHash, requestId] = statement.map((v) => `0x${v.toString(16).padStart(64, "0")}`);
    for (const proof of ["0x", `0x${"00".repeat(255)}`, `0x${"00".repeat(257)}`]) {
      expect(await zkStatement.verifyOne(verifier, ZeroHash, inputHash, outputHash, requestId, proof)).to.equal(false);
    }
  });

  it("verifyAll refuses no proof at all, and proofs and statements of different counts", async function () {
    const { zkStatement, words, statement, verifier } = await networkHelpers.loadFixture(linkedLibraryAndProof);
    expect(await zkStatement.verifyAll(verifier, ZeroHash, [], [])).to.equal(false);
    expect(await zkStatement.verifyAll(verifier, ZeroHash, [words], [statement, statement])).to.equal(false);
    expect(await zkStatement.verifyAll(verifier, ZeroHash, [words, words], [statement])).to.equal(false);
  });

  it("counts a verifier that reverts as a refusal, on the single-proof and the batched path", async function () {
    const { system, zkStatement, words, statement } = await networkHelpers.loadFixture(linkedLibraryAndProof);
    // the token has neither verifyProof nor verifyProofs: every call to it reverts
    const notAVerifier = await system.token.getAddress();
    expect(await zkStatement.verifyAll(notAVerifier, ZeroHash, [words], [statement])).to.equal(false);
    expect(await zkStatement.verifyAll(notAVerifier, id("weights"), [words], [statement])).to.equal(false);
  });
});
