import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import Tierproof from "../../../../ignition/modules/Tierproof.js";
import { ETHERSCAN_KEY_VARIABLE, TESTNETS, TESTNET_KEY_VARIABLE } from "../../../../sdk/lib/networks.js";
import {
  TESTNET_PRICES,
  deployTierproof,
  deriveSignerKey,
  readTierproofParameters,
  settleSampleBatch,
} from "../../../../sdk/testing/testnet/settle.js";
import { heldSignedEarnings } from "../../../../sdk/lib/disputes/records.js";
import { Tier } from "../../../../sdk/lib/tiers.js";
import { TestToken__factory } from "../../../../typechain-types/index.js";
import { startHardhatNode, type HardhatNode } from "../../../../sdk/testing/local/hardhatNode.js";
import { REPO_ROOT } from "../../../../sdk/tooling/zk/circuitFiles.js";

/** Hardhat's first default account: funded on every `hardhat node`, standing in for the testnet key. */
const NODE_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

const parametersOf = (name: string) =>
  readTierproofParameters(path.join(REPO_ROOT, "ignition", "parameters", `${name}.json`));

describe("testnet deployment rehearsed on a local hardhat node with each testnet's chain id", function () {
  this.timeout(120_000);
  let node: HardhatNode | undefined;
  const deployments: string[] = [];

  afterEach(async function () {
    await node?.stop();
    node = undefined;
  });
  after(function () {
    for (const id of deployments)
      rmSync(path.join(REPO_ROOT, "ignition", "deployments", id), { recursive: true, force: true });
  });

  it("hardhat.config has each testnet (chain id, chain type, URL and key from configuration variables) and hardhat verify on Etherscan", async function () {
    const hre = (await import("hardhat")).default;
    const saved = { ...process.env };
    try {
      process.env[ETHERSCAN_KEY_VARIABLE] = "etherscan-key-from-env";
      process.env[TESTNET_KEY_VARIABLE] = NODE_KEY;
      for (const t of TESTNETS) {
        process.env[t.rpcUrlVariable] = `https://rpc.invalid/${t.network}`;
        const config = hre.config.networks[t.network];
        expect(config, t.network).to.include({ type: "http", chainType: t.chainType, chainId: t.chainId });
        if (config.type !== "http") throw new Error("unreachable");
        expect(await config.url.getUrl()).to.equal(`https://rpc.invalid/${t.network}`);
        expect(Array.isArray(config.accounts) && (await config.accounts[0].getHexString())).to.equal(NODE_KEY);
      }
      expect(hre.config.verify.etherscan.enabled).to.equal(true);
      expect(await hre.config.verify.etherscan.apiKey.get()).to.equal("etherscan-key-from-env");
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it("the Tierproof module deploys no test token and no test attestation adapter: DCAP pinned to Intel's root, and disputes", function () {
    const contracts = [...Tierproof.futures].flatMap((future) =>
      "contractName" in future ? [future.contractName] : [],
    );
    expect(contracts.sort()).to.deep.equal([
      "DcapQuoteV4Verifier",
      "InferenceSettlement",
      "Linear_4Verifier",
      "Mlp_4_8_3Verifier",
      "ModelRegistry",
      "PauseGuard",
      "SignedResultDisputes",
      "SignerRegistry",
      "TeeRegistry",
      "ZkStatement",
    ]);
  });

  it("every parameters file names the network's USDC and the module's parameters", function () {
    for (const t of TESTNETS) {
      const parameters = parametersOf(t.network);
      expect(parameters.token, t.network).to.equal(t.usdc);
      expect(Object.keys(parameters).sort()).to.deep.equal([
        "epochLength",
        "maxAttestationAge",
        "minStake",
        "token",
        "unbondingDelay",
        "withdrawalDelay",
      ]);
    }
  });

  it("the walk-through's commands: `hardhat run scripts/testnet/settle.ts --network baseSepolia`, key and RPC URL from configuration variables", async function () {
    const t = TESTNETS[0];
    node = await startHardhatNode({ chainId: t.chainId, chainType: t.chainType });
    const connection = await network.create({ network: t.network, override: { url: node.url, accounts: [NODE_KEY] } });
    let token: string;
    try {
      const [account] = await connection.ethers.getSigners();
      const deployed = await new TestToken__factory(account).deploy("Test USD", "tUSD", account.address);
      await (await deployed.mint(account.address, 10_000_000n)).wait();
      token = await deployed.getAddress();
    } finally {
      await connection.close();
    }
    const deploymentId = `rehearsal-cli-${Date.now()}`;
    deployments.push(deploymentId);
    const run = spawnSync(
      process.execPath,
      [
        path.join(REPO_ROOT, "node_modules", "hardhat", "dist", "src", "cli.js"),
        "run",
        "scripts/testnet/settle.ts",
        "--network",
        t.network,
      ],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
        // Configuration variables resolve from the environment when the keystore has no entry.
        env: {
          ...process.env,
          [t.rpcUrlVariable]: node.url,
          [TESTNET_KEY_VARIABLE]: NODE_KEY,
          TIERPROOF_TOKEN: token,
          TIERPROOF_DEPLOYMENT_ID: deploymentId,
          TIERPROOF_BATCH_SIZE: "2",
        },
      },
    );
    const output = `${run.stdout}\n${run.stderr}`;
    expect(run.status, output).to.equal(0);
    expect(output).to.include(`Base Sepolia (chain ${t.chainId})`);
    expect(output.match(/: settled/g)?.length, output).to.equal(2);
    expect(output).to.match(/provider earnings: 0\.003 tUSD withdrawable, 0\.001 tUSD held until/);
  });

  for (const t of TESTNETS) {
    it(`${t.label} (chain ${t.chainId}, ${t.chainType}): deploys the Tierproof module and settles a ZK + SIGNED batch`, async function () {
      node = await startHardhatNode({ chainId: t.chainId, chainType: t.chainType });
      // The testnet's own network entry (chain id, chain type), pointed at the local node with one funded key.
      const connection = await network.create({
        network: t.network,
        override: { url: node.url, accounts: [NODE_KEY] },
      });
      try {
        const { chainId } = await connection.ethers.provider.getNetwork();
        expect(chainId).to.equal(BigInt(t.chainId));
        const [account] = await connection.ethers.getSigners();
        const me = await account.getAddress();

        // A test token stands in for USDC, which does not exist on the local chain; every other parameter is the file's.
        const token = await new TestToken__factory(account).deploy("Test USD", "tUSD", me);
        await token.waitForDeployment();
        await (await token.mint(me, 10_000_000n)).wait();
        const deploymentId = `rehearsal-${t.network}-${Date.now()}`;
        deployments.push(deploymentId);
        const deployment = await deployTierproof(
          connection,
          { ...parametersOf(t.network), token: await token.getAddress() },
          { deploymentId },
        );
        expect(await deployment.signerRegistry.minStake()).to.equal(1_000_000n);

        const batch = await settleSampleBatch(deployment, { signerKey: await deriveSignerKey(account), count: 2 });
        expect(batch.outcomes.map((o) => [o.tier, o.settled])).to.deep.equal([
          [Tier.ZK, true],
          [Tier.SIGNED, true],
        ]);
        for (const o of batch.outcomes)
          expect(await deployment.settlement.isRequestSettled(me, o.requestId)).to.equal(true);
        // The ZK payment is the provider's at once; the SIGNED one is held for the dispute window.
        expect(await deployment.settlement.earningsOf(me)).to.equal(TESTNET_PRICES[Tier.ZK]);
        expect(await heldSignedEarnings(deployment.settlement, me)).to.equal(TESTNET_PRICES[Tier.SIGNED]);
        // The node mined the settlement on this chain id.
        const receipt = await connection.ethers.provider.getTransactionReceipt(batch.transactionHash);
        expect(receipt?.status).to.equal(1);
        expect(node.output()).to.match(/eth_sendRawTransaction/);
      } finally {
        await connection.close();
      }
    });
  }
});
