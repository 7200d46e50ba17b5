import { expect } from "chai";
import { Signature, Wallet, ZeroAddress, ZeroHash, concat, id, toBeHex, verifyTypedData } from "ethers";
import { network } from "hardhat";

import { deployLocalSystem } from "../../sdk/testing/local/deploy.js";
import type { Hex } from "../../sdk/lib/settlement/item.js";
import {
  ATTESTER_STATEMENT_TYPES,
  nitroMeasurement,
  signAttesterStatement,
  signedAttesterDomain,
  testAttester,
  type AttesterStatement,
} from "../../sdk/testing/tee/signedAttester.js";
import { SignedAttesterVerifier__factory } from "../../typechain-types/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/** secp256k1 group order: a signature with s above n/2 is the malleable twin of one below. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const pcr = (byte: string) => `0x${byte.repeat(48)}` as Hex;

/** The named fixture: the verifier deployed by the Ignition module (test attester allowed) and a statement. */
async function deployedSignedAttester() {
  const system = await deployLocalSystem(connection);
  const [owner, stranger] = await ethers.getSigners();
  const verifier = system.signedAttesterVerifier;
  const domain = signedAttesterDomain(system.chainId, await verifier.getAddress());
  const statement: AttesterStatement = {
    measurement: nitroMeasurement(pcr("01"), pcr("02"), pcr("03")),
    reportData: id("binding") as Hex,
    debug: false,
    expiresAt: BigInt(await networkHelpers.time.latest()) + 3600n,
  };
  return { system, owner, stranger, verifier, domain, statement };
}

describe("SignedAttesterVerifier", function () {
  describe("constructor", function () {
    it("allows the test attester in the local deployment and is owned by the admin", async function () {
      const { verifier, owner } = await networkHelpers.loadFixture(deployedSignedAttester);
      expect(await verifier.isAttester(testAttester().address)).to.equal(true);
      expect(await verifier.owner()).to.equal(owner.address);
    });

    it("reverts when the owner is the zero address", async function () {
      const { verifier, owner } = await networkHelpers.loadFixture(deployedSignedAttester);
      await expect(new SignedAttesterVerifier__factory(owner).deploy(ZeroAddress)).to.be.revertedWithCustomError(
        verifier,
        "OwnableInvalidOwner",
      );
    });
  });

  describe("verifyAttestation", function () {
    it("returns the measurement, report data and debug flag the attester signed, with an up-to-date TCB", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedSignedAttester);
      const attestation = await signAttesterStatement(testAttester(), domain, statement);
      expect(await verifier.verifyAttestation(attestation)).to.deep.equal([
        statement.measurement,
        statement.reportData,
        false,
        1n, // TcbStatus.UpToDate: Nitro has no TCB levels, the attester vouches
        ZeroHash,
      ]);
    });

    it("matches an EIP-712 signature that ethers verifies over the same domain", async function () {
      const { domain, statement } = await networkHelpers.loadFixture(deployedSignedAttester);
      const attestation = await signAttesterStatement(testAttester(), domain, statement);
      const signature = `0x${attestation.slice(2 + 2 * 73)}`;
      expect(verifyTypedData(domain, ATTESTER_STATEMENT_TYPES, statement, signature)).to.equal(testAttester().address);
    });

    it("reverts when the statement has expired", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedSignedAttester);
      const attestation = await signAttesterStatement(testAttester(), domain, statement);
      await networkHelpers.time.increaseTo(statement.expiresAt);
      await expect(verifier.verifyAttestation(attestation))
        .to.be.revertedWithCustomError(verifier, "SignedAttesterExpired")
        .withArgs(statement.expiresAt, statement.expiresAt);
    });

    it("reverts when a key that is not an attester signed it", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedSignedAttester);
      const stranger = new Wallet(id("not an attester"));
      await expect(verifier.verifyAttestation(await signAttesterStatement(stranger, domain, statement)))
        .to.be.revertedWithCustomError(verifier, "SignedAttesterUnknownSigner")
        .withArgs(stranger.address);
    });

    it("reverts when the attester signed for another chain or another verifier", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedSignedAttester);
      for (const other of [
        { ...domain, chainId: 1n },
        { ...domain, verifyingContract: ZeroAddress.replace(/0$/, "1") },
      ]) {
        await expect(
          verifier.verifyAttestation(await signAttesterStatement(testAttester(), other, statement)),
        ).to.be.revertedWithCustomError(verifier, "SignedAttesterUnknownSigner");
      }
    });

    it("reverts when any signed field was changed", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedSignedAttester);
      const attestation = await signAttesterStatement(testAttester(), domain, statement);
      const signature = attestation.slice(2 + 2 * 73);
      for (const changed of [
        { ...statement, measurement: nitroMeasurement(pcr("01"), pcr("02"), pcr("04")) },
        { ...statement, reportData: id("another binding") as Hex },
        { ...statement, debug: true },
        { ...statement, expiresAt: statement.expiresAt + 1n },
      ]) {
        const forged = concat([
          changed.measurement,
          changed.reportData,
          changed.debug ? "0x01" : "0x00",
          toBeHex(changed.expiresAt, 8),
          `0x${signature}`,
        ]);
        await expect(verifier.verifyAttestation(forged)).to.be.revertedWithCustomError(
          verifier,
          "SignedAttesterUnknownSigner",
        );
      }
    });

    it("reverts on a high-s signature (ECDSA malleability refused)", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedSignedAttester);
      const attestation = await signAttesterStatement(testAttester(), domain, statement);
      const sig = Signature.from(`0x${attestation.slice(2 + 2 * 73)}`);
      const highS = concat([sig.r, toBeHex(SECP256K1_N - BigInt(sig.s), 32), sig.v === 27 ? "0x1c" : "0x1b"]);
      await expect(
        verifier.verifyAttestation(concat([attestation.slice(0, 2 + 2 * 73), highS])),
      ).to.be.revertedWithCustomError(verifier, "SignedAttesterUnknownSigner");
    });

    it("reverts on a wrong length or a debug byte other than 0 and 1", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedSignedAttester);
      const attestation = await signAttesterStatement(testAttester(), domain, statement);
      await expect(verifier.verifyAttestation(attestation.slice(0, -2)))
        .to.be.revertedWithCustomError(verifier, "SignedAttesterMalformed")
        .withArgs(137);
      await expect(verifier.verifyAttestation(`${attestation}00`))
        .to.be.revertedWithCustomError(verifier, "SignedAttesterMalformed")
        .withArgs(139);
      const debugTwo = `${attestation.slice(0, 2 + 2 * 64)}02${attestation.slice(2 + 2 * 65)}`;
      await expect(verifier.verifyAttestation(debugTwo))
        .to.be.revertedWithCustomError(verifier, "SignedAttesterMalformed")
        .withArgs(138);
    });

    it("reverts for a removed attester", async function () {
      const { verifier, domain, statement } = await networkHelpers.loadFixture(deployedSignedAttester);
      const attestation = await signAttesterStatement(testAttester(), domain, statement);
      await (await verifier.setAttester(testAttester().address, false)).wait();
      await expect(verifier.verifyAttestation(attestation))
        .to.be.revertedWithCustomError(verifier, "SignedAttesterUnknownSigner")
        .withArgs(testAttester().address);
    });
  });

  describe("setAttester", function () {
    it("adds and removes an attester and emits the old and new state", async function () {
      const { verifier } = await networkHelpers.loadFixture(deployedSignedAttester);
      const key = new Wallet(id("second attester")).address;
      await expect(verifier.setAttester(key, true)).to.emit(verifier, "AttesterSet").withArgs(key, false, true);
      expect(await verifier.isAttester(key)).to.equal(true);
      await expect(verifier.setAttester(key, false)).to.emit(verifier, "AttesterSet").withArgs(key, true, false);
      expect(await verifier.isAttester(key)).to.equal(false);
    });

    it("reverts when the attester is the zero address", async function () {
      const { verifier } = await networkHelpers.loadFixture(deployedSignedAttester);
      await expect(verifier.setAttester(ZeroAddress, true)).to.be.revertedWithCustomError(
        verifier,
        "SignedAttesterZeroAddress",
      );
    });

    it("reverts when the caller is not the owner", async function () {
      const { verifier, stranger } = await networkHelpers.loadFixture(deployedSignedAttester);
      await expect(verifier.connect(stranger).setAttester(stranger.address, true))
        .to.be.revertedWithCustomError(verifier, "OwnableUnauthorizedAccount")
        .withArgs(stranger.address);
    });
  });
});
