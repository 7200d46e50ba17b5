import { readFileSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";

import { deployLocalSystem } from "../../sdk/testing/local/deploy.js";
import { SNARK_SCALAR_FIELD } from "../../sdk/lib/zk/field.js";
import { proveInference, toSolidityLayout, verifyInferenceProof, type InferenceProof } from "../../sdk/lib/zk/prove.js";
import { verifyingKeyHash } from "../../sdk/lib/zk/verifyingKey.js";
import { circuitArtifacts, repositoryCircuit } from "../../sdk/tooling/zk/circuitFiles.js";

const connection = await network.create();
const { networkHelpers } = connection;
const CIRCUIT = "Linear_4";

async function deployedVerifier() {
  return (await deployLocalSystem(connection)).linear4Verifier;
}

/** Checks one statement both ways: on chain with the generated verifier, off chain with snarkjs. */
async function bothVerdicts(proof: InferenceProof["raw"]["proof"], publicSignals: string[]) {
  const verifier = await networkHelpers.loadFixture(deployedVerifier);
  const { a, b, c } = toSolidityLayout(proof);
  const onChain = await verifier.verifyProof(a, b, c, publicSignals.map(BigInt) as [bigint, bigint, bigint]);
  const offChain = await verifyInferenceProof(circuitArtifacts(CIRCUIT).verificationKey, { proof, publicSignals });
  return { onChain, offChain };
}

describe("Linear_4Verifier (generated)", function () {
  let proven: InferenceProof;
  let other: InferenceProof;

  before(async function () {
    proven = await proveInference(repositoryCircuit(CIRCUIT), [100n, -200n, 300n, -400n], 42n);
    other = await proveInference(repositoryCircuit(CIRCUIT), [1n, 2n, 3n, 4n], 43n);
  });

  it("answers the hash of the committed verifying key", async function () {
    const verifier = await networkHelpers.loadFixture(deployedVerifier);
    const vk = JSON.parse(readFileSync(circuitArtifacts(CIRCUIT).verificationKey, "utf8"));
    expect(await verifier.verifyingKeyHash()).to.equal(verifyingKeyHash(vk));
  });

  it("agrees with snarkjs that a valid proof verifies", async function () {
    expect(await bothVerdicts(proven.raw.proof, proven.raw.publicSignals)).to.deep.equal({
      onChain: true,
      offChain: true,
    });
  });

  it("agrees with snarkjs on a tampered output hash, another request id and another input hash", async function () {
    const [inputHash, outputHash, requestId] = proven.raw.publicSignals;
    for (const signals of [
      [inputHash, (BigInt(outputHash) + 1n).toString(), requestId],
      [inputHash, outputHash, "43"],
      [other.raw.publicSignals[0], outputHash, requestId],
    ]) {
      expect(await bothVerdicts(proven.raw.proof, signals)).to.deep.equal({ onChain: false, offChain: false });
    }
  });

  it("agrees with snarkjs on a proof whose elements come from another proof", async function () {
    const mixed = { ...proven.raw.proof, pi_a: other.raw.proof.pi_a };
    expect(await bothVerdicts(mixed, proven.raw.publicSignals)).to.deep.equal({ onChain: false, offChain: false });
  });

  it("agrees with snarkjs that a public input not below the scalar field fails (no aliasing)", async function () {
    const [inputHash, outputHash, requestId] = proven.raw.publicSignals;
    const aliased = [inputHash, outputHash, (BigInt(requestId) + SNARK_SCALAR_FIELD).toString()];
    expect(await bothVerdicts(proven.raw.proof, aliased)).to.deep.equal({ onChain: false, offChain: false });
  });

  describe("verifyProofs (N proofs, N + 3 pairings)", function () {
    let batch: InferenceProof[];

    before(async function () {
      batch = [proven, other];
      for (let i = 0; i < 3; i++)
        batch.push(
          await proveInference(repositoryCircuit(CIRCUIT), [BigInt(i), -7n, 11n, BigInt(1000 * i)], 100n + BigInt(i)),
        );
    });

    const words = (p: InferenceProof): bigint[] => [...p.proof.a, ...p.proof.b[0], ...p.proof.b[1], ...p.proof.c];
    const signals = (p: InferenceProof): bigint[] => [
      p.publicSignals.inputHash,
      p.publicSignals.outputHash,
      p.publicSignals.requestId,
    ];
    type Words = [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
    const asProofs = (list: bigint[][]) => list as Words[];

    it("accepts batches of valid proofs of every size from 1 to 5", async function () {
      const verifier = await networkHelpers.loadFixture(deployedVerifier);
      for (let n = 1; n <= batch.length; n++) {
        const subset = batch.slice(0, n);
        expect(await verifier.verifyProofs(asProofs(subset.map(words)), subset.flatMap(signals))).to.equal(true);
      }
    });

    it("rejects a batch with one false statement, wherever it is", async function () {
      const verifier = await networkHelpers.loadFixture(deployedVerifier);
      for (let bad = 0; bad < batch.length; bad++) {
        const inputs = batch.flatMap(signals);
        inputs[3 * bad + 1] += 1n; // another output hash for proof `bad`
        expect(await verifier.verifyProofs(asProofs(batch.map(words)), inputs)).to.equal(false);
      }
    });

    it("rejects two valid proofs swapped between their statements", async function () {
      const verifier = await networkHelpers.loadFixture(deployedVerifier);
      const proofs = batch.map(words);
      [proofs[1], proofs[2]] = [proofs[2], proofs[1]];
      expect(await verifier.verifyProofs(asProofs(proofs), batch.flatMap(signals))).to.equal(false);
    });

    it("rejects public inputs that are not below the field, and points that are not on the curve", async function () {
      const verifier = await networkHelpers.loadFixture(deployedVerifier);
      const aliased = batch.flatMap(signals);
      aliased[2] += SNARK_SCALAR_FIELD;
      expect(await verifier.verifyProofs(asProofs(batch.map(words)), aliased)).to.equal(false);
      const offCurve = batch.map(words);
      offCurve[0][0] = 1n;
      offCurve[0][1] = 3n;
      expect(await verifier.verifyProofs(asProofs(offCurve), batch.flatMap(signals))).to.equal(false);
      const offCurveC = batch.map(words);
      offCurveC[3][6] = 5n;
      expect(await verifier.verifyProofs(asProofs(offCurveC), batch.flatMap(signals))).to.equal(false);
    });

    it("reverts on an empty batch or public inputs of the wrong length", async function () {
      const verifier = await networkHelpers.loadFixture(deployedVerifier);
      const library = await connection.ethers
        .getContractAt("Groth16BatchVerifier", await verifier.getAddress())
        .catch(() => verifier);
      await expect(verifier.verifyProofs([], []))
        .to.be.revertedWithCustomError(library, "Groth16BatchShapeMismatch")
        .withArgs(0n, 0n, 3n);
      await expect(verifier.verifyProofs(asProofs([words(proven)]), signals(proven).slice(0, 2)))
        .to.be.revertedWithCustomError(library, "Groth16BatchShapeMismatch")
        .withArgs(1n, 2n, 3n);
    });
  });
});
