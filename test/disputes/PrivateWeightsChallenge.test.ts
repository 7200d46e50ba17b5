import { expect } from "chai";
import { network } from "hardhat";

import { challengeSignedResult, proveContradiction } from "../../sdk/lib/disputes/challenge.js";
import { signedBatchesFromLogs, signedResultLeaf, type SignedBatch } from "../../sdk/lib/disputes/records.js";
import { SCENARIO_PRICES, requestInference, sampleInput, setUpScenario } from "../../sdk/testing/local/scenario.js";
import { inferLinear } from "../../sdk/lib/models/linear.js";
import { toBytes32 } from "../../sdk/lib/settlement/item.js";
import { modelIdFor } from "../../sdk/lib/settlement/modelIds.js";
import { submitBatch } from "../../sdk/lib/settlement/submit.js";
import { Mode, Tier } from "../../sdk/lib/tiers.js";
import { weightsCommitment } from "../../sdk/lib/zk/modelWeights.js";
import { repositoryCircuit, trainedWeightsCommitment } from "../../sdk/tooling/zk/circuitFiles.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const CIRCUIT = "LinearPrivate_4";

/**
 * The named fixture: the local scenario plus the Linear_4 weights registered as a private-weights model that also
 * accepts the SIGNED tier, and one settled SIGNED result of it whose signer vouched for the model's output + 1.
 */
async function wrongPrivateWeightsResult() {
  const scenario = await setUpScenario(connection, { clientCount: 1, deposit: 1_000_000n });
  const { modelRegistry, settlement } = scenario.system;
  const verifier = await ethers.deployContract("LinearPrivate_4Verifier");
  const modelId = modelIdFor(await scenario.system.admin.getAddress(), CIRCUIT);
  await (
    await modelRegistry.registerModel(modelId, {
      verifier: await verifier.getAddress(),
      verifyingKeyHash: await verifier.verifyingKeyHash(),
      weightsCommitment: toBytes32(trainedWeightsCommitment(CIRCUIT)),
      privateWeights: true,
      inputSize: 4,
      outputSize: 1,
      fracBits: scenario.model.fracBits,
      acceptedTiers: (1 << Tier.ZK) | (1 << Tier.SIGNED),
      prices: [SCENARIO_PRICES[Tier.ZK], 0n, SCENARIO_PRICES[Tier.SIGNED]],
    })
  ).wait();
  const input = sampleInput(scenario.model, 7);
  const dishonest = {
    ...scenario,
    modelId,
    infer: (x: readonly bigint[]) => [inferLinear(scenario.model, [...x]) + 1n],
  };
  const { item } = await requestInference(dishonest, { client: scenario.clients[0], tier: Tier.SIGNED, input });
  const { receipt, outcomes } = await submitBatch(settlement, [item], Mode.Atomic);
  expect(outcomes.map((o) => o.settled)).to.deep.equal([true]);
  const batches: SignedBatch[] = signedBatchesFromLogs(settlement.interface, receipt.logs);
  return { scenario, modelId, input, item, batch: batches[0] };
}

describe("SignedResultDisputes: a SIGNED result of a private-weights model", function () {
  it("slashes on a proof of the private-weights circuit, checked with the registered weights commitment", async function () {
    const { scenario, batch, input, item } = await networkHelpers.loadFixture(wrongPrivateWeightsResult);
    const { disputes } = scenario.system;
    const contradiction = await proveContradiction(repositoryCircuit(CIRCUIT), batch, 0, input);
    expect(contradiction.contradicts).to.equal(true);
    await expect(challengeSignedResult(disputes, batch, 0, contradiction))
      .to.emit(disputes, "SignedResultSlashed")
      .withArgs(
        batch.batchId,
        item.requestId,
        await scenario.provider.getAddress(),
        await scenario.clients[0].getAddress(),
        await scenario.system.admin.getAddress(),
        item.outputHash,
        contradiction.provenOutputHash,
        (v: bigint) => v > 0n,
        (v: bigint) => v > 0n,
        item.price,
      );
    expect(await disputes.isSlashed(signedResultLeaf(batch.records[0]))).to.equal(true);
  });

  it("reverts with DisputesInvalidProof on a proof of the public-weights circuit (it binds no weights commitment)", async function () {
    const { scenario, batch, input, item } = await networkHelpers.loadFixture(wrongPrivateWeightsResult);
    const { disputes } = scenario.system;
    // Linear_4 computes the same output from the same weights, but its proof has no commitment among its signals
    const publicWeights = await proveContradiction(repositoryCircuit("Linear_4"), batch, 0, input);
    expect(publicWeights.contradicts).to.equal(true);
    await expect(challengeSignedResult(disputes, batch, 0, publicWeights))
      .to.be.revertedWithCustomError(disputes, "DisputesInvalidProof")
      .withArgs(item.requestId);
    expect(await disputes.isSlashed(signedResultLeaf(batch.records[0]))).to.equal(false);
  });
});
