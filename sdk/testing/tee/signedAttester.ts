/**
 * The signed-attester path (AWS Nitro and other TEEs whose certificate chain is too costly on chain): an off-chain
 * attester checks the enclave's attestation document and signs an EIP-712 statement that `SignedAttesterVerifier`
 * checks. Mirrors `ISignedAttesterVerifier`.
 */
import { Wallet, concat, id, keccak256, toBeHex, type TypedDataDomain, type TypedDataField } from "ethers";

import type { Hex } from "../../lib/settlement/item.js";

/** The private key of the test attester the local deployment allows. Public on purpose: local networks only. */
export const TEST_ATTESTER_PRIVATE_KEY: Hex = id("tierproof test signed attester") as Hex;

/** The test attester as a signer. */
export function testAttester(): Wallet {
  return new Wallet(TEST_ATTESTER_PRIVATE_KEY);
}

/** The EIP-712 type an attester signs. */
export const ATTESTER_STATEMENT_TYPES: Record<string, TypedDataField[]> = {
  AttesterStatement: [
    { name: "measurement", type: "bytes32" },
    { name: "reportData", type: "bytes32" },
    { name: "debug", type: "bool" },
    { name: "expiresAt", type: "uint64" },
  ],
};

/** What an attester vouches for. */
export interface AttesterStatement {
  measurement: Hex;
  reportData: Hex;
  debug: boolean;
  /** Unix seconds after which the chain refuses the statement. */
  expiresAt: bigint;
}

/** The EIP-712 domain of a deployed `SignedAttesterVerifier`. */
export function signedAttesterDomain(chainId: bigint, verifier: string): TypedDataDomain {
  return { name: "SignedAttesterVerifier", version: "1", chainId, verifyingContract: verifier };
}

/** A Nitro enclave's measurement: keccak256(PCR0 ‖ PCR1 ‖ PCR2), each PCR 48 bytes (SHA-384). */
export function nitroMeasurement(pcr0: Hex, pcr1: Hex, pcr2: Hex): Hex {
  for (const [i, pcr] of [pcr0, pcr1, pcr2].entries()) {
    if (!/^0x[0-9a-fA-F]{96}$/.test(pcr)) throw new Error(`PCR${i} must be 48 bytes of hex, got ${pcr}`);
  }
  return keccak256(concat([pcr0, pcr1, pcr2])) as Hex;
}

/**
 * Signs `statement` as `attester` and packs it the way the verifier reads it:
 * measurement ‖ reportData ‖ debug (1 byte) ‖ expiresAt (8 bytes, big-endian) ‖ signature (65 bytes).
 */
export async function signAttesterStatement(
  attester: Wallet,
  domain: TypedDataDomain,
  statement: AttesterStatement,
): Promise<Hex> {
  if (statement.expiresAt < 0n || statement.expiresAt >= 2n ** 64n) throw new Error("expiresAt must fit 64 bits");
  const signature = await attester.signTypedData(domain, ATTESTER_STATEMENT_TYPES, statement);
  return concat([
    statement.measurement,
    statement.reportData,
    statement.debug ? "0x01" : "0x00",
    toBeHex(statement.expiresAt, 8),
    signature,
  ]) as Hex;
}
