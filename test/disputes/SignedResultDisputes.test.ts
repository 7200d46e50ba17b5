import { expect } from "chai";
import { Wallet, ZeroAddress, id, toBeHex } from "ethers";
import { network } from "hardhat";

import { challengeSignedResult, proveContradiction } from "../../sdk/lib/disputes/challenge.js";
import {
  fetchSignedBatch,
  heldSignedEarnings,
  signedBatchHash,
  signedBatchesFromLogs,
  signedResultLeaf,
  type SignedBatch,
} from "../../sdk/lib/disputes/records.js";
import { libraryLinks } from "../../sdk/testing/local/deploy.js";
import { onboardSigner, registerSignedOnlyModel } from "../../sdk/testing/local/onboarding.js";
import { inferLinear } from "../../sdk/lib/models/linear.js";
import {
  SCENARIO_CIRCUIT,
  requestInference,
  sampleInput,
  setUpScenario,
  type Scenario,
} from "../../sdk/testing/local/scenario.js";
import type { SettlementItem } from "../../sdk/lib/settlement/item.js";
import { modelIdFor } from "../../sdk/lib/settlement/modelIds.js";
import { SignerProver } from "../../sdk/lib/settlement/provers.js";
import { submitBatch } from "../../sdk/lib/settlement/submit.js";
import { Mode, Tier } from "../../sdk/lib/tiers.js";
import { releaseProverThreads } from "../../sdk/lib/zk/prove.js";
import { SignedResultDisputes__factory } from "../../typechain-types/index.js";
import { repositoryCircuit } from "../../sdk/tooling/zk/circuitFiles.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/** The named fixture: the whole system through Ignition (disputes wired), one provider, three funded clients. */
async function onboardedSystem(): Promise<Scenario> {
  return setUpScenario(connection, { clientCount: 3, deposit: 1_000_000n });
}

/** A SIGNED item whose signer vouches for `output + skew` instead of the model's output. */
async function signedItem(scenario: Scenario, seed: number, skew = 0n, client = 0): Promise<SettlementItem> {
  const dishonest: Scenario = {
    ...scenario,
    infer: (input) => [inferLinear(scenario.model, [...input]) + skew],
  };
  const { item } = await requestInference(dishonest, {
    client: scenario.clients[client],
    tier: Tier.SIGNED,
    input: sampleInput(scenario.model, seed),
  });
  return item;
}

/** Settles `items` and returns the SIGNED batch they committed. */
async function settleSigned(scenario: Scenario, items: SettlementItem[]): Promise<SignedBatch> {
  const { receipt, outcomes } = await submitBatch(scenario.system.settlement, items, Mode.Atomic);
  expect(outcomes.every((o) => o.settled)).to.equal(true);
  const batches = signedBatchesFromLogs(scenario.system.settlement.interface, receipt.logs);
  expect(batches).to.have.length(1);
  return batches[0];
}

/** A fixture with one settled batch: result 0 honest (seed 1), result 1 wrong (seed 2, output + 1), client 0. */
async function settledBatch() {
  const scenario = await onboardedSystem();
  const items = [
    await signedItem(scenario, 1),
    await signedItem(scenario, 2, 1n),
    await signedItem(scenario, 3, 0n, 1),
  ];
  const batch = await settleSigned(scenario, items);
  return { scenario, items, batch };
}

describe("SignedResultDisputes", function () {
  after(releaseProverThreads);

  describe("constructor", function () {
    it("reverts when the challenge window is not shorter than the unbonding delay, or a parameter is out of range", async function () {
      const { system } = await networkHelpers.loadFixture(onboardedSystem);
      const factory = new SignedResultDisputes__factory(libraryLinks(system), system.admin);
      const args = [
        await system.settlement.getAddress(),
        await system.modelRegistry.getAddress(),
        await system.signerRegistry.getAddress(),
      ] as const;
      const delay = await system.signerRegistry.unbondingDelay();
      for (const [window, amount, bps, name] of [
        [delay, 1n, 0n, "challengeWindow"],
        [0n, 1n, 0n, "challengeWindow"],
        [delay - 1n, 0n, 0n, "slashAmount"],
        [delay - 1n, 1n, 10_001n, "challengerShareBps"],
      ] as const) {
        await expect(factory.deploy(...args, window, amount, bps))
          .to.be.revertedWithCustomError(factory, "DisputesInvalidParameter")
          .withArgs(name);
      }
      await expect(factory.deploy(ZeroAddress, args[1], args[2], 1n, 1n, 0n)).to.be.revertedWithCustomError(
        factory,
        "DisputesZeroAddress",
      );
    });
  });

  describe("settlement commitments", function () {
    it("commits one hash per batch, holds the provider's SIGNED earnings for the window, then releases them", async function () {
      const { scenario, items, batch } = await networkHelpers.loadFixture(settledBatch);
      const { settlement, disputes } = scenario.system;
      const provider = await scenario.provider.getAddress();
      const total = items.reduce((sum, it) => sum + it.price, 0n);

      expect(batch.batchId).to.equal(BigInt(signedBatchHash(batch.records)));
      expect(batch.records.map((r) => r.requestId)).to.deep.equal(items.map((it) => it.requestId));
      expect(await fetchSignedBatch(settlement, batch.batchId)).to.deep.equal(batch);
      expect(await heldSignedEarnings(settlement, provider)).to.equal(total);
      const held = await settlement.heldEarnings(batch.batchId, provider);
      expect(held.amount).to.equal(total);
      expect(held.releaseAt).to.equal(batch.releaseAt);
      const block = await ethers.provider.getBlock("latest");
      expect(batch.releaseAt).to.equal(BigInt(block!.timestamp) + (await disputes.challengeWindow()));
      expect(await settlement.earningsOf(provider)).to.equal(0n);

      await expect(settlement.releaseSignedEarnings(batch.batchId, provider))
        .to.be.revertedWithCustomError(settlement, "SettlementStillHeld")
        .withArgs(batch.batchId, provider, batch.releaseAt);
      await networkHelpers.time.increaseTo(batch.releaseAt);
      await expect(settlement.releaseSignedEarnings(batch.batchId, provider))
        .to.emit(settlement, "SignedEarningsReleased")
        .withArgs(batch.batchId, provider, total);
      expect(await settlement.earningsOf(provider)).to.equal(total);
      await expect(settlement.releaseSignedEarnings(batch.batchId, provider))
        .to.be.revertedWithCustomError(settlement, "SettlementNothingHeld")
        .withArgs(batch.batchId, provider);
    });

    it("lets only the deployer wire the dispute path, once, and only the dispute contract reverse a payment", async function () {
      const { scenario, batch } = await networkHelpers.loadFixture(settledBatch);
      const { settlement, disputes } = scenario.system;
      const [, , , , stranger] = await ethers.getSigners();
      const disputesAddress = await disputes.getAddress();
      await expect(settlement.connect(stranger).setDisputes(disputesAddress))
        .to.be.revertedWithCustomError(settlement, "SettlementNotDeployer")
        .withArgs(stranger.address);
      await expect(settlement.setDisputes(disputesAddress))
        .to.be.revertedWithCustomError(settlement, "SettlementDisputesAlreadySet")
        .withArgs(disputesAddress);
      const record = batch.records[1];
      await expect(
        settlement
          .connect(stranger)
          .reverseSignedPayment(batch.batchId, record.provider, stranger.address, record.requestId, record.price),
      )
        .to.be.revertedWithCustomError(settlement, "SettlementNotDisputes")
        .withArgs(stranger.address);
    });
    it("holds each provider's SIGNED earnings of a mixed-provider batch apart, and a challenge touches only the wrong one", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement, disputes, signerRegistry } = scenario.system;
      const [, , , , , second] = await ethers.getSigners();
      const secondKey = new Wallet(id("tierproof/test/second-signer-key"));
      await onboardSigner(scenario.system.token, signerRegistry, second, secondKey, await signerRegistry.minStake());
      const other: Scenario = {
        ...scenario,
        provider: second,
        signerKey: secondKey,
        provers: { ...scenario.provers, [Tier.SIGNED]: new SignerProver(secondKey, scenario.domain) },
      };
      const items = [
        await signedItem(scenario, 11),
        await signedItem(other, 12, 3n),
        await signedItem(scenario, 13),
        await signedItem(other, 14),
      ];
      const batch = await settleSigned(scenario, items);
      const first = await scenario.provider.getAddress();
      expect((await settlement.heldEarnings(batch.batchId, first)).amount).to.equal(items[0].price + items[2].price);
      expect((await settlement.heldEarnings(batch.batchId, second.address)).amount).to.equal(
        items[1].price + items[3].price,
      );

      const contradiction = await proveContradiction(
        repositoryCircuit(SCENARIO_CIRCUIT),
        batch,
        1,
        sampleInput(scenario.model, 12),
      );
      await challengeSignedResult(disputes, batch, 1, contradiction);
      expect((await settlement.heldEarnings(batch.batchId, second.address)).amount).to.equal(items[3].price);
      expect((await settlement.heldEarnings(batch.batchId, first)).amount).to.equal(items[0].price + items[2].price);
      const minStake = await signerRegistry.minStake();
      expect((await signerRegistry.getProvider(second.address)).stake).to.equal(
        minStake - (await disputes.slashAmount()),
      );
      expect((await signerRegistry.getProvider(first)).stake).to.equal(minStake);
    });
  });

  describe("challenge", function () {
    it("slashes a wrong signed result: challenger and client share the slash, the payment returns to the client", async function () {
      const { scenario, items, batch } = await networkHelpers.loadFixture(settledBatch);
      const { settlement, disputes, signerRegistry, token } = scenario.system;
      const [, , , , challenger] = await ethers.getSigners();
      const provider = await scenario.provider.getAddress();
      const client = await scenario.clients[0].getAddress();
      const contradiction = await proveContradiction(
        repositoryCircuit(SCENARIO_CIRCUIT),
        batch,
        1,
        sampleInput(scenario.model, 2),
      );
      expect(contradiction.contradicts).to.equal(true);

      const stakeBefore = (await signerRegistry.getProvider(provider)).stake;
      const depositBefore = await settlement.depositOf(client);
      const heldBefore = (await settlement.heldEarnings(batch.batchId, provider)).amount;
      const slashAmount = await disputes.slashAmount();
      const toChallenger = (slashAmount * (await disputes.challengerShareBps())) / 10_000n;
      const toClient = slashAmount - toChallenger;

      const tx = disputes
        .connect(challenger)
        .challenge(batch.batchId, batch.records, 1, contradiction.provenOutputHash, contradiction.proof);
      await expect(tx)
        .to.emit(disputes, "SignedResultSlashed")
        .withArgs(
          batch.batchId,
          items[1].requestId,
          provider,
          client,
          challenger.address,
          items[1].outputHash,
          contradiction.provenOutputHash,
          toChallenger,
          toClient,
          items[1].price,
        );
      await expect(tx)
        .to.emit(settlement, "SignedPaymentReversed")
        .withArgs(batch.batchId, provider, client, items[1].requestId, items[1].price);
      await expect(tx).to.changeTokenBalances(
        ethers,
        token,
        [challenger.address, client, await signerRegistry.getAddress()],
        [toChallenger, toClient, -slashAmount],
      );
      expect((await signerRegistry.getProvider(provider)).stake).to.equal(stakeBefore - slashAmount);
      expect(await settlement.depositOf(client)).to.equal(depositBefore + items[1].price);
      expect((await settlement.heldEarnings(batch.batchId, provider)).amount).to.equal(heldBefore - items[1].price);
      expect(await disputes.isSlashed(signedResultLeaf(batch.records[1]))).to.equal(true);
      expect(await disputes.isSlashed(signedResultLeaf(batch.records[0]))).to.equal(false);
    });

    it("reverts for a correct signed result: the proven output equals the signed one", async function () {
      const { scenario, batch } = await networkHelpers.loadFixture(settledBatch);
      const { disputes } = scenario.system;
      const honest = await proveContradiction(
        repositoryCircuit(SCENARIO_CIRCUIT),
        batch,
        0,
        sampleInput(scenario.model, 1),
      );
      expect(honest.contradicts).to.equal(false);
      await expect(challengeSignedResult(disputes, batch, 0, honest))
        .to.be.revertedWithCustomError(disputes, "DisputesOutputMatches")
        .withArgs(batch.records[0].requestId, batch.records[0].outputHash);
    });

    it("reverts for a correct signed result when the claimed output is made up (no valid proof exists)", async function () {
      const { scenario, batch } = await networkHelpers.loadFixture(settledBatch);
      const { disputes } = scenario.system;
      const honest = await proveContradiction(
        repositoryCircuit(SCENARIO_CIRCUIT),
        batch,
        0,
        sampleInput(scenario.model, 1),
      );
      const madeUp = `0x${(BigInt(honest.provenOutputHash) + 1n).toString(16).padStart(64, "0")}` as const;
      await expect(challengeSignedResult(disputes, batch, 0, { provenOutputHash: madeUp, proof: honest.proof }))
        .to.be.revertedWithCustomError(disputes, "DisputesInvalidProof")
        .withArgs(batch.records[0].requestId);
    });

    it("reverts when the proof is for another request id or another input", async function () {
      const { scenario, batch } = await networkHelpers.loadFixture(settledBatch);
      const { disputes } = scenario.system;
      // A valid proof of result 2 (another request, another input) against result 1.
      const other = await proveContradiction(
        repositoryCircuit(SCENARIO_CIRCUIT),
        batch,
        2,
        sampleInput(scenario.model, 3),
      );
      await expect(challengeSignedResult(disputes, batch, 1, other))
        .to.be.revertedWithCustomError(disputes, "DisputesInvalidProof")
        .withArgs(batch.records[1].requestId);
      await expect(challengeSignedResult(disputes, batch, 1, { ...other, proof: "0x1234" }))
        .to.be.revertedWithCustomError(disputes, "DisputesMalformedProof")
        .withArgs(batch.records[1].requestId);
    });

    it("reverts after the challenge window", async function () {
      const { scenario, batch } = await networkHelpers.loadFixture(settledBatch);
      const { disputes } = scenario.system;
      const contradiction = await proveContradiction(
        repositoryCircuit(SCENARIO_CIRCUIT),
        batch,
        1,
        sampleInput(scenario.model, 2),
      );
      await networkHelpers.time.increaseTo(batch.releaseAt);
      await expect(challengeSignedResult(disputes, batch, 1, contradiction))
        .to.be.revertedWithCustomError(disputes, "DisputesWindowClosed")
        .withArgs(batch.batchId, batch.records[1].requestId, batch.releaseAt);
    });

    it("cannot slash the same result twice", async function () {
      const { scenario, batch } = await networkHelpers.loadFixture(settledBatch);
      const { disputes } = scenario.system;
      const contradiction = await proveContradiction(
        repositoryCircuit(SCENARIO_CIRCUIT),
        batch,
        1,
        sampleInput(scenario.model, 2),
      );
      await challengeSignedResult(disputes, batch, 1, contradiction);
      await expect(challengeSignedResult(disputes, batch, 1, contradiction))
        .to.be.revertedWithCustomError(disputes, "DisputesAlreadySlashed")
        .withArgs(batch.batchId, batch.records[1].requestId);
    });

    it("reverts when the records are not the committed batch, the batch is unknown or the index is out of range", async function () {
      const { scenario, batch } = await networkHelpers.loadFixture(settledBatch);
      const { disputes, settlement } = scenario.system;
      const contradiction = await proveContradiction(
        repositoryCircuit(SCENARIO_CIRCUIT),
        batch,
        1,
        sampleInput(scenario.model, 2),
      );
      // Claim the signer vouched for something else than it did: the batch hash no longer matches.
      const forged = batch.records.map((r, i) =>
        i === 1 ? { ...r, outputHash: contradiction.provenOutputHash.replace(/.$/, "0") as typeof r.outputHash } : r,
      );
      await expect(
        disputes.challenge(batch.batchId, forged, 1, contradiction.provenOutputHash, contradiction.proof),
      ).to.be.revertedWithCustomError(disputes, "DisputesRecordsMismatch");
      await expect(
        disputes.challenge(
          batch.batchId,
          batch.records.slice(0, 2),
          1,
          contradiction.provenOutputHash,
          contradiction.proof,
        ),
      ).to.be.revertedWithCustomError(disputes, "DisputesRecordsMismatch");
      // Records that were never committed as a batch: they hash to their id, but nothing is held under it.
      const uncommitted = batch.records.slice(0, 2);
      const uncommittedId = BigInt(signedBatchHash(uncommitted));
      await expect(
        disputes.challenge(uncommittedId, uncommitted, 1, contradiction.provenOutputHash, contradiction.proof),
      )
        .to.be.revertedWithCustomError(disputes, "DisputesUnknownBatch")
        .withArgs(uncommittedId);
      await expect(disputes.challenge(2n, batch.records, 1, contradiction.provenOutputHash, contradiction.proof))
        .to.be.revertedWithCustomError(disputes, "DisputesRecordsMismatch")
        .withArgs(2n, toBeHex(2n, 32), batch.resultsHash);
      await expect(
        disputes.challenge(batch.batchId, batch.records, 3, contradiction.provenOutputHash, contradiction.proof),
      )
        .to.be.revertedWithCustomError(disputes, "DisputesIndexOutOfRange")
        .withArgs(batch.batchId, 3n, 3n);
      expect((await settlement.heldEarnings(uncommittedId, batch.records[1].provider)).releaseAt).to.equal(0n);
    });

    it("reverts when the model has no ZK verifier: another model's proof cannot stand in", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { disputes, modelRegistry } = scenario.system;
      const signedOnly = modelIdFor(await scenario.system.admin.getAddress(), "signed-only model");
      await registerSignedOnlyModel(modelRegistry, scenario.system.admin, signedOnly, 1n);
      const item = await signedItem({ ...scenario, modelId: signedOnly }, 1, 1n);
      const batch = await settleSigned(scenario, [item]);
      // A valid Linear_4 proof for the same request, input and the true output.
      const linearProof = await proveContradiction(
        repositoryCircuit(SCENARIO_CIRCUIT),
        batch,
        0,
        sampleInput(scenario.model, 1),
      );
      expect(linearProof.contradicts).to.equal(true);
      await expect(challengeSignedResult(disputes, batch, 0, linearProof))
        .to.be.revertedWithCustomError(disputes, "DisputesNoVerifier")
        .withArgs(signedOnly);
    });

    it("still slashes after the model was retired: retiring does not shield a signer", async function () {
      const { scenario, batch } = await networkHelpers.loadFixture(settledBatch);
      const { disputes, modelRegistry } = scenario.system;
      await (await modelRegistry.retireModel(scenario.modelId)).wait();
      const contradiction = await proveContradiction(
        repositoryCircuit(SCENARIO_CIRCUIT),
        batch,
        1,
        sampleInput(scenario.model, 2),
      );
      await expect(challengeSignedResult(disputes, batch, 1, contradiction)).to.emit(disputes, "SignedResultSlashed");
    });

    it("caps the slash at the stake left, and still reverses the payment when no stake is left", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { disputes, signerRegistry } = scenario.system;
      const provider = await scenario.provider.getAddress();
      const seeds = [4, 5, 6];
      const items = await Promise.all(seeds.map((seed) => signedItem(scenario, seed, 5n)));
      const batch = await settleSigned(scenario, items);
      const stake = (await signerRegistry.getProvider(provider)).stake;
      const slashAmount = await disputes.slashAmount();
      expect(stake).to.equal(2n * slashAmount); // the fixture's minimum stake: two slashes take it all
      const slashed: bigint[] = [];
      for (const [index, seed] of seeds.entries()) {
        const contradiction = await proveContradiction(
          repositoryCircuit(SCENARIO_CIRCUIT),
          batch,
          index,
          sampleInput(scenario.model, seed),
        );
        const receipt = await challengeSignedResult(disputes, batch, index, contradiction);
        const event = receipt.logs
          .map((log) => disputes.interface.parseLog(log))
          .find((parsed) => parsed?.name === "SignedResultSlashed");
        slashed.push(event!.args.toChallenger + event!.args.toClient);
        expect(event!.args.reversed).to.equal(items[index].price);
      }
      expect(slashed).to.deep.equal([slashAmount, slashAmount, 0n]);
      expect((await signerRegistry.getProvider(provider)).stake).to.equal(0n);
    });
  });

  describe("unbonding during a window", function () {
    it("a provider that begins unbonding cannot withdraw before its results' windows close, and stays slashable", async function () {
      const { scenario, batch } = await networkHelpers.loadFixture(settledBatch);
      const { disputes, signerRegistry, token } = scenario.system;
      const provider = scenario.provider;
      const providerAddress = await provider.getAddress();
      await (await signerRegistry.connect(provider).beginUnbonding()).wait();
      const { unlockAt } = await signerRegistry.getProvider(providerAddress);
      expect(unlockAt).to.be.greaterThan(batch.releaseAt);

      // It can no longer vouch: nothing it signs from now on settles, so no new window opens.
      const late = await signedItem(scenario, 9);
      await expect(scenario.system.settlement.settle([late], Mode.Atomic)).to.be.revertedWithCustomError(
        scenario.system.settlement,
        "SettlementSignerNotActive",
      );

      // Until the last window closes (and longer) the stake stays locked ...
      const contradiction = await proveContradiction(
        repositoryCircuit(SCENARIO_CIRCUIT),
        batch,
        1,
        sampleInput(scenario.model, 2),
      );
      await networkHelpers.time.increaseTo(batch.releaseAt - 10n);
      await expect(signerRegistry.connect(provider).withdrawStake(providerAddress))
        .to.be.revertedWithCustomError(signerRegistry, "SignerRegistryStillLocked")
        .withArgs(providerAddress, unlockAt);
      // ... and slashable.
      await challengeSignedResult(disputes, batch, 1, contradiction);
      const left = (await signerRegistry.getProvider(providerAddress)).stake;
      expect(left).to.equal((await signerRegistry.minStake()) - (await disputes.slashAmount()));

      await networkHelpers.time.increaseTo(unlockAt);
      await expect(signerRegistry.connect(provider).withdrawStake(providerAddress)).to.changeTokenBalances(
        ethers,
        token,
        [providerAddress],
        [left],
      );
    });
  });
});
