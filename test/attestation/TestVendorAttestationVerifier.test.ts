import { expect } from "chai";
import {
  Signature,
  Wallet,
  ZeroAddress,
  ZeroHash,
  concat,
  id,
  toBeHex,
  verifyTypedData,
  type TypedDataDomain,
} from "ethers";
import { network } from "hardhat";

import { deployLocalSystem } from "../../sdk/testing/local/deploy.js";
import type { Hex } from "../../sdk/lib/settlement/item.js";
import {
  ATTESTATION_TYPES,
  TEST_VENDOR_ADDRESS,
  signTestAttestation,
  testVendor,
  testVendorDomain,
  type TestAttestation,
} from "../../sdk/testing/tee/testVendor.js";
import { TestVendorAttestationVerifier__factory } from "../../typechain-types/index.js";

const connection = await network.create();
const { networkHelpers } = connection;

/** secp256k1 group order: a signature with s above n/2 is the malleable twin of one below. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The named fixture: the adapter deployed by the Ignition module, its EIP-712 domain and a statement to sign. */
async function deployedAttestationVerifier() {
  const system = await deployLocalSystem(connection);
  const verifier = system.testVendorVerifier;
  const domain = testVendorDomain(system.chainId, await verifier.getAddress());
  const statement: TestAttestation = {
    measurement: id("enclave image") as Hex,
    reportData: id("report data") as Hex,
    debug: false,
  };
  return { system, verifier, domain, statement };
}

/** Packs an attestation as the adapter reads it, with an explicit debug byte and signature. */
function pack(statement: TestAttestation, debugByte: Hex, signature: string): Hex {
  return concat([statement.measurement, statement.reportData, debugByte, signature]) as Hex;
}

/** The address the adapter recovers from `signature` over `statement` in its own domain. */
function recoveredBy(domain: TypedDataDomain, statement: TestAttestation, signature: string): string {
  return verifyTypedData(domain, ATTESTATION_TYPES, statement, signature);
}

describe("TestVendorAttestationVerifier", function () {
  describe("constructor", function () {
    it("pins the SDK's test vendor in the deployed module", async function () {
      const { verifier } = await networkHelpers.loadFixture(deployedAttestationVerifier);
      expect(await verifier.vendor()).to.equal(TEST_VENDOR_ADDRESS);
    });

    it("reverts when the vendor is the zero address", async function () {
      const { system, verifier } = await networkHelpers.loadFixture(deployedAttestationVerifier);
      await expect(
        new TestVendorAttestationVerifier__factory(system.admin).deploy(ZeroAddress),
      ).to.be.revertedWithCustomError(verifier, "TestAttestationZeroVendor");
    });
  });

  describe("verifyAttestation", function () {
    it("returns the measurement, report data and debug flag the vendor signed, and an up-to-date TCB", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedAttestationVerifier);
      const attestation = await signTestAttestation(testVendor(), domain, statement);
      expect(await verifier.verifyAttestation(attestation)).to.deep.equal([
        statement.measurement,
        statement.reportData,
        false,
        1n, // TcbStatus.UpToDate: the test vendor stands in for the TCB collateral too
        ZeroHash, // no TCB id
      ]);
    });

    it("returns debug for a debug enclave", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedAttestationVerifier);
      const attestation = await signTestAttestation(testVendor(), domain, { ...statement, debug: true });
      expect((await verifier.verifyAttestation(attestation)).debug).to.equal(true);
    });

    it("reads any non-zero debug byte as a debug enclave", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedAttestationVerifier);
      const signature = await testVendor().signTypedData(domain, ATTESTATION_TYPES, { ...statement, debug: true });
      for (const debugByte of ["0x02", "0xff"] as const) {
        expect((await verifier.verifyAttestation(pack(statement, debugByte, signature))).debug).to.equal(true);
      }
    });

    it("reverts when the debug flag was cleared after the vendor signed a debug enclave", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedAttestationVerifier);
      const debug = { ...statement, debug: true };
      const signature = await testVendor().signTypedData(domain, ATTESTATION_TYPES, debug);
      await expect(verifier.verifyAttestation(pack(statement, "0x00", signature)))
        .to.be.revertedWithCustomError(verifier, "TestAttestationInvalidSignature")
        .withArgs(recoveredBy(domain, statement, signature));
    });

    it("reverts when the measurement was changed after signing", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedAttestationVerifier);
      const signature = await testVendor().signTypedData(domain, ATTESTATION_TYPES, statement);
      const changed = { ...statement, measurement: id("another image") as Hex };
      await expect(verifier.verifyAttestation(pack(changed, "0x00", signature)))
        .to.be.revertedWithCustomError(verifier, "TestAttestationInvalidSignature")
        .withArgs(recoveredBy(domain, changed, signature));
    });

    it("reverts when the report data was changed after signing", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedAttestationVerifier);
      const signature = await testVendor().signTypedData(domain, ATTESTATION_TYPES, statement);
      const changed = { ...statement, reportData: id("another binding") as Hex };
      await expect(verifier.verifyAttestation(pack(changed, "0x00", signature)))
        .to.be.revertedWithCustomError(verifier, "TestAttestationInvalidSignature")
        .withArgs(recoveredBy(domain, changed, signature));
    });

    it("reverts when the signer is not the vendor", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedAttestationVerifier);
      const forger = new Wallet(id("not the vendor"));
      await expect(verifier.verifyAttestation(await signTestAttestation(forger, domain, statement)))
        .to.be.revertedWithCustomError(verifier, "TestAttestationInvalidSignature")
        .withArgs(forger.address);
    });

    it("reverts when the vendor signed for another chain", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedAttestationVerifier);
      const signature = await testVendor().signTypedData({ ...domain, chainId: 1n }, ATTESTATION_TYPES, statement);
      await expect(verifier.verifyAttestation(pack(statement, "0x00", signature)))
        .to.be.revertedWithCustomError(verifier, "TestAttestationInvalidSignature")
        .withArgs(recoveredBy(domain, statement, signature));
    });

    it("reverts when the vendor signed for another adapter contract", async function () {
      const { system, verifier, domain, statement } = await networkHelpers.loadFixture(deployedAttestationVerifier);
      const otherAdapter = { ...domain, verifyingContract: await system.teeRegistry.getAddress() };
      const signature = await testVendor().signTypedData(otherAdapter, ATTESTATION_TYPES, statement);
      await expect(verifier.verifyAttestation(pack(statement, "0x00", signature)))
        .to.be.revertedWithCustomError(verifier, "TestAttestationInvalidSignature")
        .withArgs(recoveredBy(domain, statement, signature));
    });

    it("reverts when the vendor's signature is malleated to a high s", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedAttestationVerifier);
      const signature = Signature.from(await testVendor().signTypedData(domain, ATTESTATION_TYPES, statement));
      const highS = concat([
        signature.r,
        toBeHex(SECP256K1_N - BigInt(signature.s), 32),
        signature.v === 27 ? "0x1c" : "0x1b",
      ]);
      await expect(verifier.verifyAttestation(pack(statement, "0x00", highS)))
        .to.be.revertedWithCustomError(verifier, "TestAttestationInvalidSignature")
        .withArgs(ZeroAddress);
    });

    it("reverts when the signature's v is neither 27 nor 28", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedAttestationVerifier);
      const signature = Signature.from(await testVendor().signTypedData(domain, ATTESTATION_TYPES, statement));
      await expect(verifier.verifyAttestation(pack(statement, "0x00", concat([signature.r, signature.s, "0x1d"]))))
        .to.be.revertedWithCustomError(verifier, "TestAttestationInvalidSignature")
        .withArgs(ZeroAddress);
    });

    it("reverts when the signature is in the 64-byte compact form", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedAttestationVerifier);
      const signature = Signature.from(await testVendor().signTypedData(domain, ATTESTATION_TYPES, statement));
      await expect(verifier.verifyAttestation(pack(statement, "0x00", signature.compactSerialized)))
        .to.be.revertedWithCustomError(verifier, "TestAttestationMalformed")
        .withArgs(32 + 32 + 1 + 64);
    });

    it("reverts when the attestation is empty, truncated or padded", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedAttestationVerifier);
      const valid = await signTestAttestation(testVendor(), domain, statement);
      for (const malformed of ["0x", valid.slice(0, -2), concat([valid, "0x00"]), concat([valid, valid])]) {
        await expect(verifier.verifyAttestation(malformed))
          .to.be.revertedWithCustomError(verifier, "TestAttestationMalformed")
          .withArgs((malformed.length - 2) / 2);
      }
    });
  });
});
