import { Wallet, concat, id, type TypedDataDomain, type TypedDataField } from "ethers";

import type { Hex } from "../../lib/settlement/item.js";

/**
 * The private key of the test "hardware vendor" that `TestVendorAttestationVerifier` trusts on local networks.
 * It is public on purpose: the adapter it feeds must never be allowed on a public network.
 */
export const TEST_VENDOR_PRIVATE_KEY: Hex = id("tierproof test attestation vendor") as Hex;

/** The test vendor as a signer. */
export function testVendor(): Wallet {
  return new Wallet(TEST_VENDOR_PRIVATE_KEY);
}

/** The address the local deployment pins as the test vendor. */
export const TEST_VENDOR_ADDRESS: string = testVendor().address;

/** The EIP-712 type the test vendor signs, mirroring `TestVendorAttestationVerifier`. */
export const ATTESTATION_TYPES: Record<string, TypedDataField[]> = {
  Attestation: [
    { name: "measurement", type: "bytes32" },
    { name: "reportData", type: "bytes32" },
    { name: "debug", type: "bool" },
  ],
};

/** What the test vendor vouches for. */
export interface TestAttestation {
  measurement: Hex;
  reportData: Hex;
  debug: boolean;
}

/** The EIP-712 domain of a deployed `TestVendorAttestationVerifier`. */
export function testVendorDomain(chainId: bigint, verifier: string): TypedDataDomain {
  return { name: "TestVendorAttestation", version: "1", chainId, verifyingContract: verifier };
}

/**
 * Signs an attestation as the test vendor and packs it the way the adapter reads it:
 * measurement ‖ reportData ‖ debug (1 byte) ‖ signature (65 bytes).
 */
export async function signTestAttestation(
  vendor: Wallet,
  domain: TypedDataDomain,
  attestation: TestAttestation,
): Promise<Hex> {
  const signature = await vendor.signTypedData(domain, ATTESTATION_TYPES, attestation);
  return concat([
    attestation.measurement,
    attestation.reportData,
    attestation.debug ? "0x01" : "0x00",
    signature,
  ]) as Hex;
}
