import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { settlementWithDisputes } from "../settlementWithDisputes.js";

const DAY = 24n * 60n * 60n;

/**
 * Intel SGX Provisioning Certification Root CA ("Intel SGX Root CA"): its P-256 public key (x, y), the trust anchor
 * of every PCK certificate chain (from Intel's published Intel_SGX_Provisioning_Certification_RootCA certificate).
 */
export const INTEL_SGX_ROOT_KEY = {
  x: "0x0ba9c4c0c0c86193a3fe23d6b02cda10a8bbd4e88e48b4458561a36e705525f5",
  y: "0x67918e2edc88e40d860bd0cc4ee26aacc988e505a953558c453f6b0904ae7394",
} as const;
/** The MRSIGNER of Intel's quoting enclaves (QE identity and TD QE identity collateral). */
export const INTEL_QE_MRSIGNER = "0x8c4f5775d796503e96137f77c68a829a0056ac8ded70140b081b094490c57bff";

/**
 * tierproof for a public network (Base Sepolia, Ethereum Sepolia, OP Sepolia, Arbitrum Sepolia; parameters in
 * ignition/parameters/<network>.json): the three registries, the settlement contract, and the generated Groth16
 * verifiers of the `Linear_4` and `Mlp_4-8-3` circuits, over an existing payment token (`token`: Circle's USDC on
 * these testnets). Account 0 (the deploying key) is the admin and governor, and holds the `PauseGuard`'s
 * pauser and admin roles unless the parameters `pauser` and `pauseAdmin` name other accounts (see SECURITY.md).
 *
 * Unlike `LocalTierproof` it deploys no test token, no test-vendor adapter and no test attester (whose keys are
 * published). The TEE tier takes Intel DCAP quotes: `DcapQuoteV4Verifier` pins Intel's SGX Root CA key and Intel's
 * quoting-enclave MRSIGNER (below; override them only for a private PKI). Governance (account 0) still has to allow
 * enclave measurements per model and record TCB statuses (`setTcbStatus`) before an enclave can register. SIGNED
 * results are disputable: `SignedResultDisputes` is wired into settlement and holds the signer registry's slasher
 * role.
 */
export default buildModule("Tierproof", (m) => {
  const admin = m.getAccount(0);
  const token = m.getParameter<string>("token");
  // The emergency switch: `pauser` (an incident responder) may pause settlement or registration, `pauseAdmin` (who
  // manages the guard's roles) unpauses. Both default to the deploying account; give them separate keys in production.
  const pauseGuard = m.contract("PauseGuard", [m.getParameter("pauseAdmin", admin), m.getParameter("pauser", admin)]);

  const modelRegistry = m.contract("ModelRegistry", [pauseGuard]);
  const signerRegistry = m.contract("SignerRegistry", [
    token,
    m.getParameter("minStake", 1_000_000n), // 1 USDC (6 decimals)
    m.getParameter("unbondingDelay", 7n * DAY),
    admin,
    pauseGuard,
  ]);
  const teeRegistry = m.contract("TeeRegistry", [admin, m.getParameter("maxAttestationAge", 30n * DAY), pauseGuard]);
  const dcapVerifier = m.contract("DcapQuoteV4Verifier", [
    admin,
    m.getParameter("dcapRootKeyX", INTEL_SGX_ROOT_KEY.x),
    m.getParameter("dcapRootKeyY", INTEL_SGX_ROOT_KEY.y),
    m.getParameter("dcapQeMrSigner", INTEL_QE_MRSIGNER),
  ]);
  m.call(teeRegistry, "setAttestationVerifier", [dcapVerifier, true], { id: "allowDcapVerifier" });
  const { settlement, disputes } = settlementWithDisputes(
    m,
    { token, modelRegistry, signerRegistry, teeRegistry, pauseGuard },
    500_000n, // 0.5 USDC per wrong result
  );

  const linear4Verifier = m.contract("Linear_4Verifier");
  const irisMlpVerifier = m.contract("Mlp_4_8_3Verifier");

  return {
    pauseGuard,
    modelRegistry,
    signerRegistry,
    teeRegistry,
    dcapVerifier,
    settlement,
    disputes,
    linear4Verifier,
    irisMlpVerifier,
  };
});
