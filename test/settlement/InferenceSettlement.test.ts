import { expect } from "chai";
import { Wallet, id, type TypedDataDomain } from "ethers";
import { network } from "hardhat";

import { heldSignedEarnings } from "../../sdk/lib/disputes/records.js";
import { registerSignedOnlyModel } from "../../sdk/testing/local/onboarding.js";
import { requestInference, sampleInput, setUpScenario, type Scenario } from "../../sdk/testing/local/scenario.js";
import type { Hex, SettlementItem } from "../../sdk/lib/settlement/item.js";
import { mlpModel, inferMlp } from "../../sdk/lib/models/mlp.js";
import { fulfilOrder } from "../../sdk/lib/settlement/fulfil.js";
import { modelIdFor } from "../../sdk/lib/settlement/modelIds.js";
import { buildOrder } from "../../sdk/lib/settlement/order.js";
import { RequestIdAllocator } from "../../sdk/lib/settlement/requestIds.js";
import { SignerProver, ZkProver } from "../../sdk/lib/settlement/provers.js";
import { signOrder } from "../../sdk/lib/settlement/typedData.js";
import { submitBatch } from "../../sdk/lib/settlement/submit.js";
import { SimulatedEnclave } from "../../sdk/testing/tee/enclave.js";
import { ALL_TIERS, Mode, Tier } from "../../sdk/lib/tiers.js";
import { loadCircuitInstance, repositoryCircuit } from "../../sdk/tooling/zk/circuitFiles.js";

const connection = await network.create();
const { networkHelpers } = connection;

/** The named fixture: the whole system deployed through Ignition, one provider on all tiers, three funded clients. */
async function onboardedSystem(): Promise<Scenario> {
  return setUpScenario(connection, { clientCount: 3, deposit: 1_000_000n });
}

/** Everything money-related that settlement may touch, to compare before and after. */
async function balances(scenario: Scenario) {
  const { settlement, token } = scenario.system;
  const deposits = await Promise.all(scenario.clients.map(async (c) => settlement.depositOf(await c.getAddress())));
  return {
    deposits,
    earnings: await providerCredit(scenario),
    held: await token.balanceOf(await settlement.getAddress()),
  };
}

/** The provider's withdrawable earnings plus its SIGNED earnings held for the challenge window. */
async function providerCredit(scenario: Scenario): Promise<bigint> {
  const { settlement } = scenario.system;
  const provider = await scenario.provider.getAddress();
  return (await settlement.earningsOf(provider)) + (await heldSignedEarnings(settlement, provider));
}

async function item(scenario: Scenario, tier: Tier, seed = 0, client = 0) {
  const { item } = await requestInference(scenario, {
    client: scenario.clients[client],
    tier,
    input: sampleInput(scenario.model, seed),
  });
  return item;
}

/** Re-signs an item's order as its client, under another EIP-712 domain or after changing order fields. */
async function resign(
  scenario: Scenario,
  it: SettlementItem,
  client: number,
  domain: TypedDataDomain = scenario.domain,
) {
  return { ...it, clientSignature: await signOrder(scenario.clients[client], domain, it) };
}

describe("InferenceSettlement", function () {
  describe("settle", function () {
    it("settles a mixed batch of ZK, TEE and SIGNED items in one transaction and moves exactly their prices", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const items: SettlementItem[] = [];
      for (let i = 0; i < 6; i++) items.push(await item(scenario, ALL_TIERS[i % 3], i, i % 3));
      const before = await balances(scenario);

      const { receipt, outcomes } = await submitBatch(settlement, items, Mode.Atomic);

      expect(outcomes.every((o) => o.settled)).to.equal(true);
      const after = await balances(scenario);
      const total = items.reduce((sum, it) => sum + it.price, 0n);
      expect(after.earnings - before.earnings).to.equal(total);
      expect(after.held).to.equal(before.held);
      for (let c = 0; c < 3; c++) {
        const paid = items.filter((_, i) => i % 3 === c).reduce((sum, it) => sum + it.price, 0n);
        expect(before.deposits[c] - after.deposits[c]).to.equal(paid);
      }
      for (const it of items) expect(await settlement.isRequestSettled(it.client, it.requestId)).to.equal(true);

      const block = await connection.ethers.provider.getBlock(receipt.blockNumber);
      const epoch = await settlement.epochOf(block!.timestamp);
      const [stats] = await settlement.getTierStats(epoch, epoch);
      for (const tier of ALL_TIERS) {
        const ofTier = items.filter((it) => it.tier === tier);
        expect(stats[tier].count).to.equal(BigInt(ofTier.length));
        expect(stats[tier].value).to.equal(ofTier.reduce((sum, it) => sum + it.price, 0n));
      }
      await expect(receipt).to.not.equal(null);
    });

    it("emits ItemSettled for every item and BatchSettled once", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const it = await item(scenario, Tier.SIGNED);
      const tx = settlement.settle([it], Mode.Atomic);
      await expect(tx)
        .to.emit(settlement, "ItemSettled")
        .withArgs(it.requestId, it.client, it.provider, it.modelId, it.tier, it.price, it.inputHash, it.outputHash);
      const block = await (await (await tx).wait())!.getBlock();
      await expect(tx)
        .to.emit(settlement, "BatchSettled")
        .withArgs(
          await scenario.system.admin.getAddress(),
          Mode.Atomic,
          1n,
          0n,
          await settlement.epochOf(block.timestamp),
        );
    });

    it("reverts on an empty batch", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      await expect(settlement.settle([], Mode.Partial)).to.be.revertedWithCustomError(
        settlement,
        "SettlementEmptyBatch",
      );
    });

    /** Each way to cheat: how to build the bad item, and the error it must meet. No money may move for it. */
    const cheats: {
      name: string;
      build: (s: Scenario) => Promise<SettlementItem>;
      error: string;
      args?: (s: Scenario, it: SettlementItem) => Promise<unknown[]> | unknown[];
    }[] = [
      {
        name: "a SIGNED result is signed by a key that is not registered",
        build: async (s) => {
          const it = await item(s, Tier.SIGNED);
          const stranger = new Wallet(id("stranger"));
          return {
            ...it,
            proof: await new SignerProver(stranger, s.domain).prove(it, {
              input: [],
              output: [],
              outputHash: it.outputHash,
            }),
          };
        },
        error: "SettlementUnknownSigner",
        args: (_s, it) => [it.requestId, new Wallet(id("stranger")).address],
      },
      {
        name: "a TEE result is signed by an enclave that never registered",
        build: async (s) => {
          const it = await item(s, Tier.TEE);
          const rogue = new SimulatedEnclave(s.enclave.measurement, { key: new Wallet(id("rogue enclave")) });
          return { ...it, proof: await rogue.signResult(s.domain, it, it.outputHash) };
        },
        error: "SettlementUnknownEnclave",
        args: (_s, it) => [it.requestId, new Wallet(id("rogue enclave")).address],
      },
      {
        name: "the enclave key was revoked",
        build: async (s) => {
          await (await s.system.teeRegistry.revokeEnclave(s.enclave.address)).wait();
          return item(s, Tier.TEE);
        },
        error: "SettlementEnclaveNotActive",
        args: (s, it) => [it.requestId, s.enclave.address, 2n],
      },
      {
        name: "governance revoked the enclave's measurement",
        build: async (s) => {
          await (await s.system.teeRegistry.revokeMeasurement(s.modelId, s.enclave.measurement)).wait();
          return item(s, Tier.TEE);
        },
        error: "SettlementEnclaveNotActive",
        args: (s, it) => [it.requestId, s.enclave.address, 4n],
      },
      {
        name: "the order's deadline has passed",
        build: async (s) => {
          const it = await item(s, Tier.SIGNED);
          await networkHelpers.time.increaseTo(it.deadline + 1n);
          return it;
        },
        error: "SettlementOrderExpired",
        args: (_s, it) => [it.requestId, it.deadline],
      },
      {
        name: "a ZK proof made for another request is reused",
        build: async (s) => {
          const proven = await item(s, Tier.ZK, 5);
          const other = await item(s, Tier.ZK, 5);
          return { ...other, proof: proven.proof };
        },
        error: "SettlementInvalidZkProof",
        args: (_s, it) => [it.requestId],
      },
      {
        name: "the output of a ZK item is tampered with",
        build: async (s) => {
          const it = await item(s, Tier.ZK, 6);
          return { ...it, outputHash: (await item(s, Tier.SIGNED, 7)).outputHash };
        },
        error: "SettlementInvalidZkProof",
        args: (_s, it) => [it.requestId],
      },
      {
        name: "the output of a TEE item is tampered with",
        build: async (s) => {
          const it = await item(s, Tier.TEE, 8);
          return { ...it, outputHash: (await item(s, Tier.SIGNED, 9)).outputHash };
        },
        error: "SettlementUnknownEnclave",
      },
      {
        name: "the order was signed for another chain",
        build: async (s) => resign(s, await item(s, Tier.SIGNED), 0, { ...s.domain, chainId: 1n }),
        error: "SettlementInvalidClientSignature",
        args: (_s, it) => [it.requestId, it.client],
      },
      {
        name: "the order was signed for another settlement contract",
        build: async (s) =>
          resign(s, await item(s, Tier.SIGNED), 0, { ...s.domain, verifyingContract: s.enclave.address }),
        error: "SettlementInvalidClientSignature",
        args: (_s, it) => [it.requestId, it.client],
      },
      {
        name: "the price was raised after the client signed",
        build: async (s) => ({ ...(await item(s, Tier.SIGNED)), price: 5_000n }),
        error: "SettlementInvalidClientSignature",
        args: (_s, it) => [it.requestId, it.client],
      },
      {
        name: "the client's deposit does not cover the price",
        build: async (s) => resign(s, { ...(await item(s, Tier.SIGNED)), price: 2_000_000n }, 0),
        error: "SettlementInsufficientDeposit",
        args: async (s, it) => [it.client, await s.system.settlement.depositOf(it.client), it.price],
      },
      {
        name: "the price is below the model's price for the tier",
        build: async (s) => resign(s, { ...(await item(s, Tier.ZK)), price: 1n }, 0),
        error: "SettlementPriceBelowModelPrice",
        args: (_s, it) => [it.requestId, 1n, 3_000n],
      },
      {
        name: "the model does not accept the tier",
        build: async (s) => {
          const it = await item(s, Tier.TEE);
          const signedOnly = modelIdFor(await s.system.admin.getAddress(), "signed-only model");
          await registerSignedOnlyModel(s.system.modelRegistry, s.system.admin, signedOnly, 1n);
          return resign(s, { ...it, modelId: signedOnly }, 0);
        },
        error: "SettlementTierNotAccepted",
        args: (_s, it) => [it.requestId, it.modelId, Tier.TEE],
      },
      {
        name: "the request id is not below the SNARK field",
        build: async (s) => resign(s, { ...(await item(s, Tier.SIGNED)), requestId: `0x${"ff".repeat(32)}` }, 0),
        error: "SettlementRequestIdOutOfField",
        args: (_s, it) => [it.requestId],
      },
      {
        name: "a SIGNED result signature is given in its malleable form (s in the upper half)",
        build: async (s) => {
          const it = await item(s, Tier.SIGNED);
          const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
          const r = it.proof.slice(2, 66);
          const high = (n - BigInt(`0x${it.proof.slice(66, 130)}`)).toString(16).padStart(64, "0");
          const v = parseInt(it.proof.slice(130, 132), 16) === 27 ? "1c" : "1b";
          return { ...it, proof: `0x${r}${high}${v}` as Hex };
        },
        error: "SettlementInvalidResultSignature",
        args: (_s, it) => [it.requestId],
      },
      {
        name: "a TEE result signature has an invalid v",
        build: async (s) => {
          const it = await item(s, Tier.TEE);
          return { ...it, proof: `${it.proof.slice(0, 130)}1d` as Hex };
        },
        error: "SettlementInvalidResultSignature",
        args: (_s, it) => [it.requestId],
      },
      {
        name: "the proof bytes have the wrong length",
        build: async (s) => ({ ...(await item(s, Tier.ZK, 3)), proof: "0x1234" }),
        error: "SettlementMalformedProof",
        args: (_s, it) => [it.requestId, Tier.ZK],
      },
    ];

    for (const cheat of cheats) {
      it(`reverts in Atomic mode, moving no money, when ${cheat.name}`, async function () {
        const scenario = await networkHelpers.loadFixture(onboardedSystem);
        const { settlement } = scenario.system;
        const bad = await cheat.build(scenario);
        const good = await item(scenario, Tier.SIGNED, 99, 1);
        const before = await balances(scenario);

        const attempt = expect(settlement.settle([good, bad], Mode.Atomic)).to.be.revertedWithCustomError(
          settlement,
          cheat.error,
        );
        if (cheat.args) await attempt.withArgs(...(await cheat.args(scenario, bad)));
        else await attempt;

        expect(await balances(scenario)).to.deep.equal(before);
        expect(await settlement.isRequestSettled(good.client, good.requestId)).to.equal(false);
      });
    }

    it("in Partial mode skips every bad item with its reason and settles the good ones", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const goods = [
        await item(scenario, Tier.ZK, 1, 0),
        await item(scenario, Tier.TEE, 2, 1),
        await item(scenario, Tier.SIGNED, 3, 2),
      ];
      const bads: SettlementItem[] = [];
      for (const cheat of cheats.filter((c) => !/revoked|deadline|does not accept/.test(c.name)))
        bads.push(await cheat.build(scenario));
      const batch = [goods[0], ...bads.slice(0, 4), goods[1], ...bads.slice(4), goods[2]];
      const before = await balances(scenario);

      const { outcomes } = await submitBatch(settlement, batch, Mode.Partial);

      const settled = outcomes.filter((o) => o.settled).map((o) => o.requestId);
      expect(settled).to.deep.equal(goods.map((g) => g.requestId));
      for (const outcome of outcomes.filter((o) => !o.settled)) expect(outcome.reason).to.match(/^Settlement\w+\(/);
      const after = await balances(scenario);
      expect(after.earnings - before.earnings).to.equal(goods.reduce((sum, g) => sum + g.price, 0n));
      expect(after.held).to.equal(before.held);
    });

    it("verifies the ZK items of one model together: several cost much less each than one alone", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const zk: SettlementItem[] = [];
      for (let i = 0; i < 8; i++) zk.push(await item(scenario, Tier.ZK, 40 + i, i % 3));
      const alone = await settlement.settle.estimateGas([zk[0]], Mode.Atomic);
      const together = await settlement.settle.estimateGas(zk, Mode.Atomic);
      // One Groth16 verification alone is ~230k gas; in a batch of 8 each proof costs a fraction of it.
      expect(together / 8n < alone / 2n).to.equal(true, `8 together: ${together}, 1 alone: ${alone}`);
      const { outcomes } = await submitBatch(settlement, zk, Mode.Atomic);
      expect(outcomes.every((o) => o.settled)).to.equal(true);
    });

    it("still names the one false ZK proof among several of one model, and settles the rest in Partial mode", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const zk: SettlementItem[] = [];
      for (let i = 0; i < 5; i++) zk.push(await item(scenario, Tier.ZK, 50 + i, i % 3));
      const forged = { ...zk[2], outputHash: zk[3].outputHash };
      const batch = [zk[0], zk[1], forged, zk[3], zk[4]];

      await expect(settlement.settle(batch, Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementInvalidZkProof")
        .withArgs(forged.requestId);
      const before = await balances(scenario);
      const { outcomes } = await submitBatch(settlement, batch, Mode.Partial);
      expect(outcomes.map((o) => o.settled)).to.deep.equal([true, true, false, true, true]);
      expect(outcomes[2].reason).to.equal(`SettlementInvalidZkProof(${forged.requestId})`);
      expect((await balances(scenario)).earnings - before.earnings).to.equal(4n * forged.price);
    });

    it("settles ZK items of two models (Linear_4 and the Iris MLP) together, each model's proofs in one batch check", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { system } = scenario;
      const admin = await system.admin.getAddress();
      const iris = mlpModel(loadCircuitInstance("Mlp_4-8-3"));
      const irisId = modelIdFor(admin, "Mlp_4-8-3");
      await (
        await system.modelRegistry.registerModel(irisId, {
          verifier: await system.irisMlpVerifier.getAddress(),
          verifyingKeyHash: await system.irisMlpVerifier.verifyingKeyHash(),
          weightsCommitment: `0x${"00".repeat(32)}`,
          privateWeights: false,
          inputSize: 4,
          outputSize: 4,
          fracBits: 8,
          acceptedTiers: 1 << Tier.ZK,
          prices: [5_000n, 0n, 0n],
        })
      ).wait();
      const latest = await connection.ethers.provider.getBlock("latest");
      const ids = new RequestIdAllocator();
      const batch: SettlementItem[] = [];
      const classes: number[] = [];
      for (let i = 0; i < 3; i++) {
        // Standardised Iris-like features at 2^8.
        const input = [BigInt(-300 + 200 * i), BigInt(100 - 150 * i), BigInt(-350 + 300 * i), BigInt(-320 + 290 * i)];
        const order = buildOrder({
          requestId: ids.next(),
          modelId: irisId,
          client: await scenario.clients[0].getAddress(),
          provider: await scenario.provider.getAddress(),
          tier: Tier.ZK,
          input,
          price: 5_000n,
          deadline: BigInt(latest!.timestamp) + 3600n,
        });
        const signature = await signOrder(scenario.clients[0], scenario.domain, order);
        const { item: fulfilled, output } = await fulfilOrder(
          order,
          signature,
          input,
          (x) => inferMlp(iris, x).vector,
          new ZkProver(repositoryCircuit("Mlp_4-8-3")),
        );
        batch.push(fulfilled, await item(scenario, Tier.ZK, 60 + i, 1));
        classes.push(Number(output[0]));
      }
      expect(new Set(classes).size).to.be.greaterThan(1);
      const before = await balances(scenario);
      const { outcomes } = await submitBatch(system.settlement, batch, Mode.Atomic);
      expect(outcomes.every((o) => o.settled)).to.equal(true);
      expect((await balances(scenario)).earnings - before.earnings).to.equal(3n * 5_000n + 3n * 3_000n);
    });

    it("rejects a request id replayed in a later batch", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const it = await item(scenario, Tier.TEE);
      await (await settlement.settle([it], Mode.Atomic)).wait();
      const before = await balances(scenario);

      await expect(settlement.settle([it], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementRequestAlreadySettled")
        .withArgs(it.client, it.requestId);
      expect(await balances(scenario)).to.deep.equal(before);
    });

    it("rejects a request id used twice in one batch, settling only the first", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const it = await item(scenario, Tier.ZK, 4);

      await expect(settlement.settle([it, it], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementRequestAlreadySettled")
        .withArgs(it.client, it.requestId);
      const before = await balances(scenario);
      const { outcomes } = await submitBatch(settlement, [it, it], Mode.Partial);
      expect(outcomes.map((o) => o.settled)).to.deep.equal([true, false]);
      expect((await balances(scenario)).earnings - before.earnings).to.equal(it.price);
    });

    it("lets the same request id be used by two different clients", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const shared = `0x${"00".repeat(31)}2a` as Hex;
      const a = (
        await requestInference(scenario, {
          client: scenario.clients[0],
          tier: Tier.SIGNED,
          input: [1n, 2n, 3n, 4n],
          requestId: shared,
        })
      ).item;
      const b = (
        await requestInference(scenario, {
          client: scenario.clients[1],
          tier: Tier.SIGNED,
          input: [1n, 2n, 3n, 4n],
          requestId: shared,
        })
      ).item;
      const { outcomes } = await submitBatch(settlement, [a, b], Mode.Atomic);
      expect(outcomes.every((o) => o.settled)).to.equal(true);
    });

    it("rejects a SIGNED result once the signer starts unbonding", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement, signerRegistry } = scenario.system;
      const it = await item(scenario, Tier.SIGNED);
      await (await signerRegistry.connect(scenario.provider).beginUnbonding()).wait();

      await expect(settlement.settle([it], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementSignerNotActive")
        .withArgs(it.requestId, scenario.signerKey.address, 2n);
    });

    it("rejects a result whose key belongs to another provider", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const [, , , , intruder] = await connection.ethers.getSigners();
      const it = await item(scenario, Tier.SIGNED);
      const redirected = await resign(scenario, { ...it, provider: await intruder.getAddress() }, 0);
      const proof = await new SignerProver(scenario.signerKey, scenario.domain).prove(redirected, {
        input: [],
        output: [],
        outputHash: redirected.outputHash,
      });

      await expect(settlement.settle([{ ...redirected, proof }], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementProviderMismatch")
        .withArgs(it.requestId, await intruder.getAddress(), await scenario.provider.getAddress());
    });
  });

  describe("digests", function () {
    it("orderDigest and resultDigest match the SDK's EIP-712 hashing", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const it = await item(scenario, Tier.SIGNED);
      const { orderDigest, resultDigest } = await import("../../sdk/lib/settlement/typedData.js");
      expect(await settlement.orderDigest(it)).to.equal(orderDigest(scenario.domain, it));
      expect(await settlement.resultDigest(it)).to.equal(resultDigest(scenario.domain, it, it.outputHash));
    });
  });

  describe("escrow", function () {
    it("depositFor reverts on a zero client or amount", async function () {
      const { system } = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = system;
      await expect(
        settlement.depositFor("0x0000000000000000000000000000000000000000", 1n),
      ).to.be.revertedWithCustomError(settlement, "SettlementZeroAddress");
      await expect(settlement.depositFor(await system.admin.getAddress(), 0n)).to.be.revertedWithCustomError(
        settlement,
        "SettlementZeroAmount",
      );
    });

    it("withdraw waits for the delay, pays at most the deposit left, and emits the new balance", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement, token } = scenario.system;
      const client = scenario.clients[0];
      const address = await client.getAddress();
      const deposit = await settlement.depositOf(address);

      await expect(settlement.connect(client).requestWithdrawal(deposit + 1n))
        .to.be.revertedWithCustomError(settlement, "SettlementInsufficientBalance")
        .withArgs(address, deposit, deposit + 1n);
      await expect(settlement.connect(client).withdraw(address))
        .to.be.revertedWithCustomError(settlement, "SettlementWithdrawalNotReady")
        .withArgs(address, 0n);
      await expect(settlement.connect(client).requestWithdrawal(deposit)).to.emit(settlement, "WithdrawalRequested");
      await expect(settlement.connect(client).withdraw(address)).to.be.revertedWithCustomError(
        settlement,
        "SettlementWithdrawalNotReady",
      );

      // A result the client already received still settles during the delay.
      const it = await item(scenario, Tier.SIGNED);
      await (await settlement.settle([it], Mode.Atomic)).wait();

      await networkHelpers.time.increase(await settlement.withdrawalDelay());
      const withdrawal = settlement.connect(client).withdraw(address);
      await expect(withdrawal)
        .to.emit(settlement, "Withdrawn")
        .withArgs(address, address, deposit - it.price, 0n);
      await expect(withdrawal).to.changeTokenBalances(connection.ethers, token, [address], [deposit - it.price]);
      await expect(settlement.connect(client).withdraw(address)).to.be.revertedWithCustomError(
        settlement,
        "SettlementWithdrawalNotReady",
      );
    });

    it("withdrawEarnings pays the provider once", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement, token } = scenario.system;
      const provider = await scenario.provider.getAddress();
      const it = await item(scenario, Tier.TEE);
      await (await settlement.settle([it], Mode.Atomic)).wait();

      await expect(
        settlement.connect(scenario.provider).withdrawEarnings("0x0000000000000000000000000000000000000000"),
      ).to.be.revertedWithCustomError(settlement, "SettlementZeroAddress");
      const withdrawal = settlement.connect(scenario.provider).withdrawEarnings(provider);
      await expect(withdrawal).to.emit(settlement, "EarningsWithdrawn").withArgs(provider, provider, it.price);
      await expect(withdrawal).to.changeTokenBalances(connection.ethers, token, [provider], [it.price]);
      await expect(settlement.connect(scenario.provider).withdrawEarnings(provider)).to.be.revertedWithCustomError(
        settlement,
        "SettlementZeroAmount",
      );
    });
  });

  describe("getTierStats", function () {
    it("reverts on a reversed range", async function () {
      const { system } = await networkHelpers.loadFixture(onboardedSystem);
      await expect(system.settlement.getTierStats(2n, 1n))
        .to.be.revertedWithCustomError(system.settlement, "SettlementInvalidEpochRange")
        .withArgs(2n, 1n);
    });
  });
});
