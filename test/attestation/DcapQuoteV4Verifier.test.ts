import "reflect-metadata"; // @peculiar/x509 needs the Reflect metadata polyfill

import { readFileSync } from "node:fs";

import * as x509 from "@peculiar/x509";
import { expect } from "chai";
import { ZeroAddress, ZeroHash, hexlify, id, keccak256 } from "ethers";
import { network } from "hardhat";

import type { Hex } from "../../sdk/lib/settlement/item.js";
import { P256_N, p256Coordinates } from "../../sdk/testing/tee/p256.js";
import { createTestPckChain, dcapTcbId, type PckChainOptions } from "../../sdk/testing/tee/pckChain.js";
import {
  SGX_REPORT,
  TDX_REPORT,
  TEE_TYPE,
  buildQuoteV4,
  createQuotingPlatform,
  sgxMeasurement,
  tdxMeasurement,
  type QuoteOptions,
  type QuotingPlatform,
  type SgxReportInput,
  type TdxReportInput,
} from "../../sdk/testing/tee/quoteV4.js";
import { TcbStatus } from "../../sdk/lib/tee/tcbStatus.js";
import { DcapQuoteV4Verifier__factory, type DcapQuoteV4Verifier } from "../../typechain-types/index.js";

const { ethers, networkHelpers } = await network.create();

const REPORT_DATA = `${id("binding")}${"00".repeat(32)}` as Hex;
const SGX: SgxReportInput = {
  tee: "sgx",
  mrEnclave: id("enclave image") as Hex,
  mrSigner: id("enclave vendor") as Hex,
  reportData: REPORT_DATA,
};
const rtmr = (i: number) => `0x${i.toString(16).padStart(2, "0").repeat(48)}` as Hex;
const TDX: TdxReportInput = {
  tee: "tdx",
  mrTd: `0x${"a1".repeat(48)}`,
  rtmrs: [rtmr(1), rtmr(2), rtmr(3), rtmr(4)],
  teeTcbSvn: "0x04010700000000000000000000000000",
  reportData: REPORT_DATA,
};
const SGX_QE_ISVSVN = 8;

/** The block time as a Date (certificates are issued relative to it). */
async function chainNow(): Promise<Date> {
  return new Date((await networkHelpers.time.latest()) * 1000);
}

/** The named fixture: a verifier pinning the test chain's root and QE signer, and the platform that quotes. */
async function deployedDcapVerifier() {
  const [owner, stranger] = await ethers.getSigners();
  const chain = createTestPckChain({ now: await chainNow() });
  const platform = createQuotingPlatform(chain);
  const root = p256Coordinates(chain.root.publicKey);
  const verifier = await new DcapQuoteV4Verifier__factory(owner).deploy(
    owner.address,
    root.x,
    root.y,
    platform.qeMrSigner,
  );
  return { owner, stranger, chain, platform, verifier };
}

type Fixture = Awaited<ReturnType<typeof deployedDcapVerifier>>;

function quoteOf(
  platform: QuotingPlatform,
  report: SgxReportInput | TdxReportInput = SGX,
  options: QuoteOptions = {},
): Uint8Array {
  return buildQuoteV4(platform, report, options).quote;
}

/** A platform of the fixture's root whose chain differs as `options` say. */
async function platformWith(f: Fixture, options: PckChainOptions): Promise<QuotingPlatform> {
  return createQuotingPlatform(createTestPckChain({ now: await chainNow(), ...options }), {
    qeMrSigner: f.platform.qeMrSigner,
  });
}

/** A copy of `quote` with `byte` xor-ed into position `at`. */
function flip(quote: Uint8Array, at: number, byte = 0x01): Uint8Array {
  const out = Uint8Array.from(quote);
  out[at] ^= byte;
  return out;
}

/** Writes a little-endian integer into a copy of `quote`. */
function writeLe(quote: Uint8Array, at: number, size: number, value: number): Uint8Array {
  const out = Uint8Array.from(quote);
  for (let i = 0; i < size; i++) out[at + i] = Math.floor(value / 256 ** i) % 256;
  return out;
}

/** The name of the custom error `verifier` reverted with (null if it did not revert, "Panic" for a panic). */
async function errorName(verifier: DcapQuoteV4Verifier, quote: Uint8Array): Promise<string | null> {
  try {
    await verifier.verifyAttestation(hexlify(quote));
    return null;
  } catch (error) {
    const data = (error as { data?: string }).data;
    if (data === undefined) throw error;
    if (data.startsWith("0x4e487b71")) return "Panic";
    return verifier.interface.parseError(data)?.name ?? `unknown ${data.slice(0, 10)}`;
  }
}

describe("DcapQuoteV4Verifier", function () {
  describe("constructor", function () {
    it("pins the root key and the QE signer, and makes the deployer's governor the owner", async function () {
      const { verifier, chain, platform, owner } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const root = p256Coordinates(chain.root.publicKey);
      expect(await verifier.rootKey()).to.deep.equal([root.x, root.y]);
      expect(await verifier.qeMrSigner()).to.equal(platform.qeMrSigner);
      expect(await verifier.owner()).to.equal(owner.address);
    });

    it("reverts when the root key is not a P-256 point", async function () {
      const { verifier, owner, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const bad = id("not a point");
      await expect(new DcapQuoteV4Verifier__factory(owner).deploy(owner.address, bad, bad, platform.qeMrSigner))
        .to.be.revertedWithCustomError(verifier, "DcapInvalidRootKey")
        .withArgs(bad, bad);
    });

    it("reverts when the QE signer is zero", async function () {
      const { verifier, owner, chain } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const root = p256Coordinates(chain.root.publicKey);
      await expect(
        new DcapQuoteV4Verifier__factory(owner).deploy(owner.address, root.x, root.y, ZeroHash),
      ).to.be.revertedWithCustomError(verifier, "DcapZeroQeMrSigner");
    });

    it("reverts when the owner is the zero address", async function () {
      const { verifier, owner, chain, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const root = p256Coordinates(chain.root.publicKey);
      await expect(
        new DcapQuoteV4Verifier__factory(owner).deploy(ZeroAddress, root.x, root.y, platform.qeMrSigner),
      ).to.be.revertedWithCustomError(verifier, "OwnableInvalidOwner");
    });
  });

  describe("the simulator's certificates", function () {
    it("are X.509 that @peculiar/x509 parses and whose chain verifies there", async function () {
      const { chain } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const [leaf, ca, root] = [chain.der.leaf, chain.der.ca, chain.der.root].map((d) => new x509.X509Certificate(d));
      expect(leaf.issuer).to.equal(ca.subject);
      expect(ca.issuer).to.equal(root.subject);
      expect(await root.verify({ publicKey: root.publicKey, signatureOnly: true })).to.equal(true);
      expect(await ca.verify({ publicKey: root.publicKey, signatureOnly: true })).to.equal(true);
      expect(await leaf.verify({ publicKey: ca.publicKey, signatureOnly: true })).to.equal(true);
      expect(leaf.getExtension("1.2.840.113741.1.13.1")).to.not.equal(null);
      const basic = ca.getExtension(x509.BasicConstraintsExtension);
      expect(basic?.ca).to.equal(true);
    });
  });

  describe("the Solidity fuzz tests' certificate fixtures", function () {
    it("are what the simulator produces (test/libraries/CertificateParsing.t.sol)", function () {
      const source = readFileSync(new URL("../libraries/CertificateParsing.t.sol", import.meta.url), "utf8");
      const constant = (name: string) => new RegExp(`${name} =\\s*hex"([0-9a-f]+)"`).exec(source)?.[1];
      const chain = createTestPckChain({ now: new Date(Date.UTC(2026, 0, 1)) });
      expect(constant("LEAF")).to.equal(Buffer.from(chain.der.leaf).toString("hex"));
      expect(constant("CHAIN_PEM")).to.equal(Buffer.from(chain.pem).toString("hex"));
    });
  });

  describe("verifyAttestation", function () {
    it("accepts an SGX quote and returns MRENCLAVE, the report data, no debug and the TCB id", async function () {
      const { verifier, platform, chain } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const result = await verifier.verifyAttestation(hexlify(quoteOf(platform, SGX)));
      const tcbId = dcapTcbId(chain, TEE_TYPE.sgx, SGX_QE_ISVSVN, `0x${"00".repeat(16)}`);
      expect(result).to.deep.equal([sgxMeasurement(SGX.mrEnclave), id("binding"), false, 0n, tcbId]);
    });

    it("accepts a TDX quote and returns keccak256(MRTD ‖ RTMR0..3), the report data and the TCB id", async function () {
      const { verifier, platform, chain } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const result = await verifier.verifyAttestation(hexlify(quoteOf(platform, TDX)));
      const tcbId = dcapTcbId(chain, TEE_TYPE.tdx, SGX_QE_ISVSVN, TDX.teeTcbSvn ?? "0x");
      expect(result).to.deep.equal([tdxMeasurement(TDX.mrTd, TDX.rtmrs), id("binding"), false, 0n, tcbId]);
    });

    it("reports a debug SGX enclave and a debug TDX trust domain as debug", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      expect((await verifier.verifyAttestation(hexlify(quoteOf(platform, { ...SGX, debug: true })))).debug).to.equal(
        true,
      );
      expect((await verifier.verifyAttestation(hexlify(quoteOf(platform, { ...TDX, debug: true })))).debug).to.equal(
        true,
      );
    });

    it("returns the TCB status governance recorded for the quote's TCB id", async function () {
      const { verifier, platform, chain } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const tcbId = dcapTcbId(chain, TEE_TYPE.sgx, SGX_QE_ISVSVN, `0x${"00".repeat(16)}`);
      await (await verifier.setTcbStatus(tcbId, TcbStatus.OutOfDate)).wait();
      expect((await verifier.verifyAttestation(hexlify(quoteOf(platform)))).tcbStatus).to.equal(
        BigInt(TcbStatus.OutOfDate),
      );
    });

    it("gives another TCB id to a platform with another TCB, and to another QE SVN", async function () {
      const f = await networkHelpers.loadFixture(deployedDcapVerifier);
      const base = (await f.verifier.verifyAttestation(hexlify(quoteOf(f.platform)))).tcbId;
      const newer = await platformWith(f, {
        tcb: { components: [8, 9, 3, 3, 255, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], pceSvn: 13, fmspc: "0x00906ed50000" },
      });
      const otherQe = createQuotingPlatform(f.chain, { qeMrSigner: f.platform.qeMrSigner, qeIsvSvn: 9 });
      const ids = [
        base,
        (await f.verifier.verifyAttestation(hexlify(quoteOf(newer)))).tcbId,
        (await f.verifier.verifyAttestation(hexlify(quoteOf(otherQe)))).tcbId,
      ];
      expect(new Set(ids).size).to.equal(3);
    });

    it("accepts high-s and low-s signatures alike (every signature is normalised before the check)", async function () {
      const f = await networkHelpers.loadFixture(deployedDcapVerifier);
      for (const sPolicy of ["high", "low"] as const) {
        const platform = await platformWith(f, { sPolicy });
        const { quote, layout } = buildQuoteV4(platform, SGX, { sPolicy });
        const s = BigInt(hexlify(quote.slice(layout.quoteSignature + 32, layout.quoteSignature + 64)));
        expect(s > P256_N / 2n).to.equal(sPolicy === "high");
        expect((await f.verifier.verifyAttestation(hexlify(quote))).measurement).to.equal(SGX.mrEnclave);
      }
    });

    it("costs at most 1.5M gas for SGX and TDX quotes (calldata included)", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      for (const report of [SGX, TDX]) {
        const gas = await verifier.verifyAttestation.estimateGas(hexlify(quoteOf(platform, report)));
        expect(gas).to.be.below(1_500_000n);
      }
    });
  });

  describe("verifyAttestation: header", function () {
    const cases: [string, number, number, number, string][] = [
      ["version 3", 0, 2, 3, "DcapUnsupportedVersion"],
      ["an attestation key type other than ECDSA P-256", 2, 2, 3, "DcapUnsupportedAttestationKeyType"],
      ["TEE type 0x80", 4, 4, 0x80, "DcapUnsupportedTeeType"],
    ];
    for (const [what, at, size, value, error] of cases) {
      it(`reverts on ${what}`, async function () {
        const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
        await expect(verifier.verifyAttestation(hexlify(writeLe(quoteOf(platform), at, size, value))))
          .to.be.revertedWithCustomError(verifier, error)
          .withArgs(value);
      });
    }

    it("reverts on another QE vendor id", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      await expect(verifier.verifyAttestation(hexlify(flip(quoteOf(platform), 12)))).to.be.revertedWithCustomError(
        verifier,
        "DcapUnknownQeVendor",
      );
    });

    it("reverts when an SGX quote says TDX (the body length no longer matches)", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const name = await errorName(verifier, writeLe(quoteOf(platform, SGX), 4, 4, TEE_TYPE.tdx));
      expect(name).to.be.oneOf(["DcapQuoteTruncated", "DcapQuoteOversized"]);
    });

    it("reverts on a changed reserved or user-data byte (signed by the attestation key)", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      for (const at of [8, 10, 28, 47]) {
        expect(await errorName(verifier, flip(quoteOf(platform), at))).to.equal("DcapInvalidQuoteSignature");
      }
    });
  });

  describe("verifyAttestation: report body", function () {
    const sgxFields: [string, number][] = [
      ["MRENCLAVE", SGX_REPORT.mrEnclave],
      ["MRSIGNER", SGX_REPORT.mrSigner],
      ["attributes (debug bit)", SGX_REPORT.attributes],
      ["ISVSVN", SGX_REPORT.isvSvn],
      ["REPORTDATA", SGX_REPORT.reportData],
      ["REPORTDATA's second half", SGX_REPORT.reportData + 63],
    ];
    for (const [field, offset] of sgxFields) {
      it(`reverts when the SGX ${field} was changed`, async function () {
        const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
        const { quote, layout } = buildQuoteV4(platform, SGX);
        await expect(
          verifier.verifyAttestation(hexlify(flip(quote, layout.body + offset, 0x02))),
        ).to.be.revertedWithCustomError(verifier, "DcapInvalidQuoteSignature");
      });
    }

    const tdxFields: [string, number][] = [
      ["TEE TCB SVN", TDX_REPORT.teeTcbSvn],
      ["MRSEAM", TDX_REPORT.mrSeam],
      ["TD attributes (debug bit)", TDX_REPORT.tdAttributes],
      ["MRTD", TDX_REPORT.mrTd],
      ["MRCONFIGID", TDX_REPORT.mrConfigId],
      ["RTMR3", TDX_REPORT.rtmr0 + 3 * 48 + 47],
      ["REPORTDATA", TDX_REPORT.reportData],
    ];
    for (const [field, offset] of tdxFields) {
      it(`reverts when the TDX ${field} was changed`, async function () {
        const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
        const { quote, layout } = buildQuoteV4(platform, TDX);
        await expect(
          verifier.verifyAttestation(hexlify(flip(quote, layout.body + offset, 0x01))),
        ).to.be.revertedWithCustomError(verifier, "DcapInvalidQuoteSignature");
      });
    }
  });

  describe("verifyAttestation: signatures and the QE report", function () {
    it("reverts when the quote signature's r or s was changed", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const { quote, layout } = buildQuoteV4(platform, SGX);
      for (const at of [layout.quoteSignature, layout.quoteSignature + 63]) {
        expect(await errorName(verifier, flip(quote, at))).to.equal("DcapInvalidQuoteSignature");
      }
    });

    it("reverts when the quote signature's s is the group order (out of range, not normalised)", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const { quote, layout } = buildQuoteV4(platform, SGX);
      const bad = Uint8Array.from(quote);
      bad.set(Buffer.from(P256_N.toString(16), "hex"), layout.quoteSignature + 32);
      expect(await errorName(verifier, bad)).to.equal("DcapInvalidQuoteSignature");
    });

    it("reverts when another attestation key signed the quote than the one the QE report certifies", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const attacker = createQuotingPlatform(platform.chain, {
        seed: "attacker",
        qeMrSigner: platform.qeMrSigner,
      });
      const own = buildQuoteV4(attacker, SGX);
      const genuine = buildQuoteV4(platform, SGX);
      // the attacker's header, body, signature and key, with the genuine platform's QE report and PCK chain
      const spliced = Uint8Array.from(genuine.quote);
      spliced.set(own.quote.slice(0, own.layout.certificationData), 0);
      const expected = await errorName(verifier, spliced);
      expect(expected).to.equal("DcapQeReportDataMismatch");
    });

    it("reverts when the QE report or its signature was changed", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const { quote, layout } = buildQuoteV4(platform, SGX);
      expect(await errorName(verifier, flip(quote, layout.qeReport))).to.equal("DcapInvalidQeReportSignature"); // CPUSVN
      expect(await errorName(verifier, flip(quote, layout.qeReport + SGX_REPORT.isvSvn))).to.equal(
        "DcapInvalidQeReportSignature",
      );
      expect(await errorName(verifier, flip(quote, layout.qeReportSignature + 5))).to.equal(
        "DcapInvalidQeReportSignature",
      );
    });

    it("reverts when the QE report data or the QE auth data was changed", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const { quote, layout } = buildQuoteV4(platform, SGX);
      expect(await errorName(verifier, flip(quote, layout.qeReport + SGX_REPORT.reportData))).to.equal(
        "DcapQeReportDataMismatch",
      );
      expect(await errorName(verifier, flip(quote, layout.qeReport + SGX_REPORT.reportData + 40))).to.equal(
        "DcapQeReportDataMismatch",
      );
      expect(await errorName(verifier, flip(quote, layout.qeAuthData + 2))).to.equal("DcapQeReportDataMismatch");
    });

    it("reverts when the QE is not Intel's (MRSIGNER), is a debug enclave, or has another product id", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const { quote, layout } = buildQuoteV4(platform, SGX);
      expect(await errorName(verifier, flip(quote, layout.qeReport + SGX_REPORT.mrSigner))).to.equal(
        "DcapUntrustedQuotingEnclave",
      );
      await expect(verifier.verifyAttestation(hexlify(quoteOf(platform, SGX, { qeDebug: true }))))
        .to.be.revertedWithCustomError(verifier, "DcapUntrustedQuotingEnclave")
        .withArgs(platform.qeMrSigner, 1, true);
      // a TDX quote needs the TD QE (product id 2), an SGX quote the QE (1)
      await expect(verifier.verifyAttestation(hexlify(quoteOf(platform, TDX, { qeIsvProdId: 1 }))))
        .to.be.revertedWithCustomError(verifier, "DcapUntrustedQuotingEnclave")
        .withArgs(platform.qeMrSigner, 1, false);
      const otherQe = createQuotingPlatform(platform.chain, { qeMrSigner: id("another QE signer") as Hex });
      await expect(verifier.verifyAttestation(hexlify(quoteOf(otherQe)))).to.be.revertedWithCustomError(
        verifier,
        "DcapUntrustedQuotingEnclave",
      );
    });
  });

  describe("verifyAttestation: the PCK chain", function () {
    it("reverts when the chain has another root than the pinned one", async function () {
      const f = await networkHelpers.loadFixture(deployedDcapVerifier);
      const other = await platformWith(f, { seed: "another root" });
      const key = p256Coordinates(other.chain.root.publicKey);
      await expect(f.verifier.verifyAttestation(hexlify(quoteOf(other))))
        .to.be.revertedWithCustomError(f.verifier, "DcapRootKeyMismatch")
        .withArgs(key.x, key.y);
    });

    it("reverts when the PCK CA is not signed by the pinned root (the genuine root certificate swapped in)", async function () {
      const f = await networkHelpers.loadFixture(deployedDcapVerifier);
      const other = await platformWith(f, { seed: "another root" });
      // the other chain's leaf and CA, followed by the pinned root's certificate: PEM text of the same length
      const pem = new TextDecoder().decode(other.chain.pem);
      const genuineRoot = new TextDecoder().decode(f.chain.pem).split("-----END CERTIFICATE-----\n")[2];
      const parts = pem.split("-----END CERTIFICATE-----\n");
      parts[2] = genuineRoot;
      const spliced = {
        ...other,
        chain: { ...other.chain, pem: new TextEncoder().encode(parts.join("-----END CERTIFICATE-----\n")) },
      };
      await expect(f.verifier.verifyAttestation(hexlify(quoteOf(spliced))))
        .to.be.revertedWithCustomError(f.verifier, "DcapInvalidCertificateSignature")
        .withArgs(1);
    });

    it("reverts when the PCK leaf is not signed by the PCK CA", async function () {
      const f = await networkHelpers.loadFixture(deployedDcapVerifier);
      for (const leafSigner of ["root", "self"] as const) {
        await expect(f.verifier.verifyAttestation(hexlify(quoteOf(await platformWith(f, { leafSigner })))))
          .to.be.revertedWithCustomError(f.verifier, "DcapInvalidCertificateSignature")
          .withArgs(0);
      }
    });

    it("reverts when the PCK CA is not a CA (basicConstraints cA FALSE)", async function () {
      const f = await networkHelpers.loadFixture(deployedDcapVerifier);
      await expect(
        f.verifier.verifyAttestation(hexlify(quoteOf(await platformWith(f, { caIsCa: false })))),
      ).to.be.revertedWithCustomError(f.verifier, "DcapIssuerNotCa");
    });

    it("reverts when the PCK leaf has expired or is not valid yet", async function () {
      const f = await networkHelpers.loadFixture(deployedDcapVerifier);
      const now = (await chainNow()).getTime();
      const expired = { notBefore: new Date(now - 10 * 86400_000), notAfter: new Date(now - 86400_000) };
      const future = { notBefore: new Date(now + 86400_000), notAfter: new Date(now + 10 * 86400_000) };
      for (const leafValidity of [expired, future]) {
        const platform = await platformWith(f, { leafValidity });
        await expect(f.verifier.verifyAttestation(hexlify(quoteOf(platform))))
          .to.be.revertedWithCustomError(f.verifier, "DcapCertificateNotValidNow")
          .withArgs(
            0,
            Math.floor(leafValidity.notBefore.getTime() / 1000),
            Math.floor(leafValidity.notAfter.getTime() / 1000),
            (v: bigint) => v > 0n,
          );
      }
    });

    it("reverts when the PCK leaf has no SGX extension", async function () {
      const f = await networkHelpers.loadFixture(deployedDcapVerifier);
      await expect(
        f.verifier.verifyAttestation(hexlify(quoteOf(await platformWith(f, { omitSgxExtension: true })))),
      ).to.be.revertedWithCustomError(f.verifier, "DcapMissingSgxExtension");
    });

    it("reverts when a base64 character of the chain was changed (some certificate no longer verifies)", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const { quote, layout } = buildQuoteV4(platform, SGX);
      const pem = new TextDecoder().decode(platform.chain.pem);
      const names = new Set<string | null>();
      for (const certificate of [0, 1, 2]) {
        // a character in the middle of each certificate's base64 text
        const begin = pem
          .split("-----BEGIN CERTIFICATE-----")
          .slice(0, certificate + 1)
          .join("-----BEGIN CERTIFICATE-----").length;
        const at = layout.pem + begin + 28 + 300;
        const bad = Uint8Array.from(quote);
        bad[at] = bad[at] === 0x41 ? 0x42 : 0x41; // another base64 letter
        names.add(await errorName(verifier, bad));
      }
      expect([...names].every((n) => n !== null && n !== "Panic")).to.equal(true);
    });

    it("reverts on a character outside base64 in the chain, and on a non-canonical last group", async function () {
      const f = await networkHelpers.loadFixture(deployedDcapVerifier);
      const { quote, layout } = buildQuoteV4(f.platform, SGX);
      const bad = Uint8Array.from(quote);
      bad[layout.pem + 40] = 0x2a; // '*'
      expect(await errorName(f.verifier, bad)).to.equal("PemMalformed");

      // A chain whose PEM has padding (certificate lengths vary with the signatures' encodings: try seeds in order).
      let platform = f.platform;
      for (let seed = 0; !new TextDecoder().decode(platform.chain.pem).includes("="); seed++) {
        if (seed === 50) throw new Error("no chain with base64 padding in 50 seeds");
        platform = await platformWith(f, { seed: `padded ${seed}`, sPolicy: "any" });
      }
      const root = p256Coordinates(platform.chain.root.publicKey);
      const verifier = await new DcapQuoteV4Verifier__factory(f.owner).deploy(
        f.owner.address,
        root.x,
        root.y,
        platform.qeMrSigner,
      );
      const padded = buildQuoteV4(platform, SGX);
      expect((await verifier.verifyAttestation(hexlify(padded.quote))).measurement).to.equal(SGX.mrEnclave);
      // the character before the first '=' carries bits that padding drops: setting the lowest one must be refused
      const at = padded.layout.pem + new TextDecoder().decode(platform.chain.pem).indexOf("=") - 1;
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      const nonCanonical = Uint8Array.from(padded.quote);
      nonCanonical[at] = alphabet.charCodeAt(alphabet.indexOf(String.fromCharCode(nonCanonical[at])) ^ 1);
      expect(await errorName(verifier, nonCanonical)).to.equal("PemMalformed");
    });
  });

  describe("verifyAttestation: lengths", function () {
    it("reverts with DcapQuoteTruncated on a quote cut inside each of its parts (never an out-of-bounds read)", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const { quote, layout } = buildQuoteV4(platform, TDX);
      const cuts = [0, 1, 47, 48, layout.signatureDataLength, layout.quoteSignature + 10, layout.qeReport + 5];
      cuts.push(layout.qeAuthData + 1, layout.pem, layout.pem + 700, quote.length - 1);
      for (const cut of cuts) {
        await expect(verifier.verifyAttestation(hexlify(quote.slice(0, cut))))
          .to.be.revertedWithCustomError(verifier, "DcapQuoteTruncated")
          .withArgs(cut, (needed: bigint) => needed > BigInt(cut));
      }
    });

    it("reverts with DcapQuoteOversized on bytes after the quote's end and on quotes over 8 KiB", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const quote = quoteOf(platform, SGX);
      const longer = new Uint8Array(quote.length + 1);
      longer.set(quote);
      await expect(verifier.verifyAttestation(hexlify(longer)))
        .to.be.revertedWithCustomError(verifier, "DcapQuoteOversized")
        .withArgs(quote.length + 1, quote.length);
      await expect(verifier.verifyAttestation(hexlify(new Uint8Array(8193))))
        .to.be.revertedWithCustomError(verifier, "DcapQuoteOversized")
        .withArgs(8193, 8192);
    });

    it("reverts with DcapLengthMismatch when an inner length disagrees with the bytes that follow", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const { quote, layout } = buildQuoteV4(platform, SGX);
      const qeCertSize = quote.length - layout.certificationData - 6;
      const pemSize = quote.length - layout.pem;
      for (const [at, value] of [
        [layout.certificationData + 2, qeCertSize + 1],
        [layout.certificationData + 2, qeCertSize - 1],
        [layout.pckCertificationData + 2, pemSize - 1],
      ]) {
        await expect(verifier.verifyAttestation(hexlify(writeLe(quote, at, 4, value)))).to.be.revertedWithCustomError(
          verifier,
          "DcapLengthMismatch",
        );
      }
      // a QE auth data length past the end
      expect(await errorName(verifier, writeLe(quote, layout.qeAuthData, 2, 0xffff))).to.equal("DcapQuoteTruncated");
    });

    it("reverts on certification data of another type than 6 (QE report) and 5 (PEM chain)", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const { quote, layout } = buildQuoteV4(platform, SGX);
      await expect(verifier.verifyAttestation(hexlify(writeLe(quote, layout.certificationData, 2, 5))))
        .to.be.revertedWithCustomError(verifier, "DcapUnsupportedCertificationDataType")
        .withArgs(5, 6);
      await expect(verifier.verifyAttestation(hexlify(writeLe(quote, layout.pckCertificationData, 2, 3))))
        .to.be.revertedWithCustomError(verifier, "DcapUnsupportedCertificationDataType")
        .withArgs(3, 5);
    });

    it("rejects every sampled one-bit change of a quote with a named error (seeded)", async function () {
      const { verifier, platform } = await networkHelpers.loadFixture(deployedDcapVerifier);
      for (const report of [SGX, TDX]) {
        const { quote } = buildQuoteV4(platform, report);
        // everything but the NUL that pads the PEM text (a NUL flipped to a space is still padding)
        const end = quote.length - 1;
        let state = BigInt(keccak256(quote));
        for (let i = 0; i < 60; i++) {
          state = BigInt(keccak256(`0x${state.toString(16).padStart(64, "0")}`));
          const at = Number(state % BigInt(end));
          const bit = 1 << Number((state >> 64n) % 8n);
          const name = await errorName(verifier, flip(quote, at, bit));
          expect(name, `byte ${at} bit ${bit}`).to.not.equal(null);
          expect(name, `byte ${at} bit ${bit}`).to.not.equal("Panic");
        }
      }
    });
  });

  describe("setTcbStatus", function () {
    it("records the status and emits the old and new one", async function () {
      const { verifier } = await networkHelpers.loadFixture(deployedDcapVerifier);
      const tcbId = id("some tcb");
      await expect(verifier.setTcbStatus(tcbId, TcbStatus.UpToDate))
        .to.emit(verifier, "TcbStatusSet")
        .withArgs(tcbId, TcbStatus.Unknown, TcbStatus.UpToDate);
      await expect(verifier.setTcbStatus(tcbId, TcbStatus.Revoked))
        .to.emit(verifier, "TcbStatusSet")
        .withArgs(tcbId, TcbStatus.UpToDate, TcbStatus.Revoked);
      expect(await verifier.tcbStatusOf(tcbId)).to.equal(BigInt(TcbStatus.Revoked));
    });

    it("reverts when the caller is not the owner", async function () {
      const { verifier, stranger } = await networkHelpers.loadFixture(deployedDcapVerifier);
      await expect(verifier.connect(stranger).setTcbStatus(id("x"), TcbStatus.UpToDate))
        .to.be.revertedWithCustomError(verifier, "OwnableUnauthorizedAccount")
        .withArgs(stranger.address);
    });
  });
});
