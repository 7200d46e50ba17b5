/**
 * `npm run stats`: index settlement events into SQLite (from a JSON-RPC node, or a seeded synthetic history), print
 * per-epoch counts and value per tier and per model and the ZK+TEE share trend, and write the tier-mix chart as SVG
 * and PNG. A thin layer over sdk/services/stats.
 *
 *   npm run stats -- --rpc http://127.0.0.1:8545 --address 0xSettlement [--from-block N]
 *   npm run stats -- --synthetic 300000 --seed 1 --epochs 90
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { Command, InvalidArgumentError } from "commander";
import { JsonRpcProvider } from "ethers";

import { svgToPng, tierMixSvg } from "../../sdk/services/stats/chart.js";
import { encodeBatchLogs } from "../../sdk/services/stats/events.js";
import { SettlementIndexer, ingestLogs } from "../../sdk/services/stats/indexer.js";
import { epochMix, formatStatsReport } from "../../sdk/services/stats/report.js";
import { StatsStore } from "../../sdk/services/stats/store.js";
import { syntheticHistory } from "../../sdk/testing/stats/traffic.js";

const integer = (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError("expected a non-negative integer");
  return n;
};

const program = new Command()
  .name("stats")
  .description("Tier statistics of InferenceSettlement: index, print, chart")
  .option("--db <path>", "SQLite database", "stats-out/tierproof-stats.sqlite")
  .option("--out <dir>", "where to write tier-mix.svg and tier-mix.png", "stats-out")
  .option("--rpc <url>", "JSON-RPC node to index from")
  .option("--address <address>", "the InferenceSettlement contract (with --rpc)")
  .option("--from-block <n>", "first block on a fresh database", integer, 0)
  .option("--reorg-depth <n>", "deepest re-org the database can undo", integer, 12)
  .option("--synthetic <items>", "fill a fresh database with a seeded synthetic history of this many items", integer)
  .option("--seed <n>", "seed of the synthetic history", integer, 1)
  .option("--epochs <n>", "epochs of the synthetic history", integer, 90)
  .option("--last-epochs <n>", "epochs in the per-model table (default: all)", integer)
  .parse();
const opts = program.opts<{
  db: string;
  out: string;
  rpc?: string;
  address?: string;
  fromBlock: number;
  reorgDepth: number;
  synthetic?: number;
  seed: number;
  epochs: number;
  lastEpochs?: number;
}>();

if (opts.synthetic !== undefined && opts.rpc !== undefined) program.error("use either --synthetic or --rpc");
if (opts.rpc !== undefined && opts.address === undefined) program.error("--rpc needs --address");
mkdirSync(path.dirname(opts.db), { recursive: true });
if (opts.synthetic !== undefined && existsSync(opts.db)) {
  // Replace an earlier synthetic database, never one indexed from a node.
  const existing = new StatsStore(opts.db);
  const indexed = existing.getMeta("address");
  existing.close();
  if (indexed !== undefined) program.error(`${opts.db} indexes ${indexed}: choose another --db for synthetic data`);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${opts.db}${suffix}`, { force: true });
}
const store = new StatsStore(opts.db);
if (opts.synthetic !== undefined) store.setMeta("source", `synthetic seed ${opts.seed}`);

if (opts.synthetic !== undefined) {
  const started = performance.now();
  const extra = { address: "0x0000000000000000000000000000000000005e77", transactionHash: `0x${"00".repeat(32)}` };
  let stored = 0;
  let logs = [];
  let lastBlock = 0;
  for (const batch of syntheticHistory({ seed: opts.seed, items: opts.synthetic, epochs: opts.epochs })) {
    const blockHash = `0x${batch.blockNumber.toString(16).padStart(64, "0")}`;
    logs.push(...encodeBatchLogs(batch.items, { ...extra, blockHash }));
    lastBlock = batch.blockNumber;
    if (logs.length >= 50_000) {
      stored += ingestLogs(store, logs, { blocks: [], lastBlock, pruneBelow: 0 });
      logs = [];
    }
  }
  stored += ingestLogs(store, logs, { blocks: [], lastBlock, pruneBelow: 0 });
  console.log(
    `synthetic history: ${stored} items over ${opts.epochs} epochs (seed ${opts.seed}) stored in ${(
      (performance.now() - started) /
      1000
    ).toFixed(1)} s`,
  );
} else if (opts.rpc !== undefined) {
  const rpc = new JsonRpcProvider(opts.rpc, undefined, { staticNetwork: true });
  const indexer = new SettlementIndexer(rpc, store, {
    address: opts.address!,
    fromBlock: opts.fromBlock,
    reorgDepth: opts.reorgDepth,
  });
  const result = await indexer.sync();
  if (result.reorg !== undefined) {
    console.log(
      `re-org: rolled back to block ${result.reorg.commonAncestor}, dropped ${result.reorg.removedItems} items`,
    );
  }
  console.log(`indexed blocks ${result.fromBlock}..${result.toBlock}: ${result.items} new items`);
  rpc.destroy();
}

const mixes = epochMix(store.tierTotals());
if (mixes.length === 0) {
  console.log(`no settled items in ${opts.db}`);
} else {
  console.log(formatStatsReport(mixes, store.modelTotals(), { lastEpochs: opts.lastEpochs }));
  mkdirSync(opts.out, { recursive: true });
  const svg = tierMixSvg(mixes, `Tier mix per epoch (${store.itemCount().toLocaleString("en-US")} items)`);
  writeFileSync(path.join(opts.out, "tier-mix.svg"), svg);
  writeFileSync(path.join(opts.out, "tier-mix.png"), svgToPng(svg));
  console.log(`chart: ${path.join(opts.out, "tier-mix.svg")} and tier-mix.png`);
}
store.close();
