import { expect } from "chai";
import { Wallet, ZeroAddress, concat, id, type Signer } from "ethers";
import { network } from "hardhat";

import { deployLocalSystem } from "../../sdk/local/deploy.js";
import { onboardEnclave } from "../../sdk/local/onboarding.js";
import type { Hex } from "../../sdk/settlement/item.js";
import { SimulatedEnclave, enclaveBinding, type EnclaveBindingContext } from "../../sdk/tee/enclave.js";
import { signTestAttestation, testVendor, testVendorDomain } from "../../sdk/tee/testVendor.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

enum Status {
  None,
  Active,
  Revoked,
  Expired,
  MeasurementRevoked,
  WrongModel,
}

const MODEL = id("tee model") as Hex;
const OTHER_MODEL = id("other model") as Hex;
const MEASUREMENT = id("enclave image v1") as Hex;
const NEW_MEASUREMENT = id("enclave image v2") as Hex;

/** The named fixture: the deployed system with one allowed measurement for MODEL, and an operator. */
async function deployedRegistry() {
  const system = await deployLocalSystem(connection);
  const [governor, operator, stranger] = await ethers.getSigners();
  const registry = system.teeRegistry;
  await (await registry.allowMeasurement(MODEL, MEASUREMENT)).wait();
  const verifier = await system.testVendorVerifier.getAddress();
  return { system, registry, governor, operator, stranger, verifier };
}

/** An enclave registered by `operator` for MODEL. */
async function registeredEnclave() {
  const fixture = await deployedRegistry();
  const enclave = new SimulatedEnclave(MEASUREMENT, { key: new Wallet(id("registered enclave")) });
  await onboardEnclave(fixture.registry, fixture.operator, enclave, fixture.verifier, MODEL);
  return { ...fixture, enclave };
}

/** The binding context of the latest block, and that block's number. */
async function latestContext(registry: string): Promise<{ context: EnclaveBindingContext; bindingBlock: number }> {
  const block = (await ethers.provider.getBlock("latest"))!;
  const { chainId } = await ethers.provider.getNetwork();
  return { context: { chainId, registry, bindingBlockHash: block.hash as Hex }, bindingBlock: block.number };
}

async function register(
  fixture: Awaited<ReturnType<typeof deployedRegistry>>,
  enclave: SimulatedEnclave,
  as: Signer,
  model = MODEL,
) {
  const { context, bindingBlock } = await latestContext(await fixture.registry.getAddress());
  const attestation = await enclave.attest(fixture.verifier, context);
  return fixture.registry
    .connect(as)
    .registerEnclave(model, enclave.address, fixture.verifier, attestation, bindingBlock);
}

describe("TeeRegistry", function () {
  describe("governance", function () {
    it("keeps the allow-lists and the maximum age behind GOVERNOR_ROLE", async function () {
      const { registry, stranger, verifier } = await networkHelpers.loadFixture(deployedRegistry);
      const role = await registry.GOVERNOR_ROLE();
      const calls = [
        registry.connect(stranger).allowMeasurement(MODEL, NEW_MEASUREMENT),
        registry.connect(stranger).revokeMeasurement(MODEL, MEASUREMENT),
        registry.connect(stranger).setAttestationVerifier(verifier, false),
        registry.connect(stranger).setMaxAttestationAge(1n),
      ];
      for (const call of calls) {
        await expect(call)
          .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
          .withArgs(stranger.address, role);
      }
    });

    it("emits every change with its old and new value", async function () {
      const { registry, verifier } = await networkHelpers.loadFixture(deployedRegistry);
      await expect(registry.allowMeasurement(MODEL, NEW_MEASUREMENT))
        .to.emit(registry, "MeasurementAllowed")
        .withArgs(MODEL, NEW_MEASUREMENT);
      await expect(registry.revokeMeasurement(MODEL, NEW_MEASUREMENT))
        .to.emit(registry, "MeasurementRevoked")
        .withArgs(MODEL, NEW_MEASUREMENT);
      await expect(registry.setAttestationVerifier(verifier, false))
        .to.emit(registry, "AttestationVerifierSet")
        .withArgs(verifier, true, false);
      const age = await registry.maxAttestationAge();
      await expect(registry.setMaxAttestationAge(60n)).to.emit(registry, "MaxAttestationAgeUpdated").withArgs(age, 60n);
    });

    it("refuses a zero verifier address and a zero maximum age", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedRegistry);
      await expect(registry.setAttestationVerifier(ZeroAddress, true)).to.be.revertedWithCustomError(
        registry,
        "TeeRegistryZeroAddress",
      );
      await expect(registry.setMaxAttestationAge(0n)).to.be.revertedWithCustomError(registry, "TeeRegistryZeroMaxAge");
    });
  });

  describe("registerEnclave", function () {
    it("registers the key with its measurement and expiry", async function () {
      const fixture = await networkHelpers.loadFixture(deployedRegistry);
      const enclave = new SimulatedEnclave(MEASUREMENT);
      await expect(register(fixture, enclave, fixture.operator))
        .to.emit(fixture.registry, "EnclaveRegistered")
        .withArgs(enclave.address, fixture.operator.address, MODEL, MEASUREMENT, (v: bigint) => v > 0n);
      expect(await fixture.registry.enclaveStatus(enclave.address, MODEL)).to.deep.equal([
        fixture.operator.address,
        BigInt(Status.Active),
      ]);
    });

    it("computes the same binding as the SDK", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedRegistry);
      const key = Wallet.createRandom().address;
      const { context, bindingBlock } = await latestContext(await registry.getAddress());
      // A call runs in the context of the latest block, whose own hash is not yet available to it.
      await networkHelpers.mine(1);
      expect(await registry.enclaveBinding(key, bindingBlock)).to.equal(enclaveBinding(key, context));
    });

    it("reverts for a verifier that is not allowed and for the zero key", async function () {
      const fixture = await networkHelpers.loadFixture(deployedRegistry);
      const { registry, operator, stranger } = fixture;
      await expect(
        registry.connect(operator).registerEnclave(MODEL, Wallet.createRandom().address, stranger.address, "0x", 1),
      )
        .to.be.revertedWithCustomError(registry, "TeeRegistryUnknownAttestationVerifier")
        .withArgs(stranger.address);
      await expect(
        registry.connect(operator).registerEnclave(MODEL, ZeroAddress, fixture.verifier, "0x", 1),
      ).to.be.revertedWithCustomError(registry, "TeeRegistryZeroAddress");
    });

    it("reverts when the binding block is older than 256 blocks, or not yet mined", async function () {
      const fixture = await networkHelpers.loadFixture(deployedRegistry);
      const enclave = new SimulatedEnclave(MEASUREMENT);
      const { context, bindingBlock } = await latestContext(await fixture.registry.getAddress());
      const attestation = await enclave.attest(fixture.verifier, context);
      await networkHelpers.mine(300);
      await expect(
        fixture.registry
          .connect(fixture.operator)
          .registerEnclave(MODEL, enclave.address, fixture.verifier, attestation, bindingBlock),
      )
        .to.be.revertedWithCustomError(fixture.registry, "TeeRegistryStaleBindingBlock")
        .withArgs(bindingBlock, (v: bigint) => v > BigInt(bindingBlock) + 256n);
      const future = (await ethers.provider.getBlockNumber()) + 5;
      await expect(
        fixture.registry
          .connect(fixture.operator)
          .registerEnclave(MODEL, enclave.address, fixture.verifier, attestation, future),
      ).to.be.revertedWithCustomError(fixture.registry, "TeeRegistryStaleBindingBlock");
    });

    it("reverts when the report data binds another key, registry or chain", async function () {
      const fixture = await networkHelpers.loadFixture(deployedRegistry);
      const enclave = new SimulatedEnclave(MEASUREMENT);
      const { context, bindingBlock } = await latestContext(await fixture.registry.getAddress());
      const otherKey = new SimulatedEnclave(MEASUREMENT);
      for (const wrong of [
        await otherKey.attest(fixture.verifier, context),
        await enclave.attest(fixture.verifier, { ...context, registry: fixture.stranger.address }),
        await signTestAttestation(testVendor(), testVendorDomain(context.chainId, fixture.verifier), {
          measurement: MEASUREMENT,
          reportData: enclaveBinding(enclave.address, { ...context, chainId: 1n }),
          debug: false,
        }),
      ]) {
        await expect(
          fixture.registry
            .connect(fixture.operator)
            .registerEnclave(MODEL, enclave.address, fixture.verifier, wrong, bindingBlock),
        ).to.be.revertedWithCustomError(fixture.registry, "TeeRegistryReportDataMismatch");
      }
    });

    it("refuses debug enclaves and measurements not allowed for the model", async function () {
      const fixture = await networkHelpers.loadFixture(deployedRegistry);
      await expect(register(fixture, new SimulatedEnclave(MEASUREMENT, { debug: true }), fixture.operator))
        .to.be.revertedWithCustomError(fixture.registry, "TeeRegistryDebugEnclave")
        .withArgs(MEASUREMENT);
      await expect(register(fixture, new SimulatedEnclave(NEW_MEASUREMENT), fixture.operator))
        .to.be.revertedWithCustomError(fixture.registry, "TeeRegistryMeasurementNotAllowed")
        .withArgs(MODEL, NEW_MEASUREMENT);
      await expect(register(fixture, new SimulatedEnclave(MEASUREMENT), fixture.operator, OTHER_MODEL))
        .to.be.revertedWithCustomError(fixture.registry, "TeeRegistryMeasurementNotAllowed")
        .withArgs(OTHER_MODEL, MEASUREMENT);
    });

    it("refuses an attestation signed by anyone but the vendor, and one of the wrong length", async function () {
      const fixture = await networkHelpers.loadFixture(deployedRegistry);
      const { system, registry, operator, verifier, stranger } = fixture;
      const enclave = new SimulatedEnclave(MEASUREMENT);
      const { context, bindingBlock } = await latestContext(await registry.getAddress());
      const forger = new Wallet(id("not the vendor"));
      const forged = await signTestAttestation(forger, testVendorDomain(context.chainId, verifier), {
        measurement: MEASUREMENT,
        reportData: enclaveBinding(enclave.address, context),
        debug: false,
      });
      await expect(registry.connect(operator).registerEnclave(MODEL, enclave.address, verifier, forged, bindingBlock))
        .to.be.revertedWithCustomError(system.testVendorVerifier, "TestAttestationInvalidSignature")
        .withArgs(forger.address);
      // Signed for another verifier contract: the vendor's EIP-712 domain binds it.
      const otherDomain = await signTestAttestation(testVendor(), testVendorDomain(context.chainId, stranger.address), {
        measurement: MEASUREMENT,
        reportData: enclaveBinding(enclave.address, context),
        debug: false,
      });
      await expect(
        registry.connect(operator).registerEnclave(MODEL, enclave.address, verifier, otherDomain, bindingBlock),
      ).to.be.revertedWithCustomError(system.testVendorVerifier, "TestAttestationInvalidSignature");
      const valid = await enclave.attest(verifier, context);
      for (const malformed of ["0x", concat([valid, "0x00"]), valid.slice(0, -2)]) {
        await expect(
          registry.connect(operator).registerEnclave(MODEL, enclave.address, verifier, malformed, bindingBlock),
        )
          .to.be.revertedWithCustomError(system.testVendorVerifier, "TestAttestationMalformed")
          .withArgs((malformed.length - 2) / 2);
      }
    });

    it("refuses a key that is registered already, even by its own operator", async function () {
      const fixture = await networkHelpers.loadFixture(registeredEnclave);
      for (const as of [fixture.operator, fixture.stranger]) {
        await expect(register(fixture, fixture.enclave, as))
          .to.be.revertedWithCustomError(fixture.registry, "TeeRegistryEnclaveExists")
          .withArgs(fixture.enclave.address);
      }
    });
  });

  describe("reattest", function () {
    it("refreshes the expiry and may move to a newly allowed measurement", async function () {
      const fixture = await networkHelpers.loadFixture(registeredEnclave);
      const { registry, operator, verifier, enclave } = fixture;
      const before = await registry.getEnclave(enclave.address);
      await networkHelpers.time.increase(1000);
      await (await registry.allowMeasurement(MODEL, NEW_MEASUREMENT)).wait();
      const upgraded = new SimulatedEnclave(NEW_MEASUREMENT, { key: new Wallet(id("registered enclave")) });
      const { context, bindingBlock } = await latestContext(await registry.getAddress());
      await expect(
        registry
          .connect(operator)
          .reattest(enclave.address, verifier, await upgraded.attest(verifier, context), bindingBlock),
      )
        .to.emit(registry, "EnclaveReattested")
        .withArgs(enclave.address, MEASUREMENT, NEW_MEASUREMENT, before.expiresAt, (v: bigint) => v > before.expiresAt);
      expect((await registry.getEnclave(enclave.address)).measurement).to.equal(NEW_MEASUREMENT);
    });

    it("reverts for an unknown key, another caller, and a revoked key", async function () {
      const fixture = await networkHelpers.loadFixture(registeredEnclave);
      const { registry, operator, stranger, verifier, enclave } = fixture;
      const unknown = Wallet.createRandom().address;
      await expect(registry.connect(operator).reattest(unknown, verifier, "0x", 1))
        .to.be.revertedWithCustomError(registry, "TeeRegistryUnknownEnclave")
        .withArgs(unknown);
      await expect(registry.connect(stranger).reattest(enclave.address, verifier, "0x", 1))
        .to.be.revertedWithCustomError(registry, "TeeRegistryNotOperator")
        .withArgs(enclave.address, stranger.address);
      await (await registry.connect(operator).revokeEnclave(enclave.address)).wait();
      await expect(
        registry.connect(operator).reattest(enclave.address, verifier, "0x", 1),
      ).to.be.revertedWithCustomError(registry, "TeeRegistryEnclaveRevoked");
    });
  });

  describe("revokeEnclave", function () {
    it("is open to the operator and governors only, once, and bars the key for good", async function () {
      const fixture = await networkHelpers.loadFixture(registeredEnclave);
      const { registry, governor, operator, stranger, enclave } = fixture;
      await expect(registry.connect(stranger).revokeEnclave(enclave.address))
        .to.be.revertedWithCustomError(registry, "TeeRegistryNotOperator")
        .withArgs(enclave.address, stranger.address);
      await expect(registry.connect(governor).revokeEnclave(enclave.address))
        .to.emit(registry, "EnclaveRevoked")
        .withArgs(enclave.address, governor.address);
      await expect(registry.connect(operator).revokeEnclave(enclave.address)).to.be.revertedWithCustomError(
        registry,
        "TeeRegistryEnclaveRevoked",
      );
      await expect(register(fixture, enclave, operator)).to.be.revertedWithCustomError(
        registry,
        "TeeRegistryEnclaveRevoked",
      );
      const unknown = Wallet.createRandom().address;
      await expect(registry.revokeEnclave(unknown)).to.be.revertedWithCustomError(
        registry,
        "TeeRegistryUnknownEnclave",
      );
    });
  });

  describe("enclaveStatus", function () {
    it("reports None, WrongModel, MeasurementRevoked, Expired and Revoked", async function () {
      const { registry, operator, enclave } = await networkHelpers.loadFixture(registeredEnclave);
      expect(await registry.enclaveStatus(Wallet.createRandom().address, MODEL)).to.deep.equal([
        ZeroAddress,
        BigInt(Status.None),
      ]);
      expect((await registry.enclaveStatus(enclave.address, OTHER_MODEL))[1]).to.equal(BigInt(Status.WrongModel));
      await (await registry.revokeMeasurement(MODEL, MEASUREMENT)).wait();
      expect((await registry.enclaveStatus(enclave.address, MODEL))[1]).to.equal(BigInt(Status.MeasurementRevoked));
      await (await registry.allowMeasurement(MODEL, MEASUREMENT)).wait();
      expect((await registry.enclaveStatus(enclave.address, MODEL))[1]).to.equal(BigInt(Status.Active));
      await networkHelpers.time.increase(await registry.maxAttestationAge());
      expect((await registry.enclaveStatus(enclave.address, MODEL))[1]).to.equal(BigInt(Status.Expired));
      await (await registry.connect(operator).revokeEnclave(enclave.address)).wait();
      expect((await registry.enclaveStatus(enclave.address, MODEL))[1]).to.equal(BigInt(Status.Revoked));
    });
  });
});
