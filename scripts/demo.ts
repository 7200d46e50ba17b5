/**
 * End-to-end demo: deploys tierproof, registers a model, a staked signer and an attested enclave, runs 30
 * inferences across the three tiers for three clients, settles them in one mixed transaction, and prints what
 * happened. `npm run demo` uses the in-process network; `npm run demo -- --network localhost` a `hardhat node`
 * on 127.0.0.1:8545.
 */
import { formatUnits } from "ethers";
import { network } from "hardhat";

import { heldSignedEarnings } from "../sdk/lib/disputes/records.js";
import { requestInference, sampleInput, setUpScenario } from "../sdk/testing/local/scenario.js";
import type { SettlementItem } from "../sdk/lib/settlement/item.js";
import { measureTierGas, submitBatch } from "../sdk/lib/settlement/submit.js";
import { ALL_TIERS, Mode, Tier } from "../sdk/lib/tiers.js";
import { releaseProverThreads } from "../sdk/lib/zk/prove.js";

const INFERENCES = 30;

const connection = await network.getOrCreate();
console.log(`tierproof demo on network "${connection.networkName}"`);
const scenario = await setUpScenario(connection, { clientCount: 3 });
const { system, model } = scenario;
console.log(`deployed settlement at ${await system.settlement.getAddress()}; model ${scenario.modelId} registered`);

const items: SettlementItem[] = [];
const outputs: bigint[][] = [];
const started = Date.now();
for (let i = 0; i < INFERENCES; i++) {
  const tier = ALL_TIERS[i % ALL_TIERS.length];
  const { item, output } = await requestInference(scenario, {
    client: scenario.clients[i % scenario.clients.length],
    tier,
    input: sampleInput(model, i),
  });
  items.push(item);
  outputs.push(output);
  if (process.stdout.isTTY) process.stdout.write(`\rinferences proven: ${i + 1}/${INFERENCES} (${Tier[tier]})   `);
  else if ((i + 1) % 10 === 0) console.log(`inferences proven: ${i + 1}/${INFERENCES}`);
}
console.log(
  `${process.stdout.isTTY ? "\n" : ""}proved ${INFERENCES} results in ${((Date.now() - started) / 1000).toFixed(1)} s`,
);

const gas = await measureTierGas(system.settlement, items, Mode.Partial);
const { receipt, outcomes } = await submitBatch(system.settlement, items, Mode.Partial);
console.log(`\nsettled in one transaction ${receipt.hash} (block ${receipt.blockNumber}, gas ${receipt.gasUsed})\n`);

const scale = 2 ** (2 * model.fracBits);
console.table(
  outcomes.map((outcome, i) => ({
    tier: Tier[outcome.tier],
    client: items[i].client.slice(0, 10),
    requestId: `${outcome.requestId.slice(0, 10)}…${outcome.requestId.slice(-4)}`,
    output: (Number(outputs[i][0]) / scale).toFixed(4),
    result: outcome.settled ? "settled" : `rejected: ${outcome.reason}`,
  })),
);

console.log("gas (estimated with and without each tier's items, calldata included):");
console.table(
  ALL_TIERS.map((tier) => ({ tier: Tier[tier], "gas per item": gas.perTier[tier]?.toString() ?? "-" })).concat([
    { tier: "batch average", "gas per item": gas.perItem.toString() },
  ]),
);

const epoch = await system.settlement.epochOf(
  BigInt((await connection.ethers.provider.getBlock(receipt.blockNumber))!.timestamp),
);
const [stats] = await system.settlement.getTierStats(epoch, epoch);
console.log(`per-tier counters on chain, epoch ${epoch}:`);
console.table(
  ALL_TIERS.map((tier) => ({
    tier: Tier[tier],
    settled: Number(stats[tier].count),
    value: `${formatUnits(stats[tier].value, 6)} tUSD`,
  })),
);
const providerAddress = await scenario.provider.getAddress();
const earnings = await system.settlement.earningsOf(providerAddress);
const held = await heldSignedEarnings(system.settlement, providerAddress);
console.log(
  `provider earnings: ${formatUnits(earnings, 6)} tUSD, plus ${formatUnits(held, 6)} tUSD of SIGNED items held for the challenge window`,
);

await releaseProverThreads();
