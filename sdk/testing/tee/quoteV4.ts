/**
 * Builds Intel DCAP quotes v4 (SGX enclave report or TDX TD report) as a quoting enclave on a simulated platform
 * would: header ‖ report body ‖ signature data (quote signature by the attestation key, the attestation key,
 * certification data type 6 = QE report ‖ its signature by the PCK key ‖ QE auth data ‖ certification data type 5 =
 * the PEM PCK chain). Layout as in Intel's quote v4 and TD report 1.0 specifications; integers little-endian.
 */
import { concatBytes } from "@noble/curves/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { keccak256 } from "ethers";

import type { Hex } from "../../lib/settlement/item.js";
import { p256KeyFromLabel, rawSignature, signP256, type P256Key, type SPolicy } from "./p256.js";
import type { PckChain } from "./pckChain.js";

/** TEE types of the quote header. */
export const TEE_TYPE = { sgx: 0x00, tdx: 0x81 } as const;
/** Intel's QE vendor id. */
export const INTEL_QE_VENDOR_ID: Hex = "0x939a7233f79c4ca9940a0db3957f0607";
/** Header and report body sizes. */
export const QUOTE_HEADER_LENGTH = 48;
export const SGX_REPORT_LENGTH = 384;
export const TDX_REPORT_LENGTH = 584;

/** Field offsets inside an SGX report body (also the QE report) and a TDX TD report body. */
export const SGX_REPORT = {
  attributes: 48,
  mrEnclave: 64,
  mrSigner: 128,
  isvProdId: 256,
  isvSvn: 258,
  reportData: 320,
};
export const TDX_REPORT = {
  teeTcbSvn: 0,
  mrSeam: 16,
  tdAttributes: 120,
  xfam: 128,
  mrTd: 136,
  mrConfigId: 184,
  rtmr0: 328,
  reportData: 520,
};

/** What an SGX enclave puts in its report. */
export interface SgxReportInput {
  tee: "sgx";
  mrEnclave: Hex;
  mrSigner: Hex;
  isvProdId?: number;
  isvSvn?: number;
  debug?: boolean;
  /** 64 bytes: the first 32 are the registry binding. */
  reportData: Hex;
}

/** What a TDX trust domain puts in its report. */
export interface TdxReportInput {
  tee: "tdx";
  mrTd: Hex; // 48 bytes
  rtmrs: [Hex, Hex, Hex, Hex]; // 48 bytes each
  teeTcbSvn?: Hex; // 16 bytes
  debug?: boolean;
  reportData: Hex; // 64 bytes
}

/** The simulated quoting enclave and platform that sign quotes. */
export interface QuotingPlatform {
  chain: PckChain;
  /** The QE's attestation key (certified by the QE report). */
  attestationKey: P256Key;
  qeMrSigner: Hex;
  qeIsvSvn: number;
  /** QE authentication data (32 bytes in Intel's QE). */
  qeAuthData: Uint8Array;
}

/** Options that make a quote wrong in one way, for tests. */
export interface QuoteOptions {
  /** s half of the quote and QE report signatures (default as signed). */
  sPolicy?: SPolicy;
  /** Mark the QE report as debug, or give it another product id. */
  qeDebug?: boolean;
  qeIsvProdId?: number;
}

/** Offsets of a built quote's parts, for inspection and tampering. */
export interface QuoteLayout {
  body: number;
  bodyLength: number;
  signatureDataLength: number; // offset of the u32
  quoteSignature: number;
  attestationKey: number;
  certificationData: number; // type (2) ‖ size (4) of type 6
  qeReport: number;
  qeReportSignature: number;
  qeAuthData: number; // size (2) ‖ data
  pckCertificationData: number; // type (2) ‖ size (4) of type 5
  pem: number;
}

/** The seed of the default simulated quoting enclave. */
export const DEFAULT_QE_SEED = "tierproof test quoting enclave";

/** The MRSIGNER of the simulated quoting enclave of `seed`, which a local `DcapQuoteV4Verifier` pins. */
export function testQeMrSigner(seed: string = DEFAULT_QE_SEED): Hex {
  return keccak256(new TextEncoder().encode(`${seed}/qe-mrsigner`)) as Hex;
}

/** A default simulated platform for `chain`: attestation key and QE identity from `seed`. */
export function createQuotingPlatform(
  chain: PckChain,
  options: { seed?: string; qeMrSigner?: Hex; qeIsvSvn?: number } = {},
): QuotingPlatform {
  const seed = options.seed ?? DEFAULT_QE_SEED;
  return {
    chain,
    attestationKey: p256KeyFromLabel(`${seed}/attestation-key`),
    qeMrSigner: options.qeMrSigner ?? testQeMrSigner(seed),
    qeIsvSvn: options.qeIsvSvn ?? 8,
    qeAuthData: Uint8Array.from({ length: 32 }, (_, i) => i),
  };
}

function bytes(hex: Hex, length: number, what: string): Uint8Array {
  if (!new RegExp(`^0x[0-9a-fA-F]{${2 * length}}$`).test(hex))
    throw new Error(`${what} must be ${length} bytes of hex`);
  return Uint8Array.from(Buffer.from(hex.slice(2), "hex"));
}

function le(value: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = Math.floor(value / 256 ** i) % 256;
  return out;
}

function sgxReport(fields: {
  attributesFlags: number;
  mrEnclave: Uint8Array;
  mrSigner: Uint8Array;
  isvProdId: number;
  isvSvn: number;
  reportData: Uint8Array;
}): Uint8Array {
  const report = new Uint8Array(SGX_REPORT_LENGTH);
  report.set(
    Uint8Array.from({ length: 16 }, (_, i) => (i < 4 ? 5 : 0)),
    0,
  ); // CPUSVN
  report.set(le(fields.attributesFlags, 8), SGX_REPORT.attributes);
  report.set(le(0xe7, 8), SGX_REPORT.attributes + 8); // XFRM
  report.set(fields.mrEnclave, SGX_REPORT.mrEnclave);
  report.set(fields.mrSigner, SGX_REPORT.mrSigner);
  report.set(le(fields.isvProdId, 2), SGX_REPORT.isvProdId);
  report.set(le(fields.isvSvn, 2), SGX_REPORT.isvSvn);
  report.set(fields.reportData, SGX_REPORT.reportData);
  return report;
}

/** SGX attributes flags: INIT | MODE64BIT, plus DEBUG (bit 1) when asked. */
const sgxFlags = (debug: boolean) => 0x05 | (debug ? 0x02 : 0);

function tdxReport(input: TdxReportInput): Uint8Array {
  const report = new Uint8Array(TDX_REPORT_LENGTH);
  report.set(bytes(input.teeTcbSvn ?? "0x03000500000000000000000000000000", 16, "TEE TCB SVN"), TDX_REPORT.teeTcbSvn);
  report.set(sha256(new TextEncoder().encode("tierproof test TDX module")).slice(0, 32), TDX_REPORT.mrSeam);
  report.set(le(input.debug === true ? 0x01 : 0, 8), TDX_REPORT.tdAttributes); // TUD.DEBUG is bit 0
  report.set(le(0x61ae7, 8), TDX_REPORT.xfam);
  report.set(bytes(input.mrTd, 48, "MRTD"), TDX_REPORT.mrTd);
  input.rtmrs.forEach((rtmr, i) => report.set(bytes(rtmr, 48, `RTMR${i}`), TDX_REPORT.rtmr0 + 48 * i));
  report.set(bytes(input.reportData, 64, "report data"), TDX_REPORT.reportData);
  return report;
}

/** Builds a signed quote v4 for `report` on `platform`, and the offsets of its parts. */
export function buildQuoteV4(
  platform: QuotingPlatform,
  report: SgxReportInput | TdxReportInput,
  options: QuoteOptions = {},
): { quote: Uint8Array; layout: QuoteLayout } {
  const teeType = TEE_TYPE[report.tee];
  const header = concatBytes(
    le(4, 2), // version
    le(2, 2), // attestation key type: ECDSA-256-with-P-256
    le(teeType, 4),
    le(0, 2), // reserved
    le(0, 2), // reserved
    bytes(INTEL_QE_VENDOR_ID, 16, "QE vendor id"),
    new Uint8Array(20), // user data
  );
  const body =
    report.tee === "sgx"
      ? sgxReport({
          attributesFlags: sgxFlags(report.debug === true),
          mrEnclave: bytes(report.mrEnclave, 32, "MRENCLAVE"),
          mrSigner: bytes(report.mrSigner, 32, "MRSIGNER"),
          isvProdId: report.isvProdId ?? 1,
          isvSvn: report.isvSvn ?? 1,
          reportData: bytes(report.reportData, 64, "report data"),
        })
      : tdxReport(report);

  const sPolicy = options.sPolicy ?? "any";
  const signed = concatBytes(header, body);
  const quoteSignature = rawSignature(signP256(platform.attestationKey, signed, sPolicy));

  const qeReportData = concatBytes(
    sha256(concatBytes(platform.attestationKey.publicKey, platform.qeAuthData)),
    new Uint8Array(32),
  );
  const qeReport = sgxReport({
    attributesFlags: sgxFlags(options.qeDebug === true),
    mrEnclave: sha256(new TextEncoder().encode("tierproof test QE image")),
    mrSigner: bytes(platform.qeMrSigner, 32, "QE MRSIGNER"),
    isvProdId: options.qeIsvProdId ?? (report.tee === "sgx" ? 1 : 2),
    isvSvn: platform.qeIsvSvn,
    reportData: qeReportData,
  });
  const qeReportSignature = rawSignature(signP256(platform.chain.pck, qeReport, sPolicy));

  const pckCertData = concatBytes(le(5, 2), le(platform.chain.pem.length, 4), platform.chain.pem);
  const qeCertData = concatBytes(
    qeReport,
    qeReportSignature,
    le(platform.qeAuthData.length, 2),
    platform.qeAuthData,
    pckCertData,
  );
  const signatureData = concatBytes(
    quoteSignature,
    platform.attestationKey.publicKey,
    le(6, 2),
    le(qeCertData.length, 4),
    qeCertData,
  );
  const quote = concatBytes(signed, le(signatureData.length, 4), signatureData);

  const signatureDataLength = signed.length;
  const certificationData = signatureDataLength + 4 + 128;
  const qeReportAt = certificationData + 6;
  const qeAuthData = qeReportAt + SGX_REPORT_LENGTH + 64;
  const pckCertificationData = qeAuthData + 2 + platform.qeAuthData.length;
  return {
    quote,
    layout: {
      body: QUOTE_HEADER_LENGTH,
      bodyLength: body.length,
      signatureDataLength,
      quoteSignature: signatureDataLength + 4,
      attestationKey: signatureDataLength + 4 + 64,
      certificationData,
      qeReport: qeReportAt,
      qeReportSignature: qeReportAt + SGX_REPORT_LENGTH,
      qeAuthData,
      pckCertificationData,
      pem: pckCertificationData + 6,
    },
  };
}

/** The measurement `DcapQuoteV4Verifier` returns for an SGX enclave: its MRENCLAVE. */
export function sgxMeasurement(mrEnclave: Hex): Hex {
  bytes(mrEnclave, 32, "MRENCLAVE");
  return mrEnclave.toLowerCase() as Hex;
}

/** The measurement `DcapQuoteV4Verifier` returns for a TDX trust domain: keccak256(MRTD ‖ RTMR0 ‖ … ‖ RTMR3). */
export function tdxMeasurement(mrTd: Hex, rtmrs: readonly [Hex, Hex, Hex, Hex]): Hex {
  return keccak256(concatBytes(bytes(mrTd, 48, "MRTD"), ...rtmrs.map((r, i) => bytes(r, 48, `RTMR${i}`)))) as Hex;
}
