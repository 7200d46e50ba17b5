import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

const DAY = 24n * 60n * 60n;

/**
 * tierproof for a public network (Base Sepolia, Ethereum Sepolia, OP Sepolia, Arbitrum Sepolia; parameters in
 * ignition/parameters/<network>.json): the three registries, the settlement contract, and the generated Groth16
 * verifiers of the `Linear_4` and `Mlp_4-8-3` circuits, over an existing payment token (`token`: Circle's USDC on
 * these testnets). Account 0 (the deploying key) is the admin and governor.
 *
 * Unlike `LocalTierproof` it deploys no test token and no test-vendor attestation adapter (which accepts
 * attestations signed by a published key): until governance allows a real adapter in the TeeRegistry, the TEE tier
 * has no enclave to accept, and models offer the ZK and SIGNED tiers.
 */
export default buildModule("Tierproof", (m) => {
  const admin = m.getAccount(0);
  const token = m.getParameter<string>("token");

  const modelRegistry = m.contract("ModelRegistry");
  const signerRegistry = m.contract("SignerRegistry", [
    token,
    m.getParameter("minStake", 1_000_000n), // 1 USDC (6 decimals)
    m.getParameter("unbondingDelay", 7n * DAY),
    admin,
  ]);
  const teeRegistry = m.contract("TeeRegistry", [admin, m.getParameter("maxAttestationAge", 30n * DAY)]);
  const settlement = m.contract("InferenceSettlement", [
    token,
    modelRegistry,
    signerRegistry,
    teeRegistry,
    m.getParameter("epochLength", DAY),
    m.getParameter("withdrawalDelay", DAY),
  ]);
  const linear4Verifier = m.contract("Linear_4Verifier");
  const irisMlpVerifier = m.contract("Mlp_4_8_3Verifier");

  return { modelRegistry, signerRegistry, teeRegistry, settlement, linear4Verifier, irisMlpVerifier };
});
