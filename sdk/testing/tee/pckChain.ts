/**
 * A test Intel PCK certificate chain: a root CA (standing in for the Intel SGX Root CA), a PCK platform CA it signs,
 * and a PCK leaf certificate for one simulated platform, with Intel's SGX extension (PPID, TCB, PCE-ID, FMSPC, SGX
 * type). Certificates are DER X.509 v3, ECDSA-SHA256 over P-256, as Intel issues them; the chain is carried in quotes
 * as PEM.
 */
import { concatBytes } from "@noble/curves/utils.js";
import { AbiCoder, keccak256 } from "ethers";

import type { Hex } from "../../lib/settlement/item.js";
import {
  bitString,
  boolean,
  enumerated,
  explicit,
  integer,
  objectId,
  octetString,
  pemCertificate,
  sequence,
  set,
  time,
  utf8String,
} from "./der.js";
import { p256Coordinates, p256KeyFromLabel, signP256, type P256Key, type SPolicy } from "./p256.js";

const ECDSA_WITH_SHA256 = sequence(objectId("1.2.840.10045.4.3.2"));
const EC_PUBLIC_KEY_P256 = sequence(objectId("1.2.840.10045.2.1"), objectId("1.2.840.10045.3.1.7"));
const SGX_EXTENSION = "1.2.840.113741.1.13.1";

/** A distinguished name as Intel writes it (CN, O, L, ST, C). */
function name(commonName: string): Uint8Array {
  const rdn = (oid: string, value: string) => set(sequence(objectId(oid), utf8String(value)));
  return sequence(
    rdn("2.5.4.3", commonName),
    rdn("2.5.4.10", "Intel Corporation"),
    rdn("2.5.4.7", "Santa Clara"),
    rdn("2.5.4.8", "CA"),
    rdn("2.5.4.6", "US"),
  );
}

function extension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical
    ? sequence(objectId(oid), boolean(true), octetString(value))
    : sequence(objectId(oid), octetString(value));
}

/** What a certificate says, before it is signed. */
interface CertificateFields {
  serial: bigint;
  issuer: Uint8Array;
  subject: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  publicKey: Uint8Array; // 64 bytes X ‖ Y
  extensions: Uint8Array[];
}

/** A DER certificate of `fields`, signed by `signer`. */
function certificate(fields: CertificateFields, signer: P256Key, sPolicy: SPolicy): Uint8Array {
  const tbs = sequence(
    explicit(0, integer(2n)), // v3
    integer(fields.serial),
    ECDSA_WITH_SHA256,
    fields.issuer,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    fields.subject,
    sequence(EC_PUBLIC_KEY_P256, bitString(concatBytes(Uint8Array.of(4), fields.publicKey))),
    explicit(3, sequence(...fields.extensions)),
  );
  const { r, s } = signP256(signer, tbs, sPolicy);
  return sequence(tbs, ECDSA_WITH_SHA256, bitString(sequence(integer(r), integer(s))));
}

/** The TCB of the simulated platform as its PCK certificate records it. */
export interface PlatformTcb {
  /** SGX TCB component SVNs 1-16. */
  components: number[];
  pceSvn: number;
  /** Family-model-stepping-platform-custom-SKU, 6 bytes. */
  fmspc: Hex;
}

/** Options of `createTestPckChain`; the defaults make a valid chain at `now`. */
export interface PckChainOptions {
  /** Seed of every key, so chains reproduce. */
  seed?: string;
  /** Validity is [now - 1 day, now + 10 years] (the root to 2049+ like Intel's) unless overridden. */
  now?: Date;
  leafValidity?: { notBefore: Date; notAfter: Date };
  /** Whether the PCK CA carries basicConstraints cA TRUE (default true). */
  caIsCa?: boolean;
  /** Omit the SGX extension from the leaf. */
  omitSgxExtension?: boolean;
  /** Who signs the leaf (default the PCK CA). */
  leafSigner?: "ca" | "root" | "self";
  /**
   * A malformed basicConstraints on the PCK CA, to test refusals: `"absent"` leaves the extension out, `"pathLenOnly"`
   * writes a pathLenConstraint with no cA field first. Overrides `caIsCa`.
   */
  caConstraints?: "absent" | "pathLenOnly";
  /** The common name of the leaf's issuer (default the PCK CA's name: another name no longer chains). */
  leafIssuerCommonName?: string;
  /**
   * A malformed SGX extension on the leaf, to test refusals: an FMSPC of 5 bytes, a TCB that is an OCTET STRING
   * rather than a SEQUENCE, or no FMSPC or no TCB entry.
   */
  sgxExtensionDefect?: "shortFmspc" | "tcbNotSequence" | "noFmspc" | "noTcb";
  /** Force the s half of every certificate signature (default as signed). */
  sPolicy?: SPolicy;
  tcb?: PlatformTcb;
}

/** A test PCK chain and its keys. */
export interface PckChain {
  root: P256Key;
  ca: P256Key;
  /** The PCK leaf key: it signs the QE reports of the platform. */
  pck: P256Key;
  der: { leaf: Uint8Array; ca: Uint8Array; root: Uint8Array };
  /** leaf ‖ CA ‖ root, PEM, as the quote's certification data type 5 carries it (Intel ends it with a NUL). */
  pem: Uint8Array;
  tcb: PlatformTcb;
  /** The TCB and FMSPC value elements of the leaf's SGX extension (DER), which the on-chain TCB id hashes. */
  tcbElement: Uint8Array;
  fmspcElement: Uint8Array;
}

const DAY = 24 * 3600 * 1000;

/** The seed of the default test chain. */
export const DEFAULT_PCK_CHAIN_SEED = "tierproof test pck chain";

/**
 * The root key of the test chain of `seed` (X, Y), which a local `DcapQuoteV4Verifier` pins. Its certificates depend on
 * the time they are issued at; the keys depend on the seed only.
 */
export function testRootKey(seed: string = DEFAULT_PCK_CHAIN_SEED): { x: Hex; y: Hex } {
  return p256Coordinates(p256KeyFromLabel(`${seed}/root`).publicKey);
}

/** The default TCB of the simulated platform. */
export const DEFAULT_PLATFORM_TCB: PlatformTcb = {
  components: [7, 9, 3, 3, 255, 255, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  pceSvn: 13,
  fmspc: "0x00906ed50000",
};

/** Builds a test PCK chain (root, PCK platform CA, PCK leaf with the SGX extension). */
export function createTestPckChain(options: PckChainOptions = {}): PckChain {
  const seed = options.seed ?? DEFAULT_PCK_CHAIN_SEED;
  const now = options.now ?? new Date();
  const tcb = options.tcb ?? DEFAULT_PLATFORM_TCB;
  if (tcb.components.length !== 16) throw new Error("a TCB has 16 SGX components");
  if (!/^0x[0-9a-fA-F]{12}$/.test(tcb.fmspc)) throw new Error(`FMSPC must be 6 bytes of hex, got ${tcb.fmspc}`);
  const sPolicy = options.sPolicy ?? "any";
  const root = p256KeyFromLabel(`${seed}/root`);
  const ca = p256KeyFromLabel(`${seed}/platform-ca`);
  const pck = p256KeyFromLabel(`${seed}/pck`);

  const rootName = name("Intel SGX Root CA (tierproof test)");
  const caName = name("Intel SGX PCK Platform CA (tierproof test)");
  const caConstraints = (isCa: boolean) =>
    extension("2.5.29.19", true, isCa ? sequence(boolean(true), integer(0n)) : sequence());
  const keyUsage = (bits: number) => extension("2.5.29.15", true, tlv03(bits));

  const rootDer = certificate(
    {
      serial: 0x1001n,
      issuer: rootName,
      subject: rootName,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(Date.UTC(2049, 11, 31, 23, 59, 59)),
      publicKey: root.publicKey,
      extensions: [caConstraints(true), keyUsage(0x06)],
    },
    root,
    sPolicy,
  );
  const caDer = certificate(
    {
      serial: 0x2002n,
      issuer: rootName,
      subject: caName,
      notBefore: new Date(now.getTime() - DAY),
      notAfter: new Date(now.getTime() + 3650 * DAY),
      publicKey: ca.publicKey,
      extensions: [
        ...{
          absent: [],
          pathLenOnly: [extension("2.5.29.19", true, sequence(integer(0n)))],
          default: [caConstraints(options.caIsCa ?? true)],
        }[options.caConstraints ?? "default"],
        keyUsage(0x06),
      ],
    },
    root,
    sPolicy,
  );

  const tcbElement = sequence(
    ...tcb.components.map((svn, i) => sequence(objectId(`${SGX_EXTENSION}.2.${i + 1}`), integer(BigInt(svn)))),
    sequence(objectId(`${SGX_EXTENSION}.2.17`), integer(BigInt(tcb.pceSvn))),
    sequence(objectId(`${SGX_EXTENSION}.2.18`), octetString(Uint8Array.from(tcb.components))),
  );
  const fmspcElement = octetString(Uint8Array.from(Buffer.from(tcb.fmspc.slice(2), "hex")));
  const defect = options.sgxExtensionDefect;
  const sgxExtension = extension(
    SGX_EXTENSION,
    false,
    sequence(
      sequence(objectId(`${SGX_EXTENSION}.1`), octetString(p256KeyFromLabel(`${seed}/ppid`).secretKey.slice(0, 16))),
      ...(defect === "noTcb"
        ? []
        : [
            sequence(
              objectId(`${SGX_EXTENSION}.2`),
              defect === "tcbNotSequence" ? octetString(Uint8Array.from(tcb.components)) : tcbElement,
            ),
          ]),
      sequence(objectId(`${SGX_EXTENSION}.3`), octetString(Uint8Array.of(0, 0))),
      ...(defect === "noFmspc"
        ? []
        : [
            sequence(
              objectId(`${SGX_EXTENSION}.4`),
              defect === "shortFmspc"
                ? octetString(Uint8Array.from(Buffer.from(tcb.fmspc.slice(2, 12), "hex")))
                : fmspcElement,
            ),
          ]),
      sequence(objectId(`${SGX_EXTENSION}.5`), enumerated(0)),
    ),
  );
  const leafSigner = { ca, root, self: pck }[options.leafSigner ?? "ca"];
  const leafDer = certificate(
    {
      serial: 0x3003n,
      issuer: options.leafIssuerCommonName === undefined ? caName : name(options.leafIssuerCommonName),
      subject: name("Intel SGX PCK Certificate (tierproof test)"),
      notBefore: options.leafValidity?.notBefore ?? new Date(now.getTime() - DAY),
      notAfter: options.leafValidity?.notAfter ?? new Date(now.getTime() + 3650 * DAY),
      publicKey: pck.publicKey,
      extensions: [keyUsage(0xc0), ...(options.omitSgxExtension === true ? [] : [sgxExtension]), caConstraints(false)],
    },
    leafSigner,
    sPolicy,
  );

  const pemText = `${pemCertificate(leafDer)}${pemCertificate(caDer)}${pemCertificate(rootDer)}\0`;
  return {
    root,
    ca,
    pck,
    der: { leaf: leafDer, ca: caDer, root: rootDer },
    pem: new TextEncoder().encode(pemText),
    tcb,
    tcbElement,
    fmspcElement,
  };
}

/** A one-byte keyUsage BIT STRING; DER counts the trailing zero bits as unused. */
function tlv03(bits: number): Uint8Array {
  if (bits <= 0 || bits > 0xff) throw new Error("keyUsage flags must fit one non-zero byte");
  let unused = 0;
  while (((bits >> unused) & 1) === 0) unused++;
  return Uint8Array.of(0x03, 0x02, unused, bits);
}

/**
 * The TCB id `DcapQuoteV4Verifier` looks TCB statuses up by: keccak256(abi.encode(teeType, keccak256(FMSPC element),
 * keccak256(TCB element), QE ISVSVN, TEE TCB SVN (TDX, zero for SGX))).
 */
export function dcapTcbId(chain: PckChain, teeType: number, qeIsvSvn: number, teeTcbSvn: Hex): Hex {
  if (!/^0x[0-9a-fA-F]{32}$/.test(teeTcbSvn)) throw new Error(`TEE TCB SVN must be 16 bytes of hex, got ${teeTcbSvn}`);
  if (!Number.isInteger(qeIsvSvn) || qeIsvSvn < 0 || qeIsvSvn > 0xffff) throw new Error("QE ISVSVN must be a uint16");
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["uint256", "bytes32", "bytes32", "uint256", "bytes16"],
      [teeType, keccak256(chain.fmspcElement), keccak256(chain.tcbElement), qeIsvSvn, teeTcbSvn],
    ),
  ) as Hex;
}
