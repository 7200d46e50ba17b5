import { createRequire } from "node:module";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";

import { ETHERSCAN_KEY_VARIABLE, TESTNETS, TESTNET_KEY_VARIABLE } from "./sdk/lib/networks.js";

const require = createRequire(import.meta.url);

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    // No compiler can be downloaded on our machines: use the WASM build shipped by the `solc` package.
    version: "0.8.30",
    path: require.resolve("solc/soljson.js"),
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "prague",
    },
  },
  test: {
    mocha: {
      timeout: 120_000,
      // snarkjs keeps worker threads alive after proving; stop them so the test process can exit.
      rootHooks: {
        afterAll: async () => (await import("./sdk/lib/zk/prove.js")).releaseProverThreads(),
      },
    },
    solidity: {
      // Two profiles (`--test-profile <name>`, or HARDHAT_TEST_PROFILE): `default` runs with every
      // `npx hardhat test solidity` (CI); `deep` searches longer, on demand (`npm run test:invariants:deep`).
      // A fixed seed keeps both reproducible. Invariant tests: `runs` call sequences of `depth` calls each.
      profiles: {
        default: {
          fuzz: { runs: 256, seed: "0x7469657270726f6f66" },
          invariant: { runs: 64, depth: 40, failOnRevert: true },
        },
        deep: {
          fuzz: { runs: 1024, seed: "0x7469657270726f6f66" },
          invariant: { runs: 256, depth: 100, failOnRevert: true },
        },
      },
    },
  },
  typechain: {
    outDir: "typechain-types",
  },
  networks: {
    localhost: {
      type: "http",
      chainType: "l1",
      // A `hardhat node --hostname 127.0.0.1`; TIERPROOF_NODE_URL points elsewhere on this machine (tests use a free port).
      url: process.env.TIERPROOF_NODE_URL ?? "http://127.0.0.1:8545",
    },
    // Public testnets (sdk/lib/networks.ts): the RPC URL and the key are configuration variables, read from the
    // Hardhat keystore (`npx hardhat keystore set TESTNET_PRIVATE_KEY`) or the environment, and only when used.
    ...Object.fromEntries(
      TESTNETS.map((t) => [
        t.network,
        {
          type: "http" as const,
          chainType: t.chainType,
          chainId: t.chainId,
          url: configVariable(t.rpcUrlVariable),
          accounts: [configVariable(TESTNET_KEY_VARIABLE)],
        },
      ]),
    ),
  },
  verify: {
    // Etherscan's API v2 takes one key for every chain; Blockscout and Sourcify need none.
    etherscan: { apiKey: configVariable(ETHERSCAN_KEY_VARIABLE) },
  },
});
