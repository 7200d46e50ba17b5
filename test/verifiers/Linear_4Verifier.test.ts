import { readFileSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";

import { deployLocalSystem } from "../../sdk/local/deploy.js";
import { circuitArtifacts } from "../../sdk/zk/circuits.js";
import { SNARK_SCALAR_FIELD } from "../../sdk/zk/field.js";
import { proveInference, toSolidityLayout, verifyInferenceProof, type InferenceProof } from "../../sdk/zk/prove.js";
import { verifyingKeyHash } from "../../sdk/zk/verifyingKey.js";

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
  const offChain = await verifyInferenceProof(CIRCUIT, { proof, publicSignals });
  return { onChain, offChain };
}

describe("Linear_4Verifier (generated)", function () {
  let proven: InferenceProof;
  let other: InferenceProof;

  before(async function () {
    proven = await proveInference(CIRCUIT, [100n, -200n, 300n, -400n], 42n);
    other = await proveInference(CIRCUIT, [1n, 2n, 3n, 4n], 43n);
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

  it("rejects on chain a public input that is not below the scalar field", async function () {
    const [inputHash, outputHash, requestId] = proven.raw.publicSignals;
    const aliased = [inputHash, outputHash, (BigInt(requestId) + SNARK_SCALAR_FIELD).toString()];
    const { onChain } = await bothVerdicts(proven.raw.proof, aliased);
    expect(onChain).to.equal(false);
  });
});
