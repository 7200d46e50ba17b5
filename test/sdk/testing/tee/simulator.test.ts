import { sha256 } from "@noble/hashes/sha2.js";
import { expect } from "chai";
import { Wallet, hexlify, id } from "ethers";

import type { Hex } from "../../../../sdk/lib/settlement/item.js";
import { objectId, time } from "../../../../sdk/testing/tee/der.js";
import { enclaveBinding, type EnclaveBindingContext } from "../../../../sdk/lib/tee/enclaveBinding.js";
import { SimulatedEnclave } from "../../../../sdk/testing/tee/enclave.js";
import { createTestPckChain } from "../../../../sdk/testing/tee/pckChain.js";
import {
  QUOTE_HEADER_LENGTH,
  SGX_REPORT,
  SGX_REPORT_LENGTH,
  TDX_REPORT,
  TDX_REPORT_LENGTH,
  buildQuoteV4,
  createQuotingPlatform,
} from "../../../../sdk/testing/tee/quoteV4.js";
import { nitroMeasurement } from "../../../../sdk/testing/tee/signedAttester.js";

const le = (bytes: Uint8Array, at: number, size: number) =>
  bytes.slice(at, at + size).reduceRight((value, byte) => value * 256 + byte, 0);

const CONTEXT: EnclaveBindingContext = {
  operator: new Wallet(id("operator")).address,
  chainId: 31337n,
  registry: new Wallet(id("registry")).address,
  bindingBlockHash: id("block") as Hex,
};

describe("enclave simulator (sdk/testing/tee)", function () {
  const platform = createQuotingPlatform(createTestPckChain({ now: new Date(Date.UTC(2026, 0, 1)) }));

  describe("der", function () {
    it("encodes OIDs and times as DER does", function () {
      expect(hexlify(objectId("1.2.840.10045.4.3.2"))).to.equal("0x06082a8648ce3d040302");
      expect(hexlify(objectId("1.2.840.113741.1.13.1"))).to.equal("0x06092a864886f84d010d01");
      expect(Buffer.from(time(new Date(Date.UTC(2049, 11, 31, 23, 59, 59)))).toString("latin1")).to.equal(
        "\x17\x0d491231235959Z",
      );
      expect(Buffer.from(time(new Date(Date.UTC(2050, 0, 1)))).toString("latin1")).to.equal("\x18\x0f20500101000000Z");
    });
  });

  describe("buildQuoteV4 / SimulatedEnclave.dcapQuote", function () {
    it("lays an SGX quote out as Intel's v4 format and puts the registry binding in REPORTDATA", function () {
      const enclave = SimulatedEnclave.sgx(id("image") as Hex, id("signer") as Hex);
      const quote = Buffer.from(enclave.dcapQuote(platform, CONTEXT).slice(2), "hex");
      expect([le(quote, 0, 2), le(quote, 2, 2), le(quote, 4, 4)]).to.deep.equal([4, 2, 0]);
      const body = QUOTE_HEADER_LENGTH;
      expect(hexlify(quote.subarray(body + SGX_REPORT.mrEnclave, body + SGX_REPORT.mrEnclave + 32))).to.equal(
        id("image"),
      );
      expect(hexlify(quote.subarray(body + SGX_REPORT.reportData, body + SGX_REPORT.reportData + 32))).to.equal(
        enclaveBinding(enclave.address, CONTEXT),
      );
      const signatureData = body + SGX_REPORT_LENGTH;
      expect(le(quote, signatureData, 4)).to.equal(quote.length - signatureData - 4);
    });

    it("binds the attestation key in the QE report data, and lays a TDX quote out with a 584-byte TD report", function () {
      const { quote, layout } = buildQuoteV4(platform, {
        tee: "tdx",
        mrTd: `0x${"01".repeat(48)}`,
        rtmrs: [`0x${"02".repeat(48)}`, `0x${"03".repeat(48)}`, `0x${"04".repeat(48)}`, `0x${"05".repeat(48)}`],
        reportData: `0x${"06".repeat(64)}`,
      });
      expect(le(quote, 4, 4)).to.equal(0x81);
      expect(layout.bodyLength).to.equal(TDX_REPORT_LENGTH);
      expect(quote[layout.body + TDX_REPORT.mrTd]).to.equal(1);
      const expected = sha256(Uint8Array.from([...platform.attestationKey.publicKey, ...platform.qeAuthData]));
      const reportData = layout.qeReport + SGX_REPORT.reportData;
      expect(hexlify(quote.slice(reportData, reportData + 32))).to.equal(hexlify(expected));
      expect(new TextDecoder().decode(quote.slice(layout.pem, layout.pem + 27))).to.equal(
        "-----BEGIN CERTIFICATE-----",
      );
    });

    it("refuses measurements of the wrong size and enclaves without an Intel identity", function () {
      expect(() =>
        buildQuoteV4(platform, { tee: "sgx", mrEnclave: "0x01", mrSigner: id("s") as Hex, reportData: "0x" }),
      ).to.throw("MRENCLAVE must be 32 bytes of hex");
      expect(() => new SimulatedEnclave(id("m") as Hex).dcapQuote(platform, CONTEXT)).to.throw(
        "this enclave has no Intel identity",
      );
      expect(() => nitroMeasurement(id("a") as Hex, id("b") as Hex, id("c") as Hex)).to.throw(
        "PCR0 must be 48 bytes of hex",
      );
      expect(() => createTestPckChain({ tcb: { components: [1], pceSvn: 1, fmspc: "0x00906ed50000" } })).to.throw(
        "a TCB has 16 SGX components",
      );
    });
  });
});
