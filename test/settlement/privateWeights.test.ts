import { expect } from "chai";
import { network } from "hardhat";

import { setUpScenario, type Scenario } from "../../sdk/testing/local/scenario.js";
import { inferLinear, linearModel, type LinearModel } from "../../sdk/lib/models/linear.js";
import { fulfilOrder } from "../../sdk/lib/settlement/fulfil.js";
import { Payment, toBytes32, type Hex, type SettlementItem } from "../../sdk/lib/settlement/item.js";
import { modelIdFor } from "../../sdk/lib/settlement/modelIds.js";
import { buildOrder } from "../../sdk/lib/settlement/order.js";
import { ZkProver, type ResultProver } from "../../sdk/lib/settlement/provers.js";
import { RequestIdAllocator } from "../../sdk/lib/settlement/requestIds.js";
import { submitBatch } from "../../sdk/lib/settlement/submit.js";
import { signOrder } from "../../sdk/lib/settlement/typedData.js";
import { VoucherSession, type Voucher } from "../../sdk/lib/settlement/vouchers.js";
import { Mode, Tier } from "../../sdk/lib/tiers.js";
import { modelWeights, weightsCommitment } from "../../sdk/lib/zk/modelWeights.js";
import { hashVector } from "../../sdk/lib/zk/poseidon.js";
import { encodeZkProof, proveInference } from "../../sdk/lib/zk/prove.js";
import { connectTierproof } from "../../sdk/lib/x402/chain.js";
import { checkResult, type ResultToCheck } from "../../sdk/lib/x402/checkResult.js";
import { loadCircuitInstance, repositoryCircuit, trainedWeightsCommitment } from "../../sdk/tooling/zk/circuitFiles.js";

const connection = await network.create();
const { networkHelpers, ethers } = connection;

const CIRCUIT = "LinearPrivate_4";
const PRICE = 4_000n;

interface PrivateModelFixture {
  scenario: Scenario;
  modelId: Hex;
  /** A second model on the same verifier whose registered commitment is not the one of the weights used. */
  wrongCommitmentId: Hex;
  model: LinearModel;
}

/** The named fixture: the local scenario plus the Linear_4 weights registered as a private-weights model. */
async function privateWeightsModel(): Promise<PrivateModelFixture> {
  const scenario = await setUpScenario(connection, { clientCount: 2, deposit: 1_000_000n });
  const admin = await scenario.system.admin.getAddress();
  const verifier = await ethers.deployContract("LinearPrivate_4Verifier");
  const config = {
    verifier: await verifier.getAddress(),
    verifyingKeyHash: await verifier.verifyingKeyHash(),
    weightsCommitment: toBytes32(trainedWeightsCommitment(CIRCUIT)),
    privateWeights: true,
    inputSize: 4,
    outputSize: 1,
    fracBits: 8,
    acceptedTiers: 1 << Tier.ZK,
    prices: [PRICE, 0n, 0n] as [bigint, bigint, bigint],
  };
  const modelId = modelIdFor(admin, CIRCUIT);
  const wrongCommitmentId = modelIdFor(admin, `${CIRCUIT} with a stale commitment`);
  await (await scenario.system.modelRegistry.registerModel(modelId, config)).wait();
  await (
    await scenario.system.modelRegistry.registerModel(wrongCommitmentId, {
      ...config,
      weightsCommitment: toBytes32(hashVector([1n, 2n, 3n, 4n, 5n])),
    })
  ).wait();
  return { scenario, modelId, wrongCommitmentId, model: linearModel(loadCircuitInstance("Linear_4")) };
}

/** A prover that runs the private-weights circuit with weights of its own choosing (an honest or a cheating one). */
function proverWith(weights: bigint[], bias: bigint): ResultProver {
  return {
    tier: Tier.ZK,
    async prove(order, outcome) {
      const witness = { w: weights.map(String), b: String(bias) };
      const { proof } = await proveInference(
        repositoryCircuit(CIRCUIT),
        [...outcome.input],
        BigInt(order.requestId),
        witness,
      );
      return encodeZkProof(proof) as Hex;
    },
  };
}

const ids = new RequestIdAllocator();

/** The input of `zkItem(fixture, seed)`. */
function inputFor(seed: number): bigint[] {
  return [BigInt(seed * 37 - 500), BigInt(200 - seed * 11), BigInt(seed * 53), BigInt(-seed * 29)];
}

/** A client's order for the model, fulfilled by `prover` with the reference inference of `model`. */
async function zkItem(
  fixture: PrivateModelFixture,
  seed: number,
  options: { modelId?: Hex; prover?: ResultProver; model?: LinearModel; session?: VoucherSession } = {},
): Promise<SettlementItem & { voucher?: Voucher }> {
  const { scenario } = fixture;
  const latest = await ethers.provider.getBlock("latest");
  const input = inputFor(seed);
  const order = buildOrder({
    requestId: ids.next(),
    modelId: options.modelId ?? fixture.modelId,
    client: await scenario.clients[0].getAddress(),
    provider: await scenario.provider.getAddress(),
    tier: Tier.ZK,
    input,
    price: PRICE,
    deadline: BigInt(latest!.timestamp) + 3600n,
  });
  const model = options.model ?? fixture.model;
  const infer = (x: readonly bigint[]) => [inferLinear(model, [...x])];
  const prover = options.prover ?? new ZkProver(repositoryCircuit(CIRCUIT));
  if (options.session !== undefined) {
    const voucher = await options.session.authorize(order);
    const { item } = await fulfilOrder(order, "0x", input, infer, prover, Payment.Voucher);
    return { ...item, voucher };
  }
  const signature = await signOrder(scenario.clients[0], scenario.domain, order);
  const { item } = await fulfilOrder(order, signature, input, infer, prover);
  return item;
}

describe("InferenceSettlement with a private-weights model", function () {
  it("the committed weights are the ones circuits.json trained, and the circuit outputs their commitment", async function () {
    const { model } = await networkHelpers.loadFixture(privateWeightsModel);
    expect(modelWeights(loadCircuitInstance("Linear_4")).vector).to.deep.equal([...model.weights, model.bias]);
    const { publicSignals } = await proveInference(repositoryCircuit(CIRCUIT), [1n, 2n, 3n, 4n], 7n);
    expect(publicSignals.weightsCommitment).to.equal(trainedWeightsCommitment(CIRCUIT));
    expect(publicSignals.requestId).to.equal(7n);
  });

  it("settles one proof alone and three in one batch check, and pays for each", async function () {
    const fixture = await networkHelpers.loadFixture(privateWeightsModel);
    const { settlement } = fixture.scenario.system;
    const provider = await fixture.scenario.provider.getAddress();
    const before = await settlement.earningsOf(provider);

    const single = await zkItem(fixture, 1);
    expect((await submitBatch(settlement, [single], Mode.Atomic)).outcomes[0].settled).to.equal(true);
    const batch = [await zkItem(fixture, 2), await zkItem(fixture, 3), await zkItem(fixture, 4)];
    const { outcomes } = await submitBatch(settlement, batch, Mode.Atomic);
    expect(outcomes.every((o) => o.settled)).to.equal(true);
    expect((await settlement.earningsOf(provider)) - before).to.equal(4n * PRICE);
  });

  it("rejects a proof made with other weights than the registered commitment, alone and inside a batch", async function () {
    const fixture = await networkHelpers.loadFixture(privateWeightsModel);
    const { settlement } = fixture.scenario.system;
    const { model } = fixture;
    // A provider that swaps in cheaper weights: the circuit is satisfied, but its weights commitment differs.
    const cheatWeights = model.weights.map((w, i) => (i === 0 ? w + 1n : w));
    const cheat = { ...model, weights: cheatWeights };
    const forged = await zkItem(fixture, 5, { prover: proverWith(cheatWeights, model.bias), model: cheat });

    await expect(settlement.settle([forged], Mode.Atomic))
      .to.be.revertedWithCustomError(settlement, "SettlementInvalidZkProof")
      .withArgs(forged.requestId);
    const honest = [await zkItem(fixture, 6), await zkItem(fixture, 7)];
    const { outcomes } = await submitBatch(settlement, [honest[0], forged, honest[1]], Mode.Partial);
    expect(outcomes.map((o) => o.settled)).to.deep.equal([true, false, true]);
    expect(outcomes[1].reason).to.equal(`SettlementInvalidZkProof(${forged.requestId})`);
  });

  it("rejects honest proofs for a model whose registered commitment is not their weights'", async function () {
    const fixture = await networkHelpers.loadFixture(privateWeightsModel);
    const { settlement } = fixture.scenario.system;
    const items = [
      await zkItem(fixture, 8, { modelId: fixture.wrongCommitmentId }),
      await zkItem(fixture, 9, { modelId: fixture.wrongCommitmentId }),
    ];
    await expect(settlement.settle(items.slice(0, 1), Mode.Atomic))
      .to.be.revertedWithCustomError(settlement, "SettlementInvalidZkProof")
      .withArgs(items[0].requestId);
    await expect(settlement.settle(items, Mode.Atomic))
      .to.be.revertedWithCustomError(settlement, "SettlementInvalidZkProof")
      .withArgs(items[0].requestId);
  });

  it("the x402 client's checkResult checks a private-weights proof with the weights commitment, as settlement does", async function () {
    const fixture = await networkHelpers.loadFixture(privateWeightsModel);
    const { scenario, model } = fixture;
    const chain = await connectTierproof(ethers.provider, await scenario.system.settlement.getAddress());
    const toCheck = (item: SettlementItem, output: bigint): ResultToCheck => ({
      order: item,
      output: [output],
      outputHash: item.outputHash,
      proof: item.proof,
      circuit: repositoryCircuit(CIRCUIT),
      domain: scenario.domain,
    });

    const honest = await zkItem(fixture, 21);
    const output = inferLinear(model, inputFor(21));
    expect((await checkResult(toCheck(honest, output))).tier).to.equal(Tier.ZK);
    expect((await checkResult(toCheck(honest, output), chain)).onChain).to.include(
      "weights commitment = ModelRegistry's",
    );
    // The model registered with another commitment: the same proof does not verify against it.
    await expect(
      checkResult(toCheck({ ...honest, modelId: fixture.wrongCommitmentId }, output), chain),
    ).to.be.rejectedWith(/does not verify/);

    const cheatWeights = model.weights.map((w, i) => (i === 0 ? w + 1n : w));
    const cheat = { ...model, weights: cheatWeights };
    const forged = await zkItem(fixture, 22, { prover: proverWith(cheatWeights, model.bias), model: cheat });
    await expect(checkResult(toCheck(forged, inferLinear(cheat, inputFor(22))))).to.be.rejectedWith(/does not verify/);
  });

  it("checks private-weights proofs with the weights binding in a voucher batch too (terms cached per batch)", async function () {
    const fixture = await networkHelpers.loadFixture(privateWeightsModel);
    const { scenario, model } = fixture;
    const { settlement } = scenario.system;
    const session = await VoucherSession.fromChain(
      settlement,
      scenario.clients[0],
      scenario.domain,
      await scenario.provider.getAddress(),
    );
    const cheatWeights = model.weights.map((w, i) => (i === 0 ? w + 1n : w));
    const cheat = { ...model, weights: cheatWeights };
    const items = [
      await zkItem(fixture, 31, { session }),
      await zkItem(fixture, 32, { session, prover: proverWith(cheatWeights, model.bias), model: cheat }),
      await zkItem(fixture, 33, { session }),
    ];
    const { outcomes } = await submitBatch(
      settlement,
      items.map(({ voucher: _, ...item }) => item),
      Mode.Partial,
      [items[2].voucher!],
    );
    expect(outcomes.map((o) => o.settled)).to.deep.equal([true, false, true]);
    expect(outcomes[1].reason).to.equal(`SettlementInvalidZkProof(${items[1].requestId})`);
    expect(await settlement.earningsOf(await scenario.provider.getAddress())).to.equal(2n * PRICE);
  });
});
