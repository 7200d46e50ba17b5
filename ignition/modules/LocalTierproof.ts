import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { settlementWithDisputes } from "../settlementWithDisputes.js";

const DAY = 24n * 60n * 60n;

/**
 * The whole tierproof system for a local or test network: a test token (EIP-2612 + EIP-3009), the three registries,
 * the attestation adapters allowed in the TeeRegistry (test vendor, Intel DCAP v4 pinning a test root, signed attester
 * with a test attester), the settlement contract, the SIGNED-result dispute contract (wired into
 * settlement, with the signer registry's slasher role), and the generated
 * Groth16 verifiers of the `Linear_4` and `Mlp_4-8-3` (Iris) circuits. Account 0 is the admin and governor, and by
 * default holds both roles of the `PauseGuard` (parameters `pauser`, `pauseAdmin`) that settlement and the registries
 * read.
 *
 * The attestation keys are required parameters (`attestationVendor`, `dcapRootKeyX`, `dcapRootKeyY`, `dcapQeMrSigner`,
 * `attester`): `deployLocalSystem` (sdk/testing/local/deploy.ts) passes the enclave simulator's public test keys, so
 * this module imports nothing from the SDK and the SDK's deployment code is the only side that knows both.
 *
 * Never use this module on a public network: the test vendor, test root and test attester keys are public.
 */
export default buildModule("LocalTierproof", (m) => {
  const admin = m.getAccount(0);

  const token = m.contract("TestToken", ["Test USD", "tUSD", admin]);
  // The emergency switch: `pauser` (an incident responder) may pause settlement or registration, `pauseAdmin` (who
  // manages the guard's roles) unpauses. Both default to the deploying account; give them separate keys in production.
  const pauseGuard = m.contract("PauseGuard", [m.getParameter("pauseAdmin", admin), m.getParameter("pauser", admin)]);
  const modelRegistry = m.contract("ModelRegistry", [pauseGuard]);
  const signerRegistry = m.contract("SignerRegistry", [
    token,
    m.getParameter("minStake", 100_000_000n), // 100 tUSD
    m.getParameter("unbondingDelay", 7n * DAY),
    admin,
    pauseGuard,
  ]);
  const teeRegistry = m.contract("TeeRegistry", [admin, m.getParameter("maxAttestationAge", 30n * DAY), pauseGuard]);
  const testVendorVerifier = m.contract("TestVendorAttestationVerifier", [m.getParameter<string>("attestationVendor")]);
  m.call(teeRegistry, "setAttestationVerifier", [testVendorVerifier, true]);
  // Intel DCAP quotes under a test PCK chain (pass Intel's SGX Root CA key and QE signer elsewhere)
  const dcapVerifier = m.contract("DcapQuoteV4Verifier", [
    admin,
    m.getParameter<string>("dcapRootKeyX"),
    m.getParameter<string>("dcapRootKeyY"),
    m.getParameter<string>("dcapQeMrSigner"),
  ]);
  m.call(teeRegistry, "setAttestationVerifier", [dcapVerifier, true], { id: "allowDcapVerifier" });
  // Nitro-style attester statements, signed by a test attester key
  const signedAttesterVerifier = m.contract("SignedAttesterVerifier", [admin]);
  m.call(signedAttesterVerifier, "setAttester", [m.getParameter<string>("attester"), true]);
  m.call(teeRegistry, "setAttestationVerifier", [signedAttesterVerifier, true], { id: "allowSignedAttester" });

  const { zkStatement, settlement, disputes } = settlementWithDisputes(
    m,
    { token, modelRegistry, signerRegistry, teeRegistry, pauseGuard },
    50_000_000n, // 50 tUSD per wrong result
  );

  const linear4Verifier = m.contract("Linear_4Verifier");
  const irisMlpVerifier = m.contract("Mlp_4_8_3Verifier");

  return {
    pauseGuard,
    token,
    modelRegistry,
    signerRegistry,
    teeRegistry,
    testVendorVerifier,
    dcapVerifier,
    signedAttesterVerifier,
    zkStatement,
    settlement,
    disputes,
    linear4Verifier,
    irisMlpVerifier,
  };
});
