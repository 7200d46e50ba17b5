import type { Signer } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import LocalTierproof from "../../../ignition/modules/LocalTierproof.js";
import {
  DcapQuoteV4Verifier__factory,
  InferenceSettlement__factory,
  IZkVerifier__factory,
  ModelRegistry__factory,
  PauseGuard__factory,
  SignedAttesterVerifier__factory,
  SignerRegistry__factory,
  SignedResultDisputes__factory,
  TeeRegistry__factory,
  TestToken__factory,
  TestVendorAttestationVerifier__factory,
  type DcapQuoteV4Verifier,
  type IZkVerifier,
  type InferenceSettlement,
  type ModelRegistry,
  type PauseGuard,
  type SignedAttesterVerifier,
  type SignerRegistry,
  type SignedResultDisputes,
  type TeeRegistry,
  type TestToken,
  type TestVendorAttestationVerifier,
} from "../../../typechain-types/index.js";
import { testRootKey } from "../tee/pckChain.js";
import { testQeMrSigner } from "../tee/quoteV4.js";
import { testAttester } from "../tee/signedAttester.js";
import { TEST_VENDOR_ADDRESS } from "../tee/testVendor.js";

/** The deployed local system, as typed contracts connected to the admin (account 0). */
export interface LocalSystem {
  admin: Signer;
  chainId: bigint;
  token: TestToken;
  /** The emergency switch read by settlement and the registries; the admin holds its pauser and admin roles. */
  pauseGuard: PauseGuard;
  modelRegistry: ModelRegistry;
  signerRegistry: SignerRegistry;
  teeRegistry: TeeRegistry;
  testVendorVerifier: TestVendorAttestationVerifier;
  dcapVerifier: DcapQuoteV4Verifier;
  signedAttesterVerifier: SignedAttesterVerifier;
  /** The `ZkStatement` library linked into settlement and the dispute contract. */
  zkStatement: string;
  settlement: InferenceSettlement;
  disputes: SignedResultDisputes;
  linear4Verifier: IZkVerifier;
  irisMlpVerifier: IZkVerifier;
}

/** The `LocalTierproof` parameters that pin the enclave simulator's public test keys in the attestation adapters. */
export function simulatorAttestationParameters(): Record<string, string> {
  const root = testRootKey();
  return {
    attestationVendor: TEST_VENDOR_ADDRESS,
    dcapRootKeyX: root.x,
    dcapRootKeyY: root.y,
    dcapQeMrSigner: testQeMrSigner(),
    attester: testAttester().address,
  };
}

/**
 * Deploys the `LocalTierproof` module through Ignition, its attestation adapters pinning the simulator's test keys.
 * On the in-process network every call is a fresh deployment; on a node (e.g. `hardhat node` on 127.0.0.1) each call
 * gets its own deployment id, so a rerun after a node restart never trusts a stale journal. `parameters` override the
 * module's parameters (e.g. `pauser`, an address, or `dcapRootKeyX`).
 */
export async function deployLocalSystem(
  connection: NetworkConnection,
  options: { displayUi?: boolean; deploymentId?: string; parameters?: Record<string, string | bigint | number> } = {},
): Promise<LocalSystem> {
  const deploymentId =
    options.deploymentId ??
    (connection.networkConfig.type === "http" ? `local-${new Date().toISOString().replace(/[:.]/g, "-")}` : undefined);
  const deployed = await connection.ignition.deploy(LocalTierproof, {
    displayUi: options.displayUi ?? false,
    deploymentId,
    parameters: { LocalTierproof: { ...simulatorAttestationParameters(), ...options.parameters } },
  });
  const [admin] = await connection.ethers.getSigners();
  const at = async (contract: { getAddress(): Promise<string> }) => contract.getAddress();
  const { chainId } = await connection.ethers.provider.getNetwork();
  return {
    admin,
    chainId,
    token: TestToken__factory.connect(await at(deployed.token), admin),
    pauseGuard: PauseGuard__factory.connect(await at(deployed.pauseGuard), admin),
    modelRegistry: ModelRegistry__factory.connect(await at(deployed.modelRegistry), admin),
    signerRegistry: SignerRegistry__factory.connect(await at(deployed.signerRegistry), admin),
    teeRegistry: TeeRegistry__factory.connect(await at(deployed.teeRegistry), admin),
    testVendorVerifier: TestVendorAttestationVerifier__factory.connect(await at(deployed.testVendorVerifier), admin),
    dcapVerifier: DcapQuoteV4Verifier__factory.connect(await at(deployed.dcapVerifier), admin),
    signedAttesterVerifier: SignedAttesterVerifier__factory.connect(await at(deployed.signedAttesterVerifier), admin),
    zkStatement: await at(deployed.zkStatement),
    settlement: InferenceSettlement__factory.connect(await at(deployed.settlement), admin),
    disputes: SignedResultDisputes__factory.connect(await at(deployed.disputes), admin),
    linear4Verifier: IZkVerifier__factory.connect(await at(deployed.linear4Verifier), admin),
    irisMlpVerifier: IZkVerifier__factory.connect(await at(deployed.irisMlpVerifier), admin),
  };
}

/**
 * The library links that `InferenceSettlement__factory` and `SignedResultDisputes__factory` take, pointing at the
 * local system's `ZkStatement`: for deploying another settlement or dispute contract beside it.
 */
export function libraryLinks(system: Pick<LocalSystem, "zkStatement">): {
  "project/contracts/libraries/ZkStatement.sol:ZkStatement": string;
} {
  return { "project/contracts/libraries/ZkStatement.sol:ZkStatement": system.zkStatement };
}
