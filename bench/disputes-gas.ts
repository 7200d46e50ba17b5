/**
 * What the SIGNED dispute path costs. Writes bench/disputes-gas.md. Run: `npm run bench:disputes`.
 *
 * - Settlement: 100-item SIGNED batches (one provider, three clients) on the Ignition deployment (dispute path wired:
 *   one results hash and one held entry per provider per batch) against an identical InferenceSettlement deployed
 *   without a dispute path (SIGNED payments credited at once), same registries, same state otherwise.
 * - A challenge of one result in a 100-record batch (real Groth16 proof of `Linear_4`).
 */
import { writeFileSync } from "node:fs";

import { network } from "hardhat";

import { challengeSignedResult, proveContradiction } from "../sdk/lib/disputes/challenge.js";
import { signedBatchesFromLogs } from "../sdk/lib/disputes/records.js";
import { libraryLinks } from "../sdk/testing/local/deploy.js";
import { fundClient } from "../sdk/testing/local/onboarding.js";
import {
  SCENARIO_CIRCUIT,
  requestInference,
  sampleInput,
  setUpScenario,
  type Scenario,
} from "../sdk/testing/local/scenario.js";
import { inferLinear } from "../sdk/lib/models/linear.js";
import type { SettlementItem } from "../sdk/lib/settlement/item.js";
import { SignerProver } from "../sdk/lib/settlement/provers.js";
import { submitBatch } from "../sdk/lib/settlement/submit.js";
import { readDomain } from "../sdk/lib/settlement/typedData.js";
import { Mode, Tier } from "../sdk/lib/tiers.js";
import { releaseProverThreads } from "../sdk/lib/zk/prove.js";
import { InferenceSettlement__factory } from "../typechain-types/index.js";
import { repositoryCircuit } from "../sdk/tooling/zk/circuitFiles.js";

const SIZES = [1, 10, 100];
const OUTPUT = new URL("./disputes-gas.md", import.meta.url);

const connection = await network.create();
const wired = await setUpScenario(connection, { clientCount: 3 });
const { system } = wired;
const bareSettlement = await new InferenceSettlement__factory(libraryLinks(system), system.admin).deploy(
  await system.token.getAddress(),
  await system.modelRegistry.getAddress(),
  await system.signerRegistry.getAddress(),
  await system.teeRegistry.getAddress(),
  await system.settlement.epochLength(),
  await system.settlement.withdrawalDelay(),
  await system.pauseGuard.getAddress(),
);
await bareSettlement.waitForDeployment();
for (const client of wired.clients) await fundClient(system.token, bareSettlement, client, 1_000_000_000n);
const bareDomain = await readDomain(bareSettlement);
const bare: Scenario = {
  ...wired,
  system: { ...system, settlement: bareSettlement },
  domain: bareDomain,
  provers: { ...wired.provers, [Tier.SIGNED]: new SignerProver(wired.signerKey, bareDomain) },
};

let seed = 0;
async function signedBatch(scenario: Scenario, size: number, wrongAt = -1): Promise<SettlementItem[]> {
  const items: SettlementItem[] = [];
  for (let i = 0; i < size; i++) {
    const s =
      i === wrongAt
        ? { ...scenario, infer: (x: readonly bigint[]) => [inferLinear(scenario.model, [...x]) + 1n] }
        : scenario;
    const { item } = await requestInference(s, {
      client: scenario.clients[i % 3],
      tier: Tier.SIGNED,
      input: sampleInput(scenario.model, seed++),
    });
    items.push(item);
  }
  return items;
}

const rows: string[] = [];
for (const size of SIZES) {
  const withDisputes = await system.settlement.settle.estimateGas(await signedBatch(wired, size), Mode.Atomic);
  const without = await bareSettlement.settle.estimateGas(await signedBatch(bare, size), Mode.Atomic);
  const perItem = (gas: bigint) => gas / BigInt(size);
  rows.push(
    `| ${size} | ${withDisputes} | ${perItem(withDisputes)} | ${without} | ${perItem(without)} | ${perItem(withDisputes) - perItem(without)} |`,
  );
  console.log(rows.at(-1));
}

// A challenge against result 50 of a 100-record batch.
const items = await signedBatch(wired, 100, 50);
const { receipt } = await submitBatch(system.settlement, items, Mode.Atomic);
const [batch] = signedBatchesFromLogs(system.settlement.interface, receipt.logs);
const contradiction = await proveContradiction(
  repositoryCircuit(SCENARIO_CIRCUIT),
  batch,
  50,
  sampleInput(wired.model, seed - 50),
);
const challengeReceipt = await challengeSignedResult(system.disputes, batch, 50, contradiction);
await releaseProverThreads();

const table = `# Cost of the SIGNED dispute path

Produced by \`npm run bench:disputes\` (bench/disputes-gas.ts) on ${new Date().toISOString().slice(0, 10)}: Hardhat 3 in-process
network, solc 0.8.30, optimizer 200 runs. SIGNED-only batches, one provider, three clients, \`Atomic\` mode, gas
estimates of the whole transaction (21,000 base and calldata included), on the same state.

| SIGNED items | gas, dispute path wired | per item | gas, no dispute path | per item | overhead per item |
|---|---|---|---|---|---|
${rows.join("\n")}

With the dispute path a batch writes one held entry per provider (a new word, keyed by the batch's results hash, which
is the batch id) instead of crediting the provider's earnings (an existing word), reads the dispute configuration and
emits two events; each SIGNED item adds one keccak leaf in memory.

A challenge of result 50 in a 100-record batch (all 100 records in calldata, a \`Linear_4\` Groth16 verification, the
payment reversal and two slash transfers): **${challengeReceipt.gasUsed} gas**.
`;
writeFileSync(OUTPUT, table);
console.log(table);
