/**
 * Indexer throughput. Writes bench/stats.md. Run: `npm run bench:stats`.
 *
 * 1. Decode + store: 2,000,000 synthetic `ItemSettled` logs (seeded history, ABI-encoded exactly as the contract
 *    emits them) fed to `ingestLogs` in chunks of 50,000, into a SQLite file; log generation is timed apart.
 *    Then the report queries and the chart on that database.
 * 2. JSON-RPC: a real `hardhat node --hostname 127.0.0.1` on a free port; seeded SIGNED/TEE batches settled on it
 *    (no ZK: proving is not what is measured), then `SettlementIndexer.sync` over HTTP from block 0.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { JsonRpcProvider } from "ethers";
import { network } from "hardhat";

import { startHardhatNode } from "../sdk/testing/local/hardhatNode.js";
import { setUpScenario } from "../sdk/testing/local/scenario.js";
import { svgToPng, tierMixSvg } from "../sdk/services/stats/chart.js";
import { encodeBatchLogs, type RpcLog } from "../sdk/services/stats/events.js";
import { SettlementIndexer, ingestLogs } from "../sdk/services/stats/indexer.js";
import { settleSeededTraffic } from "../sdk/testing/stats/onchainTraffic.js";
import { epochMix, formatStatsReport } from "../sdk/services/stats/report.js";
import { StatsStore } from "../sdk/services/stats/store.js";
import { syntheticHistory } from "../sdk/testing/stats/traffic.js";

const SYNTHETIC_EVENTS = 2_000_000;
const CHUNK = 50_000;
const RPC_BATCHES = 40;
const RPC_ITEMS_PER_BATCH = 100;
const OUTPUT = new URL("./stats.md", import.meta.url);

const dir = mkdtempSync(path.join(tmpdir(), "tierproof-bench-stats-"));
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const rate = (n: number, ms: number) => Math.round(n / (ms / 1000)).toLocaleString("en-US");

// ---- 1. decode + store, synthetic
const dbPath = path.join(dir, "synthetic.sqlite");
let store = new StatsStore(dbPath);
let generateMs = 0;
let ingestMs = 0;
let stored = 0;
let logs: RpcLog[] = [];
let lastBlock = 0;
const extra = { address: "0x0000000000000000000000000000000000005e77", transactionHash: `0x${"00".repeat(32)}` };
const flush = () => {
  const t = performance.now();
  stored += ingestLogs(store, logs, { blocks: [], lastBlock, pruneBelow: 0 });
  ingestMs += performance.now() - t;
  logs = [];
};
let t = performance.now();
for (const batch of syntheticHistory({ seed: 2026, items: SYNTHETIC_EVENTS, epochs: 120 })) {
  const blockHash = `0x${batch.blockNumber.toString(16).padStart(64, "0")}`;
  logs.push(...encodeBatchLogs(batch.items, { ...extra, blockHash }));
  lastBlock = batch.blockNumber;
  if (logs.length >= CHUNK) {
    generateMs += performance.now() - t;
    flush();
    console.log(`decode+store: ${stored.toLocaleString("en-US")} / ${SYNTHETIC_EVENTS.toLocaleString("en-US")}`);
    t = performance.now();
  }
}
generateMs += performance.now() - t;
if (logs.length > 0) flush();
if (stored !== SYNTHETIC_EVENTS) throw new Error(`stored ${stored} events, expected ${SYNTHETIC_EVENTS}`);
store.close();
const dbBytes = statSync(dbPath).size;

store = new StatsStore(dbPath);
t = performance.now();
const mixes = epochMix(store.tierTotals());
const modelTotals = store.modelTotals();
const report = formatStatsReport(mixes, modelTotals);
const reportMs = performance.now() - t;
t = performance.now();
const png = svgToPng(tierMixSvg(mixes));
const chartMs = performance.now() - t;
if (mixes.reduce((s, m) => s + m.total, 0) !== SYNTHETIC_EVENTS || report.length === 0 || png.length === 0) {
  throw new Error("report does not cover every event");
}
store.close();

// ---- 2. JSON-RPC, real node
const node = await startHardhatNode();
let rpcItems = 0;
let rpcMs = 0;
let rpcBlocks = 0;
try {
  const connection = await network.create({ network: "localhost", override: { url: node.url } });
  const scenario = await setUpScenario(connection, { clientCount: 5 });
  const traffic = await settleSeededTraffic(scenario, {
    seed: 11,
    epochs: 4,
    batchesPerEpoch: RPC_BATCHES / 4,
    itemsPerBatch: RPC_ITEMS_PER_BATCH,
    zkPerBatch: 0,
    withRejects: false,
    onBatch: (done, total) => console.log(`settling on the node: batch ${done}/${total}`),
  });
  const rpc = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });
  const rpcStore = new StatsStore(path.join(dir, "rpc.sqlite"));
  t = performance.now();
  const result = await new SettlementIndexer(rpc, rpcStore, {
    address: await scenario.system.settlement.getAddress(),
  }).sync();
  rpcMs = performance.now() - t;
  rpcItems = result.items;
  rpcBlocks = result.toBlock + 1;
  if (rpcItems !== traffic.settled) throw new Error(`indexed ${rpcItems} of ${traffic.settled} settled items`);
  rpcStore.close();
  rpc.destroy();
} finally {
  await node.stop();
  rmSync(dir, { recursive: true, force: true });
}

const table = `# Indexer throughput

Produced by \`npm run bench:stats\` (bench/stats.ts) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, SQLite
through \`node:sqlite\`, on this project's shared 2-core machine (other jobs were running: read the figures as orders of
magnitude).

| path | events | time | events per second | what is measured |
|---|---|---|---|---|
| decode + store (synthetic logs) | ${SYNTHETIC_EVENTS.toLocaleString("en-US")} | ${seconds(ingestMs)} s | ${rate(SYNTHETIC_EVENTS, ingestMs)} | \`ingestLogs\`: decode each \`ItemSettled\` log (its epoch from its batch's \`BatchSettled\`) and insert it, ${CHUNK.toLocaleString("en-US")} logs per transaction, into a SQLite file (${(dbBytes / 2 ** 20).toFixed(0)} MiB at the end) |
| (generating those logs) | ${SYNTHETIC_EVENTS.toLocaleString("en-US")} | ${seconds(generateMs)} s | ${rate(SYNTHETIC_EVENTS, generateMs)} | seeded \`syntheticHistory\` + \`encodeBatchLogs\`, not part of the indexer |
| report on that database | ${SYNTHETIC_EVENTS.toLocaleString("en-US")} | ${seconds(reportMs)} s | — | per-(epoch, tier) and per-(epoch, model, tier) totals over ${mixes.length} epochs and the text report |
| chart | ${mixes.length} epochs | ${seconds(chartMs)} s | — | SVG + PNG (resvg) |
| JSON-RPC, real node | ${rpcItems.toLocaleString("en-US")} | ${seconds(rpcMs)} s | ${rate(rpcItems, rpcMs)} | \`SettlementIndexer.sync\` over HTTP from block 0 to the head (${rpcBlocks} blocks, ${RPC_BATCHES} settled batches of ${RPC_ITEMS_PER_BATCH} SIGNED/TEE items): \`eth_getLogs\` in 2,000-block chunks, the last 12 block headers, decode, store |

The 2,000,000 events are synthesised (ABI-encoded exactly as \`InferenceSettlement\` emits \`ItemSettled\`; the encoder is
tested against ethers) and fed to the same decode-and-store function the JSON-RPC indexer uses; settling 2 million
real items on a local node would take hours of signing and mining. The JSON-RPC path is measured separately on a real
\`hardhat node --hostname 127.0.0.1\` with ${rpcItems.toLocaleString("en-US")} real settled items.
`;
writeFileSync(OUTPUT, table);
console.log(table);
