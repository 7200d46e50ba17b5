import { expect } from "chai";
import { Wallet, ZeroAddress, ZeroHash, concat, id, verifyTypedData, type Signer } from "ethers";
import { network } from "hardhat";

import { deployLocalSystem } from "../../sdk/testing/local/deploy.js";
import { onboardEnclave } from "../../sdk/testing/local/onboarding.js";
import type { Hex } from "../../sdk/lib/settlement/item.js";
import { enclaveBinding, type EnclaveBindingContext } from "../../sdk/lib/tee/enclaveBinding.js";
import { SimulatedEnclave } from "../../sdk/testing/tee/enclave.js";
import { teeRegistryDomain } from "../../sdk/lib/tee/heartbeat.js";
import { createTestPckChain, dcapTcbId } from "../../sdk/testing/tee/pckChain.js";
import { TEE_TYPE, createQuotingPlatform, type QuotingPlatform } from "../../sdk/testing/tee/quoteV4.js";
import { testAttester } from "../../sdk/testing/tee/signedAttester.js";
import { TcbStatus } from "../../sdk/lib/tee/tcbStatus.js";
import {
  ATTESTATION_TYPES,
  signTestAttestation,
  testVendor,
  testVendorDomain,
} from "../../sdk/testing/tee/testVendor.js";
import { TeeRegistry__factory } from "../../typechain-types/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/** Mirrors `ITeeRegistry.EnclaveStatus`. */
enum Status {
  None,
  Active,
  Revoked,
  Expired,
  MeasurementRevoked,
  WrongModel,
  Stale,
  VerifierRevoked,
}

const MODEL = id("tee model") as Hex;
const OTHER_MODEL = id("other tee model") as Hex;
const MEASUREMENT = id("enclave image v1") as Hex;
const NEW_MEASUREMENT = id("enclave image v2") as Hex;

/** A simulated enclave with a fixed key, so failures reproduce. */
function enclaveOf(label: string, measurement: Hex = MEASUREMENT, debug = false): SimulatedEnclave {
  return new SimulatedEnclave(measurement, { key: new Wallet(id(`enclave key ${label}`)), debug });
}

/**
 * The named fixture: the system deployed by the Ignition module (the test-vendor adapter allowed), MEASUREMENT allowed
 * for MODEL, and `enclave` registered for MODEL by `operator` through the SDK's `onboardEnclave`.
 */
async function deployedTeeRegistry() {
  const system = await deployLocalSystem(connection);
  const [governor, operator, stranger] = await ethers.getSigners();
  const registry = system.teeRegistry;
  await (await registry.allowMeasurement(MODEL, MEASUREMENT)).wait();
  const verifier = await system.testVendorVerifier.getAddress();
  const enclave = enclaveOf("registered");
  await onboardEnclave(registry, operator, enclave, verifier, MODEL);
  const registered = await registry.getEnclave(enclave.address);
  const maxAge = await registry.maxAttestationAge();
  const governorRole = await registry.GOVERNOR_ROLE();
  return { system, registry, governor, operator, stranger, verifier, enclave, registered, maxAge, governorRole };
}

type Fixture = Awaited<ReturnType<typeof deployedTeeRegistry>>;

/** The hash of block `tag`. */
async function blockHash(tag: number | "latest"): Promise<{ number: number; hash: Hex }> {
  const block = await ethers.provider.getBlock(tag);
  if (block?.hash == null) throw new Error(`block ${tag} is not available`);
  return { number: block.number, hash: block.hash as Hex };
}

/** The binding context of the latest block (what an enclave attesting now would bind), and that block's number. */
async function latestContext(
  f: Fixture,
  operator: Signer = f.operator,
): Promise<{ context: EnclaveBindingContext; bindingBlock: number }> {
  const block = await blockHash("latest");
  return {
    context: {
      operator: await operator.getAddress(),
      chainId: f.system.chainId,
      registry: await f.registry.getAddress(),
      bindingBlockHash: block.hash,
    },
    bindingBlock: block.number,
  };
}

/** A vendor-signed attestation of `measurement` carrying `reportData`, for the deployed adapter. */
async function vendorAttestation(f: Fixture, reportData: Hex, measurement = MEASUREMENT): Promise<Hex> {
  return signTestAttestation(testVendor(), testVendorDomain(f.system.chainId, f.verifier), {
    measurement,
    reportData,
    debug: false,
  });
}

/** Registers `enclave` for `model` as `as`, attesting against the latest block. */
async function register(f: Fixture, enclave: SimulatedEnclave, as: Signer, model = MODEL) {
  const { context, bindingBlock } = await latestContext(f, as);
  const attestation = await enclave.attest(f.verifier, context);
  return f.registry.connect(as).registerEnclave(model, enclave.address, f.verifier, attestation, bindingBlock);
}

/** Re-attests `enclave` (the key registered in the fixture, possibly with a new measurement) as `as`. */
async function reattest(f: Fixture, enclave: SimulatedEnclave, as: Signer) {
  const { context, bindingBlock } = await latestContext(f, as);
  const attestation = await enclave.attest(f.verifier, context);
  return f.registry.connect(as).reattest(enclave.address, f.verifier, attestation, bindingBlock);
}

/** The next block's timestamp, set explicitly so that expiries can be checked exactly. */
async function pinNextTimestamp(seconds = 10): Promise<bigint> {
  const next = BigInt(await networkHelpers.time.latest()) + BigInt(seconds);
  await networkHelpers.time.setNextBlockTimestamp(next);
  return next;
}

describe("TeeRegistry", function () {
  describe("constructor", function () {
    it("is deployed with the module's parameters and roles", async function () {
      const { system, registry, governor, governorRole, maxAge } =
        await networkHelpers.loadFixture(deployedTeeRegistry);
      expect(maxAge).to.equal(30n * 24n * 3600n);
      expect(await registry.hasRole(await registry.DEFAULT_ADMIN_ROLE(), governor.address)).to.equal(true);
      expect(await registry.hasRole(governorRole, governor.address)).to.equal(true);
      expect(await system.settlement.teeRegistry()).to.equal(await registry.getAddress());
    });

    it("emits the initial maximum attestation age", async function () {
      const { registry, governor } = await networkHelpers.loadFixture(deployedTeeRegistry);
      const guard = await registry.pauseGuard();
      const deployed = await new TeeRegistry__factory(governor).deploy(governor.address, 60n, guard);
      await expect(deployed.deploymentTransaction()).to.emit(deployed, "MaxAttestationAgeUpdated").withArgs(0n, 60n);
    });

    it("reverts when the admin is the zero address", async function () {
      const { registry, governor } = await networkHelpers.loadFixture(deployedTeeRegistry);
      const guard = await registry.pauseGuard();
      await expect(new TeeRegistry__factory(governor).deploy(ZeroAddress, 60n, guard)).to.be.revertedWithCustomError(
        registry,
        "TeeRegistryZeroAddress",
      );
    });

    it("reverts when the pause guard is the zero address", async function () {
      const { registry, governor } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(
        new TeeRegistry__factory(governor).deploy(governor.address, 60n, ZeroAddress),
      ).to.be.revertedWithCustomError(registry, "TeeRegistryZeroAddress");
    });

    it("reverts when the maximum attestation age is zero", async function () {
      const { registry, governor } = await networkHelpers.loadFixture(deployedTeeRegistry);
      const guard = await registry.pauseGuard();
      await expect(
        new TeeRegistry__factory(governor).deploy(governor.address, 0n, guard),
      ).to.be.revertedWithCustomError(registry, "TeeRegistryZeroMaxAge");
    });
  });

  describe("allowMeasurement", function () {
    it("allows the measurement for that model only and emits it", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(registry.allowMeasurement(MODEL, NEW_MEASUREMENT))
        .to.emit(registry, "MeasurementAllowed")
        .withArgs(MODEL, NEW_MEASUREMENT);
      expect(await registry.isMeasurementAllowed(MODEL, NEW_MEASUREMENT)).to.equal(true);
      expect(await registry.isMeasurementAllowed(OTHER_MODEL, NEW_MEASUREMENT)).to.equal(false);
    });

    it("is open to a governor granted by the admin", async function () {
      const { registry, stranger, governorRole } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await (await registry.grantRole(governorRole, stranger.address)).wait();
      await expect(registry.connect(stranger).allowMeasurement(MODEL, NEW_MEASUREMENT)).to.emit(
        registry,
        "MeasurementAllowed",
      );
    });

    it("reverts when the caller is not a governor", async function () {
      const { registry, stranger, governorRole } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(registry.connect(stranger).allowMeasurement(MODEL, NEW_MEASUREMENT))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, governorRole);
    });

    it("reverts when the caller is an enclave operator but not a governor", async function () {
      const { registry, operator, governorRole } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(registry.connect(operator).allowMeasurement(MODEL, NEW_MEASUREMENT))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(operator.address, governorRole);
    });
  });

  describe("revokeMeasurement", function () {
    it("revokes the measurement for that model and emits it", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await (await registry.allowMeasurement(OTHER_MODEL, MEASUREMENT)).wait();
      await expect(registry.revokeMeasurement(MODEL, MEASUREMENT))
        .to.emit(registry, "MeasurementRevoked")
        .withArgs(MODEL, MEASUREMENT);
      expect(await registry.isMeasurementAllowed(MODEL, MEASUREMENT)).to.equal(false);
      expect(await registry.isMeasurementAllowed(OTHER_MODEL, MEASUREMENT)).to.equal(true);
    });

    it("reverts when the caller is not a governor", async function () {
      const { registry, stranger, governorRole } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(registry.connect(stranger).revokeMeasurement(MODEL, MEASUREMENT))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, governorRole);
    });
  });

  describe("setAttestationVerifier", function () {
    it("adds a verifier and emits the old and new state", async function () {
      const { registry, stranger } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(registry.setAttestationVerifier(stranger.address, true))
        .to.emit(registry, "AttestationVerifierSet")
        .withArgs(stranger.address, false, true);
    });

    it("removes a verifier and emits the old and new state; registrations through it are refused", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(f.registry.setAttestationVerifier(f.verifier, false))
        .to.emit(f.registry, "AttestationVerifierSet")
        .withArgs(f.verifier, true, false);
      await expect(register(f, enclaveOf("new"), f.operator))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryUnknownAttestationVerifier")
        .withArgs(f.verifier);
    });

    it("reverts when the verifier is the zero address", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(registry.setAttestationVerifier(ZeroAddress, true)).to.be.revertedWithCustomError(
        registry,
        "TeeRegistryZeroAddress",
      );
    });

    it("reverts when the caller is not a governor", async function () {
      const { registry, stranger, verifier, governorRole } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(registry.connect(stranger).setAttestationVerifier(verifier, false))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, governorRole);
    });
  });

  describe("setMaxAttestationAge", function () {
    it("sets the age and emits the old and new value; new registrations expire after it", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(f.registry.setMaxAttestationAge(60n))
        .to.emit(f.registry, "MaxAttestationAgeUpdated")
        .withArgs(f.maxAge, 60n);
      expect(await f.registry.maxAttestationAge()).to.equal(60n);
      const enclave = enclaveOf("new");
      const now = await pinNextTimestamp();
      await (await register(f, enclave, f.operator)).wait();
      expect((await f.registry.getEnclave(enclave.address)).expiresAt).to.equal(now + 60n);
    });

    it("reverts when the age is zero", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(registry.setMaxAttestationAge(0n)).to.be.revertedWithCustomError(registry, "TeeRegistryZeroMaxAge");
    });

    it("reverts when the caller is not a governor", async function () {
      const { registry, stranger, governorRole } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(registry.connect(stranger).setMaxAttestationAge(60n))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, governorRole);
    });
  });

  describe("registerEnclave", function () {
    it("refuses a registration copied by another caller: the attestation binds its operator", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = enclaveOf("front-run");
      const { context, bindingBlock } = await latestContext(f, f.operator);
      const attestation = await enclave.attest(f.verifier, context);
      const asStranger = enclaveBinding(enclave.address, { ...context, operator: f.stranger.address });
      await expect(
        f.registry.connect(f.stranger).registerEnclave(MODEL, enclave.address, f.verifier, attestation, bindingBlock),
      )
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryReportDataMismatch")
        .withArgs(asStranger, enclaveBinding(enclave.address, context));
      await expect(
        f.registry.connect(f.operator).registerEnclave(MODEL, enclave.address, f.verifier, attestation, bindingBlock),
      ).to.emit(f.registry, "EnclaveRegistered");
    });

    it("registers the key for the caller and emits its model, measurement and expiry", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = enclaveOf("new");
      const { context, bindingBlock } = await latestContext(f, f.stranger);
      const attestation = await enclave.attest(f.verifier, context);
      const now = await pinNextTimestamp();
      await expect(
        f.registry.connect(f.stranger).registerEnclave(MODEL, enclave.address, f.verifier, attestation, bindingBlock),
      )
        .to.emit(f.registry, "EnclaveRegistered")
        .withArgs(enclave.address, f.stranger.address, MODEL, MEASUREMENT, now + f.maxAge);
      expect(await f.registry.getEnclave(enclave.address)).to.deep.equal([
        f.stranger.address,
        now,
        now + f.maxAge,
        false,
        now, // the registration is the first heartbeat
        BigInt(TcbStatus.UpToDate), // as the test vendor vouches
        MODEL,
        MEASUREMENT,
        f.verifier,
      ]);
    });

    it("accepts a binding block exactly 256 blocks old", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = enclaveOf("new");
      const { context, bindingBlock } = await latestContext(f);
      const attestation = await enclave.attest(f.verifier, context);
      // The registration lands in block bindingBlock + 256.
      await networkHelpers.mine(255);
      await expect(
        f.registry.connect(f.operator).registerEnclave(MODEL, enclave.address, f.verifier, attestation, bindingBlock),
      ).to.emit(f.registry, "EnclaveRegistered");
    });

    it("reverts when the attestation verifier is not allowed", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = enclaveOf("new");
      const { context, bindingBlock } = await latestContext(f);
      const attestation = await enclave.attest(f.verifier, context);
      await expect(
        f.registry
          .connect(f.operator)
          .registerEnclave(MODEL, enclave.address, f.stranger.address, attestation, bindingBlock),
      )
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryUnknownAttestationVerifier")
        .withArgs(f.stranger.address);
    });

    it("reverts when the enclave key is the zero address", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const { context, bindingBlock } = await latestContext(f);
      const attestation = await vendorAttestation(f, enclaveBinding(ZeroAddress, context));
      await expect(
        f.registry.connect(f.operator).registerEnclave(MODEL, ZeroAddress, f.verifier, attestation, bindingBlock),
      ).to.be.revertedWithCustomError(f.registry, "TeeRegistryZeroAddress");
    });

    it("reverts when the binding block is more than 256 blocks old", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = enclaveOf("new");
      const { context, bindingBlock } = await latestContext(f);
      const attestation = await enclave.attest(f.verifier, context);
      // The registration lands in block bindingBlock + 257.
      await networkHelpers.mine(256);
      await expect(
        f.registry.connect(f.operator).registerEnclave(MODEL, enclave.address, f.verifier, attestation, bindingBlock),
      )
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryStaleBindingBlock")
        .withArgs(bindingBlock, bindingBlock + 257);
    });

    it("reverts when the binding block is far in the past (300 blocks)", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = enclaveOf("new");
      const { context, bindingBlock } = await latestContext(f);
      const attestation = await enclave.attest(f.verifier, context);
      await networkHelpers.mine(300);
      await expect(
        f.registry.connect(f.operator).registerEnclave(MODEL, enclave.address, f.verifier, attestation, bindingBlock),
      )
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryStaleBindingBlock")
        .withArgs(bindingBlock, bindingBlock + 301);
    });

    it("reverts when the binding block is the block of the registration itself", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = enclaveOf("new");
      const { context, bindingBlock } = await latestContext(f);
      const attestation = await enclave.attest(f.verifier, context);
      const current = bindingBlock + 1;
      await expect(
        f.registry.connect(f.operator).registerEnclave(MODEL, enclave.address, f.verifier, attestation, current),
      )
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryStaleBindingBlock")
        .withArgs(current, current);
    });

    it("reverts when the binding block is in the future", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = enclaveOf("new");
      const { context, bindingBlock } = await latestContext(f);
      const attestation = await enclave.attest(f.verifier, context);
      const future = bindingBlock + 5;
      await expect(
        f.registry.connect(f.operator).registerEnclave(MODEL, enclave.address, f.verifier, attestation, future),
      )
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryStaleBindingBlock")
        .withArgs(future, bindingBlock + 1);
    });

    it("reverts when the attestation binds another enclave key", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = enclaveOf("new");
      const { context, bindingBlock } = await latestContext(f);
      const otherKeyAttestation = await enclaveOf("other").attest(f.verifier, context);
      await expect(
        f.registry
          .connect(f.operator)
          .registerEnclave(MODEL, enclave.address, f.verifier, otherKeyAttestation, bindingBlock),
      )
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryReportDataMismatch")
        .withArgs(enclaveBinding(enclave.address, context), enclaveBinding(enclaveOf("other").address, context));
    });

    it("reverts when the attestation binds another registry", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = enclaveOf("new");
      const { context, bindingBlock } = await latestContext(f);
      const elsewhere = { ...context, registry: await f.system.modelRegistry.getAddress() };
      const attestation = await enclave.attest(f.verifier, elsewhere);
      await expect(
        f.registry.connect(f.operator).registerEnclave(MODEL, enclave.address, f.verifier, attestation, bindingBlock),
      )
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryReportDataMismatch")
        .withArgs(enclaveBinding(enclave.address, context), enclaveBinding(enclave.address, elsewhere));
    });

    it("reverts when the attestation binds another chain id", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = enclaveOf("new");
      const { context, bindingBlock } = await latestContext(f);
      const otherChain = { ...context, chainId: 1n };
      // The vendor signs for the adapter on this chain; only the report data names chain 1.
      const attestation = await vendorAttestation(f, enclaveBinding(enclave.address, otherChain));
      await expect(
        f.registry.connect(f.operator).registerEnclave(MODEL, enclave.address, f.verifier, attestation, bindingBlock),
      )
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryReportDataMismatch")
        .withArgs(enclaveBinding(enclave.address, context), enclaveBinding(enclave.address, otherChain));
    });

    it("reverts when the attestation binds the hash of another block than the binding block", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = enclaveOf("new");
      const { context, bindingBlock } = await latestContext(f);
      const attestation = await enclave.attest(f.verifier, context);
      const previous = await blockHash(bindingBlock - 1);
      await expect(
        f.registry
          .connect(f.operator)
          .registerEnclave(MODEL, enclave.address, f.verifier, attestation, bindingBlock - 1),
      )
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryReportDataMismatch")
        .withArgs(
          enclaveBinding(enclave.address, { ...context, bindingBlockHash: previous.hash }),
          enclaveBinding(enclave.address, context),
        );
    });

    it("reverts when the enclave runs in debug mode", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(register(f, enclaveOf("debug", MEASUREMENT, true), f.operator))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryDebugEnclave")
        .withArgs(MEASUREMENT);
    });

    it("reverts when the measurement is not allowed for the model", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(register(f, enclaveOf("new", NEW_MEASUREMENT), f.operator))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryMeasurementNotAllowed")
        .withArgs(MODEL, NEW_MEASUREMENT);
    });

    it("reverts when the measurement is allowed for another model only", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(register(f, enclaveOf("new"), f.operator, OTHER_MODEL))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryMeasurementNotAllowed")
        .withArgs(OTHER_MODEL, MEASUREMENT);
    });

    it("reverts when the measurement was revoked", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await (await f.registry.revokeMeasurement(MODEL, MEASUREMENT)).wait();
      await expect(register(f, enclaveOf("new"), f.operator))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryMeasurementNotAllowed")
        .withArgs(MODEL, MEASUREMENT);
    });

    it("reverts when the attestation is signed by another key than the vendor's", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = enclaveOf("new");
      const { context, bindingBlock } = await latestContext(f);
      const forger = new Wallet(id("not the vendor"));
      const forged = await signTestAttestation(forger, testVendorDomain(f.system.chainId, f.verifier), {
        measurement: MEASUREMENT,
        reportData: enclaveBinding(enclave.address, context),
        debug: false,
      });
      await expect(
        f.registry.connect(f.operator).registerEnclave(MODEL, enclave.address, f.verifier, forged, bindingBlock),
      )
        .to.be.revertedWithCustomError(f.system.testVendorVerifier, "TestAttestationInvalidSignature")
        .withArgs(forger.address);
    });

    it("reverts when the vendor signed for another adapter contract", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = enclaveOf("new");
      const { context, bindingBlock } = await latestContext(f);
      const statement = {
        measurement: MEASUREMENT,
        reportData: enclaveBinding(enclave.address, context),
        debug: false,
      };
      const otherAdapter = await signTestAttestation(
        testVendor(),
        testVendorDomain(f.system.chainId, f.stranger.address),
        statement,
      );
      const recovered = verifyTypedData(
        testVendorDomain(f.system.chainId, f.verifier),
        ATTESTATION_TYPES,
        statement,
        `0x${otherAdapter.slice(2 + 65 * 2)}`,
      );
      await expect(
        f.registry.connect(f.operator).registerEnclave(MODEL, enclave.address, f.verifier, otherAdapter, bindingBlock),
      )
        .to.be.revertedWithCustomError(f.system.testVendorVerifier, "TestAttestationInvalidSignature")
        .withArgs(recovered);
    });

    it("reverts when the attestation does not have the adapter's length", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = enclaveOf("new");
      const { context, bindingBlock } = await latestContext(f);
      const valid = await enclave.attest(f.verifier, context);
      for (const malformed of ["0x", concat([valid, "0x00"]), valid.slice(0, -2)]) {
        await expect(
          f.registry.connect(f.operator).registerEnclave(MODEL, enclave.address, f.verifier, malformed, bindingBlock),
        )
          .to.be.revertedWithCustomError(f.system.testVendorVerifier, "TestAttestationMalformed")
          .withArgs((malformed.length - 2) / 2);
      }
    });

    it("reverts when the key is registered already, by its own operator", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(register(f, f.enclave, f.operator))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryEnclaveExists")
        .withArgs(f.enclave.address);
    });

    it("reverts when the key is registered already, by another caller", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(register(f, f.enclave, f.stranger))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryEnclaveExists")
        .withArgs(f.enclave.address);
    });

    it("reverts when the key was revoked, for good", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await (await f.registry.connect(f.operator).revokeEnclave(f.enclave.address)).wait();
      await expect(register(f, f.enclave, f.operator))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryEnclaveRevoked")
        .withArgs(f.enclave.address);
    });
  });

  describe("reattest", function () {
    it("refreshes the expiry and emits the old and new measurement and expiry", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await networkHelpers.time.increase(1000);
      const { context, bindingBlock } = await latestContext(f);
      const attestation = await f.enclave.attest(f.verifier, context);
      const now = await pinNextTimestamp();
      await expect(f.registry.connect(f.operator).reattest(f.enclave.address, f.verifier, attestation, bindingBlock))
        .to.emit(f.registry, "EnclaveReattested")
        .withArgs(f.enclave.address, MEASUREMENT, MEASUREMENT, f.registered.expiresAt, now + f.maxAge);
      const after = await f.registry.getEnclave(f.enclave.address);
      expect(after.expiresAt).to.equal(now + f.maxAge);
      expect(after.registeredAt).to.equal(f.registered.registeredAt);
      expect(after.operator).to.equal(f.operator.address);
    });

    it("moves the enclave to a newly allowed measurement", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await (await f.registry.allowMeasurement(MODEL, NEW_MEASUREMENT)).wait();
      const upgraded = enclaveOf("registered", NEW_MEASUREMENT);
      expect(upgraded.address).to.equal(f.enclave.address);
      await expect(reattest(f, upgraded, f.operator))
        .to.emit(f.registry, "EnclaveReattested")
        .withArgs(f.enclave.address, MEASUREMENT, NEW_MEASUREMENT, f.registered.expiresAt, (v: bigint) => v > 0n);
      expect((await f.registry.getEnclave(f.enclave.address)).measurement).to.equal(NEW_MEASUREMENT);
    });

    it("makes an expired enclave active again", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await networkHelpers.time.increaseTo(f.registered.expiresAt);
      expect((await f.registry.enclaveStatus(f.enclave.address, MODEL))[1]).to.equal(BigInt(Status.Expired));
      await (await reattest(f, f.enclave, f.operator)).wait();
      expect((await f.registry.enclaveStatus(f.enclave.address, MODEL))[1]).to.equal(BigInt(Status.Active));
    });

    it("reverts when the key is unknown", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const unknown = enclaveOf("unknown");
      await expect(reattest(f, unknown, f.operator))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryUnknownEnclave")
        .withArgs(unknown.address);
    });

    it("reverts when the caller is not the operator", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(reattest(f, f.enclave, f.stranger))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryNotOperator")
        .withArgs(f.enclave.address, f.stranger.address);
    });

    it("reverts when the caller is a governor but not the operator", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(reattest(f, f.enclave, f.governor))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryNotOperator")
        .withArgs(f.enclave.address, f.governor.address);
    });

    it("reverts when the key was revoked", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await (await f.registry.revokeEnclave(f.enclave.address)).wait();
      await expect(reattest(f, f.enclave, f.operator))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryEnclaveRevoked")
        .withArgs(f.enclave.address);
    });

    it("reverts when the new measurement is not allowed for the enclave's model", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(reattest(f, enclaveOf("registered", NEW_MEASUREMENT), f.operator))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryMeasurementNotAllowed")
        .withArgs(MODEL, NEW_MEASUREMENT);
    });

    it("reverts when the new attestation is of a debug enclave", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(reattest(f, enclaveOf("registered", MEASUREMENT, true), f.operator))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryDebugEnclave")
        .withArgs(MEASUREMENT);
    });

    it("reverts when the new attestation binds another key", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const { context, bindingBlock } = await latestContext(f);
      const attestation = await enclaveOf("other").attest(f.verifier, context);
      await expect(
        f.registry.connect(f.operator).reattest(f.enclave.address, f.verifier, attestation, bindingBlock),
      ).to.be.revertedWithCustomError(f.registry, "TeeRegistryReportDataMismatch");
    });

    it("reverts when the binding block is stale", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const { context, bindingBlock } = await latestContext(f);
      const attestation = await f.enclave.attest(f.verifier, context);
      await networkHelpers.mine(300);
      await expect(f.registry.connect(f.operator).reattest(f.enclave.address, f.verifier, attestation, bindingBlock))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryStaleBindingBlock")
        .withArgs(bindingBlock, bindingBlock + 301);
    });

    it("reverts when the attestation verifier is not allowed", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await (await f.registry.setAttestationVerifier(f.verifier, false)).wait();
      await expect(reattest(f, f.enclave, f.operator))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryUnknownAttestationVerifier")
        .withArgs(f.verifier);
    });
  });

  describe("revokeEnclave", function () {
    it("lets the operator revoke its key and emits who revoked it", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(f.registry.connect(f.operator).revokeEnclave(f.enclave.address))
        .to.emit(f.registry, "EnclaveRevoked")
        .withArgs(f.enclave.address, f.operator.address);
      expect((await f.registry.getEnclave(f.enclave.address)).revoked).to.equal(true);
    });

    it("lets a governor revoke any key", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(f.registry.connect(f.governor).revokeEnclave(f.enclave.address))
        .to.emit(f.registry, "EnclaveRevoked")
        .withArgs(f.enclave.address, f.governor.address);
    });

    it("reverts when the caller is neither the operator nor a governor", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(f.registry.connect(f.stranger).revokeEnclave(f.enclave.address))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryNotOperator")
        .withArgs(f.enclave.address, f.stranger.address);
    });

    it("reverts when the key is unknown", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const unknown = enclaveOf("unknown").address;
      await expect(f.registry.revokeEnclave(unknown))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryUnknownEnclave")
        .withArgs(unknown);
    });

    it("reverts when the key is revoked already", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await (await f.registry.connect(f.operator).revokeEnclave(f.enclave.address)).wait();
      await expect(f.registry.connect(f.governor).revokeEnclave(f.enclave.address))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryEnclaveRevoked")
        .withArgs(f.enclave.address);
    });
  });

  describe("enclaveBinding", function () {
    it("equals the SDK's enclaveBinding", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const { context, bindingBlock } = await latestContext(f);
      // A call runs in the context of the latest block, whose own hash is not yet available to it.
      await networkHelpers.mine(1);
      for (const key of [f.enclave.address, enclaveOf("other").address]) {
        expect(await f.registry.enclaveBinding(key, f.operator.address, bindingBlock)).to.equal(
          enclaveBinding(key, context),
        );
      }
    });
  });

  describe("enclaveStatus", function () {
    it("reports None for a key never registered", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedTeeRegistry);
      expect(await registry.enclaveStatus(enclaveOf("unknown").address, MODEL)).to.deep.equal([
        ZeroAddress,
        BigInt(Status.None),
      ]);
    });

    it("reports Active for a fresh attestation of an allowed measurement", async function () {
      const { registry, operator, enclave } = await networkHelpers.loadFixture(deployedTeeRegistry);
      expect(await registry.enclaveStatus(enclave.address, MODEL)).to.deep.equal([
        operator.address,
        BigInt(Status.Active),
      ]);
    });

    it("reports Active until the attestation reaches the maximum age", async function () {
      const { registry, enclave, registered } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await networkHelpers.time.increaseTo(registered.expiresAt - 10n);
      expect((await registry.enclaveStatus(enclave.address, MODEL))[1]).to.equal(BigInt(Status.Active));
    });

    it("reports Expired once the attestation reaches the maximum age", async function () {
      const { registry, operator, enclave, registered, maxAge } = await networkHelpers.loadFixture(deployedTeeRegistry);
      expect(registered.expiresAt - registered.registeredAt).to.equal(maxAge);
      await networkHelpers.time.increaseTo(registered.expiresAt);
      expect(await registry.enclaveStatus(enclave.address, MODEL)).to.deep.equal([
        operator.address,
        BigInt(Status.Expired),
      ]);
    });

    it("reports MeasurementRevoked at once when governance revokes the measurement, and Active when re-allowed", async function () {
      const { registry, operator, enclave } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await (await registry.revokeMeasurement(MODEL, MEASUREMENT)).wait();
      expect(await registry.enclaveStatus(enclave.address, MODEL)).to.deep.equal([
        operator.address,
        BigInt(Status.MeasurementRevoked),
      ]);
      await (await registry.allowMeasurement(MODEL, MEASUREMENT)).wait();
      expect((await registry.enclaveStatus(enclave.address, MODEL))[1]).to.equal(BigInt(Status.Active));
    });

    it("reports VerifierRevoked at once when governance removes the verifier that admitted the key, Active when re-added", async function () {
      const { registry, operator, enclave, verifier } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await (await registry.setAttestationVerifier(verifier, false)).wait();
      expect(await registry.enclaveStatus(enclave.address, MODEL)).to.deep.equal([
        operator.address,
        BigInt(Status.VerifierRevoked),
      ]);
      await (await registry.setAttestationVerifier(verifier, true)).wait();
      expect((await registry.enclaveStatus(enclave.address, MODEL))[1]).to.equal(BigInt(Status.Active));
    });

    it("reports Active again once a key of a removed verifier re-attests through another one", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const attester = await f.system.signedAttesterVerifier.getAddress();
      await (await f.registry.setAttestationVerifier(f.verifier, false)).wait();
      const { context, bindingBlock } = await latestContext(f, f.operator);
      const expiresAt = BigInt(await networkHelpers.time.latest()) + 600n;
      const statement = await f.enclave.attestViaAttester(testAttester(), attester, context, expiresAt);
      await (
        await f.registry.connect(f.operator).reattest(f.enclave.address, attester, statement, bindingBlock)
      ).wait();
      expect((await f.registry.getEnclave(f.enclave.address)).verifier).to.equal(attester);
      expect((await f.registry.enclaveStatus(f.enclave.address, MODEL))[1]).to.equal(BigInt(Status.Active));
    });

    it("reports WrongModel for another model, even one that allows the measurement", async function () {
      const { registry, operator, enclave } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await (await registry.allowMeasurement(OTHER_MODEL, MEASUREMENT)).wait();
      expect(await registry.enclaveStatus(enclave.address, OTHER_MODEL)).to.deep.equal([
        operator.address,
        BigInt(Status.WrongModel),
      ]);
    });

    it("reports Revoked for a revoked key, before any other reason", async function () {
      const { registry, operator, enclave, registered } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await (await registry.connect(operator).revokeEnclave(enclave.address)).wait();
      await (await registry.revokeMeasurement(MODEL, MEASUREMENT)).wait();
      await networkHelpers.time.increaseTo(registered.expiresAt);
      for (const model of [MODEL, OTHER_MODEL]) {
        expect(await registry.enclaveStatus(enclave.address, model)).to.deep.equal([
          operator.address,
          BigInt(Status.Revoked),
        ]);
      }
    });
  });

  describe("setMaxHeartbeatInterval", function () {
    it("sets the interval and emits the old and new value", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedTeeRegistry);
      expect(await registry.maxHeartbeatInterval()).to.equal(0n);
      await expect(registry.setMaxHeartbeatInterval(3600n))
        .to.emit(registry, "MaxHeartbeatIntervalUpdated")
        .withArgs(0n, 3600n);
      expect(await registry.maxHeartbeatInterval()).to.equal(3600n);
    });

    it("reverts when the caller is not a governor", async function () {
      const { registry, operator, governorRole } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(registry.connect(operator).setMaxHeartbeatInterval(3600n))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(operator.address, governorRole);
    });
  });

  describe("heartbeat", function () {
    /** A heartbeat of `enclave` over the latest block, for `registry` (the fixture's by default). */
    async function signedHeartbeat(f: Fixture, enclave: SimulatedEnclave, registry?: string) {
      const block = await blockHash("latest");
      const domain = teeRegistryDomain(f.system.chainId, registry ?? (await f.registry.getAddress()));
      return { blockNumber: block.number, signature: await enclave.signHeartbeat(domain, block.number, block.hash) };
    }

    it("records the time, relayed by anyone, and emits the old and new heartbeat", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const { blockNumber, signature } = await signedHeartbeat(f, f.enclave);
      const now = await pinNextTimestamp(100);
      await expect(f.registry.connect(f.stranger).heartbeat(f.enclave.address, blockNumber, signature))
        .to.emit(f.registry, "EnclaveHeartbeat")
        .withArgs(f.enclave.address, f.registered.registeredAt, now);
      expect((await f.registry.getEnclave(f.enclave.address)).lastHeartbeat).to.equal(now);
    });

    it("reverts when another key signed it", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const impostor = enclaveOf("impostor");
      const { blockNumber, signature } = await signedHeartbeat(f, impostor);
      await expect(f.registry.heartbeat(f.enclave.address, blockNumber, signature))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryInvalidHeartbeat")
        .withArgs(f.enclave.address, (recovered: string) => recovered !== f.enclave.address);
    });

    it("reverts when it was signed for another registry", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const { blockNumber, signature } = await signedHeartbeat(f, f.enclave, f.stranger.address);
      await expect(f.registry.heartbeat(f.enclave.address, blockNumber, signature)).to.be.revertedWithCustomError(
        f.registry,
        "TeeRegistryInvalidHeartbeat",
      );
    });

    it("reverts when its block is more than 256 blocks old (a heartbeat cannot be signed ahead)", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const { blockNumber, signature } = await signedHeartbeat(f, f.enclave);
      await networkHelpers.mine(257);
      await expect(f.registry.heartbeat(f.enclave.address, blockNumber, signature))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryStaleBindingBlock")
        .withArgs(blockNumber, (current: bigint) => current > BigInt(blockNumber) + 256n);
    });

    it("reverts when the key is unknown or revoked", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const unknown = enclaveOf("unknown");
      const forUnknown = await signedHeartbeat(f, unknown);
      await expect(f.registry.heartbeat(unknown.address, forUnknown.blockNumber, forUnknown.signature))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryUnknownEnclave")
        .withArgs(unknown.address);
      await (await f.registry.connect(f.operator).revokeEnclave(f.enclave.address)).wait();
      const { blockNumber, signature } = await signedHeartbeat(f, f.enclave);
      await expect(f.registry.heartbeat(f.enclave.address, blockNumber, signature))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryEnclaveRevoked")
        .withArgs(f.enclave.address);
    });
  });

  describe("enclaveStatus: heartbeat policy", function () {
    it("reports Stale once the last heartbeat is older than the interval, and Active after a heartbeat", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await (await f.registry.setMaxHeartbeatInterval(3600n)).wait();
      await networkHelpers.time.increaseTo(f.registered.lastHeartbeat + 3600n);
      expect((await f.registry.enclaveStatus(f.enclave.address, MODEL))[1]).to.equal(BigInt(Status.Active));
      await networkHelpers.time.increaseTo(f.registered.lastHeartbeat + 3601n);
      expect(await f.registry.enclaveStatus(f.enclave.address, MODEL)).to.deep.equal([
        f.operator.address,
        BigInt(Status.Stale),
      ]);
      const block = await blockHash("latest");
      const domain = teeRegistryDomain(f.system.chainId, await f.registry.getAddress());
      const signature = await f.enclave.signHeartbeat(domain, block.number, block.hash);
      await (await f.registry.heartbeat(f.enclave.address, block.number, signature)).wait();
      expect((await f.registry.enclaveStatus(f.enclave.address, MODEL))[1]).to.equal(BigInt(Status.Active));
    });

    it("never reports Stale while the interval is 0 (the default)", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await networkHelpers.time.increaseTo(f.registered.expiresAt - 1n);
      expect((await f.registry.enclaveStatus(f.enclave.address, MODEL))[1]).to.equal(BigInt(Status.Active));
    });

    it("applies a new interval to registered enclaves at once", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await networkHelpers.time.increase(7200);
      expect((await f.registry.enclaveStatus(f.enclave.address, MODEL))[1]).to.equal(BigInt(Status.Active));
      await (await f.registry.setMaxHeartbeatInterval(3600n)).wait();
      expect((await f.registry.enclaveStatus(f.enclave.address, MODEL))[1]).to.equal(BigInt(Status.Stale));
    });

    it("counts a re-attestation as a heartbeat", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await (await f.registry.setMaxHeartbeatInterval(3600n)).wait();
      await networkHelpers.time.increase(7200);
      await (await reattest(f, f.enclave, f.operator)).wait();
      expect((await f.registry.enclaveStatus(f.enclave.address, MODEL))[1]).to.equal(BigInt(Status.Active));
    });
  });

  describe("setAcceptedTcbStatuses", function () {
    it("starts with UpToDate and SWHardeningNeeded, and emits the old and new mask", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedTeeRegistry);
      const initial = (1 << TcbStatus.UpToDate) | (1 << TcbStatus.SWHardeningNeeded);
      expect(await registry.acceptedTcbStatuses()).to.equal(BigInt(initial));
      await expect(registry.setAcceptedTcbStatuses(1 << TcbStatus.UpToDate))
        .to.emit(registry, "AcceptedTcbStatusesUpdated")
        .withArgs(initial, 1 << TcbStatus.UpToDate);
    });

    it("reverts when the caller is not a governor", async function () {
      const { registry, stranger, governorRole } = await networkHelpers.loadFixture(deployedTeeRegistry);
      await expect(registry.connect(stranger).setAcceptedTcbStatuses(0xff))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, governorRole);
    });

    it("refuses new registrations whose TCB status it no longer accepts", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      await (await f.registry.setAcceptedTcbStatuses(1 << TcbStatus.SWHardeningNeeded)).wait();
      await expect(register(f, enclaveOf("new"), f.operator))
        .to.be.revertedWithCustomError(f.registry, "TeeRegistryTcbNotAccepted")
        .withArgs(TcbStatus.UpToDate);
    });
  });

  describe("registerEnclave through DcapQuoteV4Verifier", function () {
    const MR_SIGNER = id("enclave vendor") as Hex;
    const rtmr = (i: number) => `0x${i.toString(16).padStart(2, "0").repeat(48)}` as Hex;

    /** The fixture, plus the simulated platform whose chain the deployed DCAP verifier pins, and its TCB ids. */
    async function withPlatform(f: Fixture) {
      const now = new Date((await networkHelpers.time.latest()) * 1000);
      const platform: QuotingPlatform = createQuotingPlatform(createTestPckChain({ now }));
      const sgxTcb = dcapTcbId(platform.chain, TEE_TYPE.sgx, platform.qeIsvSvn, `0x${"00".repeat(16)}`);
      const tdxTcb = dcapTcbId(platform.chain, TEE_TYPE.tdx, platform.qeIsvSvn, "0x03000500000000000000000000000000");
      return {
        ...f,
        platform,
        sgxTcb,
        tdxTcb,
        dcap: f.system.dcapVerifier,
        dcapAddress: await f.system.dcapVerifier.getAddress(),
      };
    }

    async function registerByQuote(
      g: Awaited<ReturnType<typeof withPlatform>>,
      enclave: SimulatedEnclave,
      as: Signer = g.operator,
    ) {
      const { context, bindingBlock } = await latestContext(g, as);
      const quote = enclave.dcapQuote(g.platform, context);
      return g.registry.connect(as).registerEnclave(MODEL, enclave.address, g.dcapAddress, quote, bindingBlock);
    }

    it("registers an SGX enclave once governance recorded its TCB as up to date", async function () {
      const g = await withPlatform(await networkHelpers.loadFixture(deployedTeeRegistry));
      const enclave = SimulatedEnclave.sgx(id("sgx image") as Hex, MR_SIGNER, { key: new Wallet(id("sgx key")) });
      await (await g.registry.allowMeasurement(MODEL, enclave.measurement)).wait();
      await expect(registerByQuote(g, enclave))
        .to.be.revertedWithCustomError(g.registry, "TeeRegistryTcbNotAccepted")
        .withArgs(TcbStatus.Unknown);
      await (await g.dcap.setTcbStatus(g.sgxTcb, TcbStatus.UpToDate)).wait();
      await expect(registerByQuote(g, enclave))
        .to.emit(g.registry, "EnclaveAttested")
        .withArgs(enclave.address, g.dcapAddress, enclave.measurement, TcbStatus.UpToDate, g.sgxTcb);
      const record = await g.registry.getEnclave(enclave.address);
      expect(record.measurement).to.equal(id("sgx image"));
      expect(record.tcbStatus).to.equal(BigInt(TcbStatus.UpToDate));
      expect(await g.registry.enclaveStatus(enclave.address, MODEL)).to.deep.equal([
        g.operator.address,
        BigInt(Status.Active),
      ]);
    });

    it("registers a TDX trust domain by keccak256(MRTD ‖ RTMR0..3)", async function () {
      const g = await withPlatform(await networkHelpers.loadFixture(deployedTeeRegistry));
      const enclave = SimulatedEnclave.tdx(`0x${"a1".repeat(48)}`, [rtmr(1), rtmr(2), rtmr(3), rtmr(4)], {
        key: new Wallet(id("tdx key")),
      });
      await (await g.registry.allowMeasurement(MODEL, enclave.measurement)).wait();
      await (await g.dcap.setTcbStatus(g.tdxTcb, TcbStatus.SWHardeningNeeded)).wait();
      await expect(registerByQuote(g, enclave))
        .to.emit(g.registry, "EnclaveRegistered")
        .withArgs(enclave.address, g.operator.address, MODEL, enclave.measurement, (v: bigint) => v > 0n);
      expect((await g.registry.getEnclave(enclave.address)).tcbStatus).to.equal(BigInt(TcbStatus.SWHardeningNeeded));
    });

    it("refuses an out-of-date TCB unless governance accepts it", async function () {
      const g = await withPlatform(await networkHelpers.loadFixture(deployedTeeRegistry));
      const enclave = SimulatedEnclave.sgx(id("sgx image") as Hex, MR_SIGNER);
      await (await g.registry.allowMeasurement(MODEL, enclave.measurement)).wait();
      await (await g.dcap.setTcbStatus(g.sgxTcb, TcbStatus.OutOfDate)).wait();
      await expect(registerByQuote(g, enclave))
        .to.be.revertedWithCustomError(g.registry, "TeeRegistryTcbNotAccepted")
        .withArgs(TcbStatus.OutOfDate);
      await (await g.registry.setAcceptedTcbStatuses((1 << TcbStatus.UpToDate) | (1 << TcbStatus.OutOfDate))).wait();
      await expect(registerByQuote(g, enclave)).to.emit(g.registry, "EnclaveRegistered");
    });

    it("refuses a quote registered by another caller than the operator it binds", async function () {
      const g = await withPlatform(await networkHelpers.loadFixture(deployedTeeRegistry));
      const enclave = SimulatedEnclave.sgx(id("sgx image") as Hex, MR_SIGNER);
      await (await g.registry.allowMeasurement(MODEL, enclave.measurement)).wait();
      await (await g.dcap.setTcbStatus(g.sgxTcb, TcbStatus.UpToDate)).wait();
      const { context, bindingBlock } = await latestContext(g, g.operator);
      const quote = enclave.dcapQuote(g.platform, context);
      await expect(
        g.registry.connect(g.stranger).registerEnclave(MODEL, enclave.address, g.dcapAddress, quote, bindingBlock),
      ).to.be.revertedWithCustomError(g.registry, "TeeRegistryReportDataMismatch");
    });

    it("refuses a debug enclave, a measurement not allowed, and a key registered already", async function () {
      const g = await withPlatform(await networkHelpers.loadFixture(deployedTeeRegistry));
      await (await g.dcap.setTcbStatus(g.sgxTcb, TcbStatus.UpToDate)).wait();
      const key = new Wallet(id("sgx key"));
      const debug = SimulatedEnclave.sgx(id("sgx image") as Hex, MR_SIGNER, { key, debug: true });
      await (await g.registry.allowMeasurement(MODEL, debug.measurement)).wait();
      await expect(registerByQuote(g, debug))
        .to.be.revertedWithCustomError(g.registry, "TeeRegistryDebugEnclave")
        .withArgs(debug.measurement);
      const unknownImage = SimulatedEnclave.sgx(id("another image") as Hex, MR_SIGNER, { key });
      await expect(registerByQuote(g, unknownImage))
        .to.be.revertedWithCustomError(g.registry, "TeeRegistryMeasurementNotAllowed")
        .withArgs(MODEL, unknownImage.measurement);
      const enclave = SimulatedEnclave.sgx(id("sgx image") as Hex, MR_SIGNER, { key });
      await (await registerByQuote(g, enclave)).wait();
      await expect(registerByQuote(g, enclave))
        .to.be.revertedWithCustomError(g.registry, "TeeRegistryEnclaveExists")
        .withArgs(key.address);
    });

    it("passes the verifier's named error through for a tampered quote", async function () {
      const g = await withPlatform(await networkHelpers.loadFixture(deployedTeeRegistry));
      const enclave = SimulatedEnclave.sgx(id("sgx image") as Hex, MR_SIGNER);
      const { context, bindingBlock } = await latestContext(g, g.operator);
      const quote = enclave.dcapQuote(g.platform, context);
      const tampered = `${quote.slice(0, 2 + 2 * 120)}ff${quote.slice(2 + 2 * 121)}`; // a byte of MRENCLAVE
      await expect(
        g.registry.connect(g.operator).registerEnclave(MODEL, enclave.address, g.dcapAddress, tampered, bindingBlock),
      ).to.be.revertedWithCustomError(g.dcap, "DcapInvalidQuoteSignature");
    });

    it("re-attests with a fresh quote and records the TCB status anew", async function () {
      const g = await withPlatform(await networkHelpers.loadFixture(deployedTeeRegistry));
      const enclave = SimulatedEnclave.sgx(id("sgx image") as Hex, MR_SIGNER);
      await (await g.registry.allowMeasurement(MODEL, enclave.measurement)).wait();
      await (await g.dcap.setTcbStatus(g.sgxTcb, TcbStatus.UpToDate)).wait();
      await (await registerByQuote(g, enclave)).wait();
      await (await g.dcap.setTcbStatus(g.sgxTcb, TcbStatus.SWHardeningNeeded)).wait();
      const { context, bindingBlock } = await latestContext(g, g.operator);
      await expect(
        g.registry
          .connect(g.operator)
          .reattest(enclave.address, g.dcapAddress, enclave.dcapQuote(g.platform, context), bindingBlock),
      ).to.emit(g.registry, "EnclaveReattested");
      expect((await g.registry.getEnclave(enclave.address)).tcbStatus).to.equal(BigInt(TcbStatus.SWHardeningNeeded));
    });
  });

  describe("registerEnclave through SignedAttesterVerifier (Nitro)", function () {
    const pcr = (i: number) => `0x${(i + 10).toString(16).repeat(96)}` as Hex;

    it("registers a Nitro enclave on an allowed attester's statement", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = SimulatedEnclave.nitro([pcr(0), pcr(1), pcr(2)]);
      await (await f.registry.allowMeasurement(MODEL, enclave.measurement)).wait();
      const verifier = await f.system.signedAttesterVerifier.getAddress();
      const { context, bindingBlock } = await latestContext(f, f.operator);
      const expiresAt = BigInt(await networkHelpers.time.latest()) + 600n;
      const statement = await enclave.attestViaAttester(testAttester(), verifier, context, expiresAt);
      await expect(
        f.registry.connect(f.operator).registerEnclave(MODEL, enclave.address, verifier, statement, bindingBlock),
      )
        .to.emit(f.registry, "EnclaveAttested")
        .withArgs(enclave.address, verifier, enclave.measurement, TcbStatus.UpToDate, ZeroHash);
    });

    it("refuses a statement about a debug enclave", async function () {
      const f = await networkHelpers.loadFixture(deployedTeeRegistry);
      const enclave = SimulatedEnclave.nitro([pcr(0), pcr(1), pcr(2)], { debug: true });
      await (await f.registry.allowMeasurement(MODEL, enclave.measurement)).wait();
      const verifier = await f.system.signedAttesterVerifier.getAddress();
      const { context, bindingBlock } = await latestContext(f, f.operator);
      const expiresAt = BigInt(await networkHelpers.time.latest()) + 600n;
      const statement = await enclave.attestViaAttester(testAttester(), verifier, context, expiresAt);
      await expect(
        f.registry.connect(f.operator).registerEnclave(MODEL, enclave.address, verifier, statement, bindingBlock),
      ).to.be.revertedWithCustomError(f.registry, "TeeRegistryDebugEnclave");
    });
  });
});
