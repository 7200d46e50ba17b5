import { expect } from "chai";
import { Wallet, ZeroAddress, id } from "ethers";
import { network } from "hardhat";

import { challengeSignedResult, proveContradiction } from "../../sdk/lib/disputes/challenge.js";
import { signedBatchesFromLogs } from "../../sdk/lib/disputes/records.js";
import { deployLocalSystem, libraryLinks } from "../../sdk/testing/local/deploy.js";
import { onboardEnclave } from "../../sdk/testing/local/onboarding.js";
import {
  SCENARIO_CIRCUIT,
  SCENARIO_MEASUREMENT,
  requestInference,
  sampleInput,
  setUpScenario,
  type Scenario,
} from "../../sdk/testing/local/scenario.js";
import { inferLinear } from "../../sdk/lib/models/linear.js";
import type { Hex, SettlementItem } from "../../sdk/lib/settlement/item.js";
import { modelIdFor } from "../../sdk/lib/settlement/modelIds.js";
import { signKeyConsent } from "../../sdk/lib/settlement/signerKeys.js";
import { submitBatch } from "../../sdk/lib/settlement/submit.js";
import { readDomain } from "../../sdk/lib/settlement/typedData.js";
import { SimulatedEnclave } from "../../sdk/testing/tee/enclave.js";
import { teeRegistryDomain } from "../../sdk/lib/tee/heartbeat.js";
import { Mode, Tier, tierMask } from "../../sdk/lib/tiers.js";
import { releaseProverThreads } from "../../sdk/lib/zk/prove.js";
import {
  InferenceSettlement__factory,
  ModelRegistry__factory,
  PauseGuard__factory,
} from "../../typechain-types/index.js";
import { repositoryCircuit } from "../../sdk/tooling/zk/circuitFiles.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/** Mirrors `IPauseGuard.Scope`. */
enum Scope {
  Settlement,
  Registration,
}

/**
 * The named fixture: the scenario (the whole system through Ignition, provider on board, two funded clients) with the
 * pause roles split as in production: `responder` holds the pauser role, the admin gave its own up and keeps the
 * unpauser and admin roles. A TEE result and a wrong SIGNED result settled before any pause, so that there are earnings,
 * held earnings and a disputable result.
 */
async function pausableSystem() {
  const scenario = await setUpScenario(connection, { clientCount: 2, deposit: 1_000_000n });
  const signers = await ethers.getSigners();
  const [admin, challenger, responder, stranger] = [signers[0], signers[4], signers[5], signers[6]];
  const guard = scenario.system.pauseGuard;
  const pauserRole = await guard.PAUSER_ROLE();
  const unpauserRole = await guard.UNPAUSER_ROLE();
  await (await guard.grantRole(pauserRole, responder.address)).wait();
  await (await guard.revokeRole(pauserRole, admin.address)).wait();

  const tee = await item(scenario, Tier.TEE, 1);
  const wrong = await item(scenario, Tier.SIGNED, 2, 1n);
  const { receipt, outcomes } = await submitBatch(scenario.system.settlement, [tee, wrong], Mode.Atomic);
  expect(outcomes.every((o) => o.settled)).to.equal(true);
  const [batch] = signedBatchesFromLogs(scenario.system.settlement.interface, receipt.logs);
  return { scenario, guard, admin, challenger, responder, stranger, pauserRole, unpauserRole, tee, wrong, batch };
}
type Fixture = Awaited<ReturnType<typeof pausableSystem>>;

/** A request of client 0 in `tier`; a SIGNED result is off by `skew` (a wrong result when nonzero). */
async function item(scenario: Scenario, tier: Tier, seed: number, skew = 0n): Promise<SettlementItem> {
  const run: Scenario =
    skew === 0n ? scenario : { ...scenario, infer: (x) => [inferLinear(scenario.model, [...x]) + skew] };
  const { item } = await requestInference(run, {
    client: scenario.clients[0],
    tier,
    input: sampleInput(scenario.model, seed),
  });
  return item;
}

/** The fixture with `scopes` paused by the responder. */
async function paused(...scopes: Scope[]): Promise<Fixture> {
  const f = await networkHelpers.loadFixture(pausableSystem);
  for (const scope of scopes) await (await f.guard.connect(f.responder).pause(scope)).wait();
  return f;
}

describe("PauseGuard", function () {
  after(releaseProverThreads);

  describe("constructor", function () {
    it("gives the admin the admin and unpauser roles and the pauser the pauser role, and nothing else", async function () {
      const [admin, pauser] = await ethers.getSigners();
      const guard = await new PauseGuard__factory(admin).deploy(admin.address, pauser.address);
      expect(await guard.hasRole(await guard.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(true);
      expect(await guard.hasRole(await guard.UNPAUSER_ROLE(), admin.address)).to.equal(true);
      expect(await guard.hasRole(await guard.PAUSER_ROLE(), admin.address)).to.equal(false);
      expect(await guard.hasRole(await guard.PAUSER_ROLE(), pauser.address)).to.equal(true);
      expect(await guard.hasRole(await guard.UNPAUSER_ROLE(), pauser.address)).to.equal(false);
      expect(await guard.hasRole(await guard.DEFAULT_ADMIN_ROLE(), pauser.address)).to.equal(false);
      expect(await guard.settlementPaused()).to.equal(false);
      expect(await guard.registrationPaused()).to.equal(false);
    });

    it("reverts when the admin or the pauser is the zero address", async function () {
      const [admin] = await ethers.getSigners();
      const factory = new PauseGuard__factory(admin);
      const guard = await factory.deploy(admin.address, admin.address);
      await expect(factory.deploy(ZeroAddress, admin.address)).to.be.revertedWithCustomError(
        guard,
        "PauseGuardZeroAddress",
      );
      await expect(factory.deploy(admin.address, ZeroAddress)).to.be.revertedWithCustomError(
        guard,
        "PauseGuardZeroAddress",
      );
    });

    it("the Ignition module wires one guard into settlement and the three registries, and its `pauser` parameter names the pauser", async function () {
      const [admin, , , , , responder] = await ethers.getSigners();
      const system = await deployLocalSystem(connection, { parameters: { pauser: responder.address } });
      const guard = await system.pauseGuard.getAddress();
      expect(await system.modelRegistry.pauseGuard()).to.equal(guard);
      expect(await system.signerRegistry.pauseGuard()).to.equal(guard);
      expect(await system.teeRegistry.pauseGuard()).to.equal(guard);
      expect(await system.settlement.pauseGuard()).to.equal(guard);
      expect(await system.pauseGuard.hasRole(await system.pauseGuard.PAUSER_ROLE(), responder.address)).to.equal(true);
      expect(await system.pauseGuard.hasRole(await system.pauseGuard.PAUSER_ROLE(), admin.address)).to.equal(false);
      expect(await system.pauseGuard.hasRole(await system.pauseGuard.UNPAUSER_ROLE(), admin.address)).to.equal(true);
      // The pause check runs first, so even an empty batch meets it.
      await (await system.pauseGuard.connect(responder).pause(Scope.Settlement)).wait();
      await expect(system.settlement.settle([], Mode.Atomic)).to.be.revertedWithCustomError(
        system.settlement,
        "SettlementPaused",
      );
    });

    it("settlement and the model registry refuse a zero pause guard", async function () {
      const f = await networkHelpers.loadFixture(pausableSystem);
      const { system } = f.scenario;
      await expect(new ModelRegistry__factory(f.admin).deploy(ZeroAddress)).to.be.revertedWithCustomError(
        system.modelRegistry,
        "ModelRegistryZeroAddress",
      );
      await expect(
        new InferenceSettlement__factory(libraryLinks(system), f.admin).deploy(
          await system.token.getAddress(),
          await system.modelRegistry.getAddress(),
          await system.signerRegistry.getAddress(),
          await system.teeRegistry.getAddress(),
          86_400n,
          86_400n,
          ZeroAddress,
        ),
      ).to.be.revertedWithCustomError(system.settlement, "SettlementZeroAddress");
    });
  });

  describe("pause", function () {
    it("pauses one scope, emits who paused it, and leaves the other scope running", async function () {
      const f = await networkHelpers.loadFixture(pausableSystem);
      await expect(f.guard.connect(f.responder).pause(Scope.Settlement))
        .to.emit(f.guard, "Paused")
        .withArgs(Scope.Settlement, f.responder.address);
      expect(await f.guard.settlementPaused()).to.equal(true);
      expect(await f.guard.isPaused(Scope.Settlement)).to.equal(true);
      expect(await f.guard.registrationPaused()).to.equal(false);
      await expect(f.guard.connect(f.responder).pause(Scope.Registration))
        .to.emit(f.guard, "Paused")
        .withArgs(Scope.Registration, f.responder.address);
      expect(await f.guard.registrationPaused()).to.equal(true);
    });

    it("reverts for anyone without the pauser role, the admin included", async function () {
      const f = await networkHelpers.loadFixture(pausableSystem);
      for (const caller of [f.stranger, f.admin]) {
        await expect(f.guard.connect(caller).pause(Scope.Settlement))
          .to.be.revertedWithCustomError(f.guard, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, f.pauserRole);
      }
    });

    it("reverts when the scope is already paused", async function () {
      const f = await paused(Scope.Registration);
      await expect(f.guard.connect(f.responder).pause(Scope.Registration))
        .to.be.revertedWithCustomError(f.guard, "PauseGuardAlreadyPaused")
        .withArgs(Scope.Registration);
    });
  });

  describe("unpause", function () {
    it("is the admin's: it emits who unpaused and settlement resumes", async function () {
      const f = await paused(Scope.Settlement);
      await expect(f.guard.connect(f.admin).unpause(Scope.Settlement))
        .to.emit(f.guard, "Unpaused")
        .withArgs(Scope.Settlement, f.admin.address);
      expect(await f.guard.settlementPaused()).to.equal(false);
      const { outcomes } = await submitBatch(
        f.scenario.system.settlement,
        [await item(f.scenario, Tier.SIGNED, 7)],
        Mode.Atomic,
      );
      expect(outcomes[0].settled).to.equal(true);
    });

    it("reverts for the pauser: a stolen pauser key can halt the system, never resume it", async function () {
      const f = await paused(Scope.Settlement, Scope.Registration);
      for (const caller of [f.responder, f.stranger]) {
        await expect(f.guard.connect(caller).unpause(Scope.Registration))
          .to.be.revertedWithCustomError(f.guard, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, f.unpauserRole);
      }
    });

    it("reverts when the scope is not paused", async function () {
      const f = await paused(Scope.Settlement);
      await expect(f.guard.connect(f.admin).unpause(Scope.Registration))
        .to.be.revertedWithCustomError(f.guard, "PauseGuardNotPaused")
        .withArgs(Scope.Registration);
    });
  });

  describe("roles", function () {
    it("only the admin grants and revokes them: a pauser cannot make itself unpauser or add pausers", async function () {
      const f = await networkHelpers.loadFixture(pausableSystem);
      const adminRole = await f.guard.DEFAULT_ADMIN_ROLE();
      for (const role of [f.unpauserRole, f.pauserRole]) {
        await expect(f.guard.connect(f.responder).grantRole(role, f.responder.address))
          .to.be.revertedWithCustomError(f.guard, "AccessControlUnauthorizedAccount")
          .withArgs(f.responder.address, adminRole);
      }
      expect(await f.guard.getRoleAdmin(f.pauserRole)).to.equal(adminRole);
      expect(await f.guard.getRoleAdmin(f.unpauserRole)).to.equal(adminRole);
    });

    it("rotates the pauser: the admin revokes the old key and grants a new one, with events", async function () {
      const f = await networkHelpers.loadFixture(pausableSystem);
      await expect(f.guard.revokeRole(f.pauserRole, f.responder.address))
        .to.emit(f.guard, "RoleRevoked")
        .withArgs(f.pauserRole, f.responder.address, f.admin.address);
      await expect(f.guard.grantRole(f.pauserRole, f.stranger.address))
        .to.emit(f.guard, "RoleGranted")
        .withArgs(f.pauserRole, f.stranger.address, f.admin.address);
      await expect(f.guard.connect(f.responder).pause(Scope.Settlement)).to.be.revertedWithCustomError(
        f.guard,
        "AccessControlUnauthorizedAccount",
      );
      await expect(f.guard.connect(f.stranger).pause(Scope.Settlement)).to.emit(f.guard, "Paused");
    });

    it("hands over the admin role: the new admin unpauses, the old one no longer can", async function () {
      const f = await paused(Scope.Settlement);
      const adminRole = await f.guard.DEFAULT_ADMIN_ROLE();
      const [, , , newAdmin] = await ethers.getSigners();
      await (await f.guard.grantRole(adminRole, newAdmin.address)).wait();
      await (await f.guard.grantRole(f.unpauserRole, newAdmin.address)).wait();
      await (await f.guard.renounceRole(f.unpauserRole, f.admin.address)).wait();
      await (await f.guard.renounceRole(adminRole, f.admin.address)).wait();
      await expect(f.guard.connect(f.admin).unpause(Scope.Settlement)).to.be.revertedWithCustomError(
        f.guard,
        "AccessControlUnauthorizedAccount",
      );
      await expect(f.guard.connect(newAdmin).unpause(Scope.Settlement)).to.emit(f.guard, "Unpaused");
    });
  });

  describe("while settlement is paused", function () {
    it("settle and settleWithVouchers revert with SettlementPaused, in both modes", async function () {
      const f = await paused(Scope.Settlement);
      const { settlement } = f.scenario.system;
      const signed = await item(f.scenario, Tier.SIGNED, 8);
      for (const mode of [Mode.Atomic, Mode.Partial]) {
        await expect(settlement.settle([signed], mode)).to.be.revertedWithCustomError(settlement, "SettlementPaused");
        await expect(settlement.settleWithVouchers([signed], [], mode)).to.be.revertedWithCustomError(
          settlement,
          "SettlementPaused",
        );
      }
      expect(await settlement.isRequestSettled(await f.scenario.clients[0].getAddress(), signed.requestId)).to.equal(
        false,
      );
    });

    it("money still leaves: deposits, withdrawals, earnings and held earnings after the window", async function () {
      const f = await paused(Scope.Settlement, Scope.Registration);
      const { settlement, token } = f.scenario.system;
      const [client] = f.scenario.clients;
      const clientAddress = await client.getAddress();
      const provider = await f.scenario.provider.getAddress();

      await (await token.mint(clientAddress, 500n)).wait();
      await (await token.connect(client).approve(await settlement.getAddress(), 500n)).wait();
      await expect(settlement.connect(client).depositFor(clientAddress, 500n)).to.emit(settlement, "Deposited");
      await expect(settlement.connect(client).requestWithdrawal(700n)).to.emit(settlement, "WithdrawalRequested");
      await expect(settlement.connect(f.scenario.provider).withdrawEarnings(provider)).to.changeTokenBalance(
        ethers,
        token,
        f.scenario.provider,
        f.tee.price,
      );

      const held = await settlement.heldEarnings(f.batch.batchId, provider);
      expect(held.amount).to.equal(f.wrong.price);
      await networkHelpers.time.increaseTo(held.releaseAt);
      await expect(settlement.releaseSignedEarnings(f.batch.batchId, provider))
        .to.emit(settlement, "SignedEarningsReleased")
        .withArgs(f.batch.batchId, provider, f.wrong.price);
      await networkHelpers.time.increase(await settlement.withdrawalDelay());
      await expect(settlement.connect(client).withdraw(clientAddress)).to.changeTokenBalance(
        ethers,
        token,
        client,
        700n,
      );
    });

    it("a wrong SIGNED result is still disputed: the signer is slashed and the client refunded", async function () {
      const f = await paused(Scope.Settlement, Scope.Registration);
      const { settlement, disputes, signerRegistry } = f.scenario.system;
      const provider = await f.scenario.provider.getAddress();
      const clientAddress = await f.scenario.clients[0].getAddress();
      const stakeBefore = (await signerRegistry.getProvider(provider)).stake;
      const depositBefore = await settlement.depositOf(clientAddress);
      const contradiction = await proveContradiction(
        repositoryCircuit(SCENARIO_CIRCUIT),
        f.batch,
        0,
        sampleInput(f.scenario.model, 2),
      );
      expect(contradiction.contradicts).to.equal(true);
      await challengeSignedResult(disputes.connect(f.challenger), f.batch, 0, contradiction);
      expect((await signerRegistry.getProvider(provider)).stake).to.equal(stakeBefore - (await disputes.slashAmount()));
      expect(await settlement.depositOf(clientAddress)).to.be.greaterThan(depositBefore);
      expect((await settlement.heldEarnings(f.batch.batchId, provider)).amount).to.equal(0n);
    });

    it("registration goes on", async function () {
      const f = await paused(Scope.Settlement);
      const modelId = modelIdFor(f.admin.address, "another model");
      await expect(f.scenario.system.modelRegistry.registerModel(modelId, modelConfig())).to.emit(
        f.scenario.system.modelRegistry,
        "ModelRegistered",
      );
    });
  });

  describe("while registration is paused", function () {
    it("the model registry refuses new models, and keeps prices and retirement open", async function () {
      const f = await paused(Scope.Registration);
      const { modelRegistry } = f.scenario.system;
      await expect(
        modelRegistry.registerModel(modelIdFor(f.admin.address, "another model"), modelConfig()),
      ).to.be.revertedWithCustomError(modelRegistry, "ModelRegistryRegistrationPaused");
      await expect(modelRegistry.setPrice(f.scenario.modelId, Tier.SIGNED, 5_000n)).to.emit(
        modelRegistry,
        "ModelPriceUpdated",
      );
      await expect(modelRegistry.retireModel(f.scenario.modelId)).to.emit(modelRegistry, "ModelRetired");
    });

    it("the signer registry refuses stake and keys, and keeps unbonding and withdrawal open", async function () {
      const f = await paused(Scope.Registration);
      const { signerRegistry, token } = f.scenario.system;
      const key = new Wallet(id("pause test key"));
      const domain = await readDomain(signerRegistry);
      const providerProof = await signKeyConsent(key, domain, await f.scenario.provider.getAddress());
      const strangerProof = await signKeyConsent(key, domain, f.stranger.address);
      const calls = [
        () => signerRegistry.connect(f.stranger).stake(1n),
        () => signerRegistry.connect(f.stranger).registerSigner(key.address, strangerProof),
        () => signerRegistry.connect(f.scenario.provider).rotateSigner(key.address, providerProof),
      ];
      for (const call of calls) {
        await expect(call()).to.be.revertedWithCustomError(signerRegistry, "SignerRegistryRegistrationPaused");
      }

      const provider = f.scenario.provider;
      await expect(signerRegistry.connect(provider).beginUnbonding()).to.emit(signerRegistry, "UnbondingStarted");
      await networkHelpers.time.increase(await signerRegistry.unbondingDelay());
      const stake = (await signerRegistry.getProvider(await provider.getAddress())).stake;
      await expect(signerRegistry.connect(provider).withdrawStake(await provider.getAddress())).to.changeTokenBalance(
        ethers,
        token,
        provider,
        stake,
      );
    });

    it("the TEE registry refuses enclaves, re-attestations, measurements and verifiers, and keeps revocations and heartbeats open", async function () {
      const f = await paused(Scope.Registration);
      const { teeRegistry, testVendorVerifier, dcapVerifier } = f.scenario.system;
      const vendor = await testVendorVerifier.getAddress();
      const enclave = new SimulatedEnclave(SCENARIO_MEASUREMENT, { key: new Wallet(id("pause test enclave")) });
      const block = await ethers.provider.getBlock("latest");
      if (block?.hash == null) throw new Error("no latest block");
      const calls = [
        () => onboardEnclave(teeRegistry, f.scenario.provider, enclave, vendor, f.scenario.modelId),
        () => teeRegistry.connect(f.scenario.provider).reattest(f.scenario.enclave.address, vendor, "0x", block.number),
        () => teeRegistry.allowMeasurement(f.scenario.modelId, id("another image") as Hex),
        () => teeRegistry.setAttestationVerifier(f.stranger.address, true),
      ];
      for (const call of calls) {
        await expect(call()).to.be.revertedWithCustomError(teeRegistry, "TeeRegistryRegistrationPaused");
      }

      const latest = await ethers.provider.getBlock("latest");
      if (latest?.hash == null) throw new Error("no latest block");
      const domain = teeRegistryDomain(f.scenario.system.chainId, await teeRegistry.getAddress());
      const signature = await f.scenario.enclave.signHeartbeat(domain, latest.number, latest.hash as Hex);
      await expect(teeRegistry.heartbeat(f.scenario.enclave.address, latest.number, signature)).to.emit(
        teeRegistry,
        "EnclaveHeartbeat",
      );
      await expect(teeRegistry.setAttestationVerifier(await dcapVerifier.getAddress(), false)).to.emit(
        teeRegistry,
        "AttestationVerifierSet",
      );
      await expect(teeRegistry.revokeMeasurement(f.scenario.modelId, SCENARIO_MEASUREMENT)).to.emit(
        teeRegistry,
        "MeasurementRevoked",
      );
      await expect(teeRegistry.revokeEnclave(f.scenario.enclave.address)).to.emit(teeRegistry, "EnclaveRevoked");
    });

    it("settlement goes on", async function () {
      const f = await paused(Scope.Registration);
      const batch = [await item(f.scenario, Tier.SIGNED, 9), await item(f.scenario, Tier.TEE, 10)];
      const { outcomes } = await submitBatch(f.scenario.system.settlement, batch, Mode.Atomic);
      expect(outcomes.map((o) => o.settled)).to.deep.equal([true, true]);
    });
  });
});

/** A SIGNED-only model configuration (no verifier needed). */
function modelConfig() {
  return {
    verifier: ZeroAddress,
    verifyingKeyHash: id("none"),
    weightsCommitment: id("none"),
    privateWeights: false,
    inputSize: 4,
    outputSize: 1,
    fracBits: 8,
    acceptedTiers: tierMask([Tier.SIGNED]),
    prices: [0n, 0n, 1_000n] as [bigint, bigint, bigint],
  };
}
