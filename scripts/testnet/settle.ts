/**
 * Settles a small batch on a tierproof testnet deployment:
 *   npx hardhat run scripts/testnet/settle.ts --network baseSepolia
 * Reuses the `Tierproof` Ignition deployment of this network (deploying it first if there is none) with
 * ignition/parameters/<network>.json, then, with the one configured key in every role, registers the `Linear_4`
 * model, stakes and registers a signer key derived from that key, deposits, proves TIERPROOF_BATCH_SIZE (default 4)
 * inferences alternating ZK and SIGNED, and settles them in one transaction. TIERPROOF_TOKEN replaces the
 * parameters' token (a local rehearsal's test token); TIERPROOF_DEPLOYMENT_ID the deployment id (default
 * chain-<id>, as `hardhat ignition deploy`). A thin layer over sdk/testing/testnet.
 */
import path from "node:path";

import { formatUnits } from "ethers";
import { network } from "hardhat";

import { signedBatchesFromLogs } from "../../sdk/lib/disputes/records.js";
import { testnet } from "../../sdk/lib/networks.js";
import {
  deployTierproof,
  deriveSignerKey,
  readTierproofParameters,
  settleSampleBatch,
} from "../../sdk/testing/testnet/settle.js";
import { Tier } from "../../sdk/lib/tiers.js";
import { releaseProverThreads } from "../../sdk/lib/zk/prove.js";
import { REPO_ROOT } from "../../sdk/tooling/zk/circuitFiles.js";

const connection = await network.getOrCreate();
const net = testnet(connection.networkName);
const { chainId } = await connection.ethers.provider.getNetwork();
if (chainId !== BigInt(net.chainId))
  throw new Error(`${net.label} is chain ${net.chainId}, the RPC answers ${chainId}`);
const file = path.join(REPO_ROOT, "ignition", "parameters", `${net.network}.json`);
const parameters = readTierproofParameters(file);
// A rehearsal on a local node (test/testnets) has no USDC: TIERPROOF_TOKEN names the token that stands in for it.
if (process.env.TIERPROOF_TOKEN !== undefined) {
  console.log(`TIERPROOF_TOKEN: ${process.env.TIERPROOF_TOKEN} stands in for ${parameters.token}`);
  parameters.token = process.env.TIERPROOF_TOKEN;
}
const deployment = await deployTierproof(connection, parameters, {
  deploymentId: process.env.TIERPROOF_DEPLOYMENT_ID ?? `chain-${chainId}`,
});
const me = await deployment.account.getAddress();
const [symbol, decimals] = [await deployment.token.symbol(), await deployment.token.decimals()];
console.log(`${net.label} (chain ${chainId}): settlement ${await deployment.settlement.getAddress()}, account ${me}`);
console.log(
  `token ${parameters.token}: balance ${formatUnits(await deployment.token.balanceOf(me), decimals)} ${symbol}`,
);

const batch = await settleSampleBatch(deployment, {
  signerKey: await deriveSignerKey(deployment.account),
  count: Number(process.env.TIERPROOF_BATCH_SIZE ?? 4),
});
console.log(`model ${batch.modelId}; batch settled in ${batch.transactionHash} (gas ${batch.gasUsed})`);
for (const outcome of batch.outcomes)
  console.log(
    `  ${Tier[outcome.tier]} ${outcome.requestId}: ${outcome.settled ? "settled" : `rejected: ${outcome.reason}`}`,
  );
// SIGNED payments are held per batch until the dispute window closes (then `releaseSignedEarnings`).
const settlement = deployment.settlement;
const receipt = await settlement.runner!.provider!.getTransactionReceipt(batch.transactionHash);
const [signedBatch] = signedBatchesFromLogs(settlement.interface, receipt!.logs);
const held = await settlement.heldEarnings(signedBatch.batchId, me);
console.log(
  `provider earnings: ${formatUnits(await settlement.earningsOf(me), decimals)} ${symbol} withdrawable, ` +
    `${formatUnits(held.amount, decimals)} ${symbol} held until ${new Date(Number(held.releaseAt) * 1000).toISOString()} ` +
    "(the SIGNED challenge window)",
);
await releaseProverThreads();
