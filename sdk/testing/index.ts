/**
 * tierproof's fixtures, for tests, scripts, benches and the local Ignition deployment only: the local system and its
 * onboarding, scenarios, a `hardhat node` on loopback, seeded traffic, the enclave and Intel quote simulator with its
 * public test keys, and the testnet rehearsal. Never import it from the library, a service or tooling.
 */

// The local system: deployment through Ignition, onboarding, scenarios, gas paths, a hardhat node.
export * from "./local/deploy.js";
export * from "./local/onboarding.js";
export * from "./local/scenario.js";
export * from "./local/gasPaths.js";
export * from "./local/hardhatNode.js";

// Seeded traffic, synthetic or settled on a node.
export * from "./stats/traffic.js";
export * from "./stats/onchainTraffic.js";

// The enclave simulator: simulated SGX/TDX/Nitro enclaves, a test PCK chain and DCAP v4 quotes, test attesters.
export * from "./tee/enclave.js";
export * from "./tee/p256.js";
export * from "./tee/pckChain.js";
export * from "./tee/quoteV4.js";
export * from "./tee/signedAttester.js";
export * from "./tee/testVendor.js";

// The public-testnet rehearsal.
export * from "./testnet/settle.js";
