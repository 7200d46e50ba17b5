/**
 * Gas per item for each tier in a 30-item mixed batch (10 ZK, 10 TEE, 10 SIGNED, three clients), on the in-process
 * network. Writes bench/settlement-gas.md. Run: `npm run bench:gas`.
 *
 * A tier's gas per item is its marginal cost inside the mixed batch: (gas of the batch - gas of the batch without
 * that tier's items) / its item count, both estimated on the same state, calldata included.
 */
import { writeFileSync } from "node:fs";

import { network } from "hardhat";

import { requestInference, sampleInput, setUpScenario } from "../sdk/testing/local/scenario.js";
import type { SettlementItem } from "../sdk/lib/settlement/item.js";
import { measureTierGas, submitBatch } from "../sdk/lib/settlement/submit.js";
import { ALL_TIERS, Mode, Tier } from "../sdk/lib/tiers.js";
import { releaseProverThreads } from "../sdk/lib/zk/prove.js";

const PER_TIER = 10;
const OUTPUT = new URL("./settlement-gas.md", import.meta.url);

const connection = await network.create();
const scenario = await setUpScenario(connection, { clientCount: 3 });

async function batchOf(tiers: readonly Tier[]): Promise<SettlementItem[]> {
  const items: SettlementItem[] = [];
  for (let i = 0; i < PER_TIER * tiers.length; i++) {
    const { item } = await requestInference(scenario, {
      client: scenario.clients[i % scenario.clients.length],
      tier: tiers[i % tiers.length],
      input: sampleInput(scenario.model, i),
    });
    items.push(item);
    if ((i + 1) % 10 === 0)
      console.log(`proving ${tiers.map((t) => Tier[t]).join("+")}: ${i + 1}/${PER_TIER * tiers.length}`);
  }
  return items;
}

const mixed = await batchOf(ALL_TIERS);
const mixedGas = await measureTierGas(scenario.system.settlement, mixed, Mode.Partial);
const { receipt, outcomes } = await submitBatch(scenario.system.settlement, mixed, Mode.Partial);
if (!outcomes.every((o) => o.settled)) throw new Error("benchmark batch had rejected items");

// Each tier alone, 30 items, for comparison with its marginal cost in the mixed batch.
const alone: Partial<Record<Tier, bigint>> = {};
for (const tier of ALL_TIERS) {
  const items = await batchOf([tier, tier, tier]);
  alone[tier] = (await measureTierGas(scenario.system.settlement, items, Mode.Partial)).perItem;
}
await releaseProverThreads();

const rows = ALL_TIERS.map(
  (tier) => `| ${Tier[tier]} | ${PER_TIER} | ${mixedGas.perTier[tier]} | ${alone[tier]} |`,
).join("\n");
const table = `# Settlement gas per item

Produced by \`npm run bench:gas\` (bench/settlement-gas.ts) on ${new Date().toISOString().slice(0, 10)}: Hardhat 3 in-process
network (EDR, default hardfork), solc 0.8.30 with the optimizer at 200 runs, circuit \`Linear_4\`.

One 30-item mixed batch (${PER_TIER} items per tier, three clients, one provider), settled in \`Partial\` mode in one
transaction: **${receipt.gasUsed} gas** in total, ${mixedGas.perItem} per item on average (estimate ${mixedGas.total}).

| tier | items | gas per item in the mixed batch (marginal) | gas per item, 30-item batch of this tier alone |
|---|---|---|---|
${rows}

The marginal figure is (gas(batch) − gas(batch without that tier's items)) / item count, both estimated on the same
state with calldata included; the single-tier figure is the whole transaction (including the 21,000 base cost)
divided by 30. The ZK items of one model are verified together in one \`verifyProofs\` call (Groth16BatchVerifier,
N + 3 pairings), so a ZK item costs less the more ZK items of its model a batch carries.
`;
writeFileSync(OUTPUT, table);
console.log(table);
