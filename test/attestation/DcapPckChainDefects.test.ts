import { expect } from "chai";
import { hexlify, id } from "ethers";
import { network } from "hardhat";

import { deployLocalSystem } from "../../sdk/testing/local/deploy.js";
import type { Hex } from "../../sdk/lib/settlement/item.js";
import { createTestPckChain, type PckChainOptions } from "../../sdk/testing/tee/pckChain.js";
import {
  buildQuoteV4,
  createQuotingPlatform,
  sgxMeasurement,
  type SgxReportInput,
} from "../../sdk/testing/tee/quoteV4.js";

const connection = await network.create();
const { networkHelpers } = connection;

const SGX: SgxReportInput = {
  tee: "sgx",
  mrEnclave: id("enclave image") as Hex,
  mrSigner: id("enclave vendor") as Hex,
  reportData: `${id("binding")}${"00".repeat(32)}` as Hex,
};

/** The named fixture: the system of the Ignition module, whose DCAP verifier pins the default test root. */
async function deployedSystem() {
  return deployLocalSystem(connection);
}

/** A quote of an SGX enclave on a platform whose PCK chain (issued at the block time) differs as `options` say. */
async function quoteWith(options: PckChainOptions): Promise<string> {
  const now = new Date((await networkHelpers.time.latest()) * 1000);
  return hexlify(buildQuoteV4(createQuotingPlatform(createTestPckChain({ now, ...options })), SGX).quote);
}

describe("DcapQuoteV4Verifier: PCK chain defects", function () {
  it("accepts the chain every defect below starts from", async function () {
    const { dcapVerifier } = await networkHelpers.loadFixture(deployedSystem);
    const attestation = await dcapVerifier.verifyAttestation(await quoteWith({}));
    expect(attestation.measurement).to.equal(sgxMeasurement(SGX.mrEnclave));
    expect(attestation.reportData).to.equal(id("binding"));
  });

  it("reverts with DcapCertificateIssuerMismatch(0) when the leaf names another issuer than the PCK CA", async function () {
    const { dcapVerifier } = await networkHelpers.loadFixture(deployedSystem);
    const quote = await quoteWith({ leafIssuerCommonName: "Intel SGX PCK Processor CA (tierproof test)" });
    await expect(dcapVerifier.verifyAttestation(quote))
      .to.be.revertedWithCustomError(dcapVerifier, "DcapCertificateIssuerMismatch")
      .withArgs(0);
  });

  it("reverts with DcapIssuerNotCa when the PCK CA has no basicConstraints or one without the cA field", async function () {
    const { dcapVerifier } = await networkHelpers.loadFixture(deployedSystem);
    for (const caConstraints of ["absent", "pathLenOnly"] as const) {
      await expect(dcapVerifier.verifyAttestation(await quoteWith({ caConstraints }))).to.be.revertedWithCustomError(
        dcapVerifier,
        "DcapIssuerNotCa",
      );
    }
  });

  it("reverts with DcapMissingSgxExtension on an FMSPC of 5 bytes, a TCB that is no SEQUENCE, or either missing", async function () {
    const { dcapVerifier } = await networkHelpers.loadFixture(deployedSystem);
    for (const sgxExtensionDefect of ["shortFmspc", "tcbNotSequence", "noFmspc", "noTcb"] as const) {
      await expect(
        dcapVerifier.verifyAttestation(await quoteWith({ sgxExtensionDefect })),
        sgxExtensionDefect,
      ).to.be.revertedWithCustomError(dcapVerifier, "DcapMissingSgxExtension");
    }
  });
});
