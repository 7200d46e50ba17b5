import { expect } from "chai";

import { tierMixSvg, svgToPng } from "../../../../sdk/services/stats/chart.js";
import {
  BATCH_SETTLED_TOPIC,
  ITEM_SETTLED_TOPIC,
  MAX_INDEXED_PRICE,
  decodeBatchEpoch,
  decodeItemSettled,
  encodeBatchLogs,
  encodeItemSettled,
  type SettledItem,
} from "../../../../sdk/services/stats/events.js";
import { epochMix, formatStatsReport, shareTrend } from "../../../../sdk/services/stats/report.js";
import { ingestLogs } from "../../../../sdk/services/stats/indexer.js";
import { StatsStore } from "../../../../sdk/services/stats/store.js";
import { syntheticHistory } from "../../../../sdk/testing/stats/traffic.js";
import { Tier } from "../../../../sdk/lib/tiers.js";
import { InferenceSettlement__factory } from "../../../../typechain-types/index.js";

const settlementInterface = InferenceSettlement__factory.createInterface();
const EXTRA = {
  address: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
  blockHash: `0x${"ab".repeat(32)}`,
  transactionHash: `0x${"cd".repeat(32)}`,
};

function firstItems(count: number, seed = 1): SettledItem[] {
  const items: SettledItem[] = [];
  for (const batch of syntheticHistory({ seed, items: count, epochs: 5, itemsPerBatch: 10 }))
    items.push(...batch.items);
  return items;
}

describe("stats", function () {
  describe("ItemSettled encoding", function () {
    it("the hand-written decoder and encoder agree with ethers on the contract's ABI", function () {
      expect(ITEM_SETTLED_TOPIC).to.equal(settlementInterface.getEvent("ItemSettled")!.topicHash);
      for (const item of firstItems(200)) {
        const inputHash = `0x${"11".repeat(32)}`;
        const outputHash = `0x${"22".repeat(32)}`;
        const log = encodeItemSettled(item, { ...EXTRA, inputHash, outputHash });
        const reference = settlementInterface.encodeEventLog("ItemSettled", [
          item.requestId,
          item.client,
          item.provider,
          item.modelId,
          item.tier,
          item.price,
          inputHash,
          outputHash,
        ]);
        expect(log.topics).to.deep.equal(reference.topics);
        expect(log.data).to.equal(reference.data);
        const parsed = settlementInterface.parseLog(log)!;
        const { epoch: _epoch, ...withoutEpoch } = item;
        void _epoch;
        expect(decodeItemSettled(log)).to.deep.equal({
          ...withoutEpoch,
          client: String(parsed.args.client).toLowerCase(),
          provider: String(parsed.args.provider).toLowerCase(),
          price: parsed.args.price,
          tier: Number(parsed.args.tier),
        });
      }
    });

    it("a batch's logs: its items, then BatchSettled with their epoch, as ethers encodes them", function () {
      expect(BATCH_SETTLED_TOPIC).to.equal(settlementInterface.getEvent("BatchSettled")!.topicHash);
      const { items } = syntheticHistory({ seed: 1, items: 10, epochs: 1, itemsPerBatch: 10 }).next().value!;
      const logs = encodeBatchLogs(items, EXTRA);
      expect(logs).to.have.length(11);
      const batchLog = logs[10];
      const reference = settlementInterface.encodeEventLog("BatchSettled", [
        `0x${"00".repeat(20)}`,
        0,
        10n,
        0n,
        items[0].epoch,
      ]);
      expect(batchLog.topics).to.deep.equal(reference.topics);
      expect(batchLog.data).to.equal(reference.data);
      expect(decodeBatchEpoch(batchLog)).to.equal(items[0].epoch);
      expect(() => decodeBatchEpoch(logs[0])).to.throw(/not a BatchSettled/);
      expect(() => encodeBatchLogs([items[0], { ...items[1], epoch: items[0].epoch + 1 }], EXTRA)).to.throw(/share/);
      // The indexer stores items only with their batch's epoch.
      const store = new StatsStore(":memory:");
      const range = { blocks: [], lastBlock: items[0].blockNumber, pruneBelow: 0 };
      expect(() => ingestLogs(store, logs.slice(0, 10), range)).to.throw(/no BatchSettled/);
      expect(() =>
        ingestLogs(store, [...logs.slice(0, 10), { ...batchLog, transactionHash: `0x${"ef".repeat(32)}` }], range),
      ).to.throw(/no BatchSettled/);
      expect(store.itemCount()).to.equal(0);
      expect(ingestLogs(store, logs, range)).to.equal(10);
      expect(store.tierTotals().every((t) => t.epoch === items[0].epoch)).to.equal(true);
      store.close();
    });

    it("refuses another event, a malformed log, an unknown tier and a price above 2^63 - 1", function () {
      const [item] = firstItems(1);
      const log = encodeItemSettled(item, EXTRA);
      expect(() => decodeItemSettled({ ...log, topics: [`0x${"00".repeat(32)}`, ...log.topics.slice(1)] })).to.throw(
        /not an ItemSettled/,
      );
      expect(() => decodeItemSettled({ ...log, data: log.data.slice(0, -2) })).to.throw(/data characters/);
      expect(() => decodeItemSettled(encodeItemSettled({ ...item, tier: 3 as Tier }, EXTRA))).to.throw(/unknown tier/);
      expect(() => decodeItemSettled(encodeItemSettled({ ...item, price: MAX_INDEXED_PRICE + 1n }, EXTRA))).to.throw(
        /exceeds 2\^63 - 1/,
      );
    });
  });

  describe("StatsStore", function () {
    it("stores ranges atomically, totals per epoch and tier, and rolls back above a block", function () {
      const store = new StatsStore(":memory:");
      const items = firstItems(300);
      const cut = items.findIndex((it) => it.blockNumber === 20);
      store.applyRange({
        items: items.slice(0, cut),
        blocks: [{ number: 19, hash: "0x19" }],
        lastBlock: 19,
        pruneBelow: 0,
      });
      store.applyRange({
        items: items.slice(cut),
        blocks: [{ number: 30, hash: "0x30" }],
        lastBlock: 30,
        pruneBelow: 0,
      });
      expect(store.itemCount()).to.equal(300);
      const totalValue = store.tierTotals().reduce((s, t) => s + t.value, 0n);
      expect(totalValue).to.equal(items.reduce((s, it) => s + it.price, 0n));
      expect(store.modelTotals().reduce((s, t) => s + t.count, 0)).to.equal(300);

      // A failing range (a duplicate log) leaves nothing behind.
      expect(() =>
        store.applyRange({ items: [items[0]], blocks: [{ number: 31, hash: "0x31" }], lastBlock: 31, pruneBelow: 0 }),
      ).to.throw();
      expect(store.lastIndexedBlock()).to.equal(30);
      expect(store.recentBlocks().map((b) => b.number)).to.deep.equal([30, 19]);

      const { removedItems } = store.rollbackTo(19);
      expect(removedItems).to.equal(300 - cut);
      expect(store.itemCount()).to.equal(cut);
      expect(store.lastIndexedBlock()).to.equal(19);
      expect(store.recentBlocks().map((b) => b.number)).to.deep.equal([19]);
      store.close();
    });
  });

  describe("syntheticHistory", function () {
    it("is deterministic for a seed, has exactly the requested items, and a growing ZK+TEE share", function () {
      const a = [...syntheticHistory({ seed: 42, items: 20_000, epochs: 30 })];
      const b = [...syntheticHistory({ seed: 42, items: 20_000, epochs: 30 })];
      const c = [...syntheticHistory({ seed: 43, items: 20_000, epochs: 30 })];
      expect(a).to.deep.equal(b);
      expect(a).to.not.deep.equal(c);
      const items = a.flatMap((batch) => batch.items);
      expect(items).to.have.length(20_000);
      expect(new Set(items.map((it) => it.epoch)).size).to.equal(30);
      expect(items.every((it) => BigInt(it.requestId) < 1n << 248n)).to.equal(true);
      const store = new StatsStore(":memory:");
      store.applyRange({ items, blocks: [], lastBlock: a.at(-1)!.blockNumber, pruneBelow: 0 });
      const trend = shareTrend(epochMix(store.tierTotals()));
      expect(trend.growing).to.equal(true);
      expect(trend.lastQuarterShare).to.be.greaterThan(trend.firstQuarterShare + 0.15);
      store.close();
      expect(() => syntheticHistory({ seed: 1, items: 0 }).next()).to.throw(/items must be a positive integer/);
    });
  });

  describe("report and chart", function () {
    const store = new StatsStore(":memory:");
    const items = firstItems(2_000, 5);
    store.applyRange({ items, blocks: [], lastBlock: items.at(-1)!.blockNumber, pruneBelow: 0 });
    const mixes = epochMix(store.tierTotals());

    it("epochMix sums every item once and computes the ZK+TEE share", function () {
      expect(mixes).to.have.length(5);
      expect(mixes.reduce((s, m) => s + m.total, 0)).to.equal(2_000);
      for (const m of mixes) {
        const own = items.filter((it) => it.epoch === m.epoch);
        expect(m.total).to.equal(own.length);
        expect(m.strongShare).to.equal(own.filter((it) => it.tier !== Tier.SIGNED).length / own.length);
      }
    });

    it("formatStatsReport prints each epoch per tier and per model, and the trend", function () {
      const text = formatStatsReport(mixes, store.modelTotals(), { lastEpochs: 2 });
      for (const m of mixes) expect(text).to.match(new RegExp(`^${m.epoch}\\s+${m.count[0]}\\s+${m.count[1]}`, "m"));
      expect(text).to.include("Per epoch and model (last 2 epochs)");
      expect(text).to.match(/ZK\+TEE share over 5 epochs: .* (growing|not growing)\./);
    });

    it("tierMixSvg draws a bar segment per present tier and epoch, and svgToPng renders it", function () {
      const svg = tierMixSvg(mixes);
      const segments = mixes.reduce((s, m) => s + m.count.filter((n) => n > 0).length, 0);
      expect(svg.match(/fill="#(1b9e77|7570b3|d95f02)"/g)!.length).to.equal(segments + 3); // + 3 legend swatches
      const png = svgToPng(svg);
      expect(png.subarray(0, 8).toString("hex")).to.equal("89504e470d0a1a0a");
      expect(png.readUInt32BE(16)).to.equal(1000); // IHDR width
      expect(() => tierMixSvg([])).to.throw(/no epochs/);
    });
  });
});

describe("npm run stats (scripts/stats/stats.ts)", function () {
  this.timeout(120_000);

  it("fills a synthetic database, prints the per-epoch tables and the trend, and writes the SVG and PNG", async function () {
    const { spawnSync } = await import("node:child_process");
    const { existsSync, mkdtempSync, readFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const { REPO_ROOT } = await import("../../../../sdk/tooling/zk/circuitFiles.js");
    const dir = mkdtempSync(path.join(tmpdir(), "tierproof-stats-cli-"));
    try {
      const run = (...args: string[]) =>
        spawnSync(
          process.execPath,
          [path.join(REPO_ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/stats/stats.ts", ...args],
          { cwd: REPO_ROOT, encoding: "utf8" },
        );
      const db = path.join(dir, "s.sqlite");
      const result = run("--synthetic", "5000", "--epochs", "8", "--seed", "3", "--db", db, "--out", dir);
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stdout).to.include("synthetic history: 5000 items over 8 epochs (seed 3)");
      expect(result.stdout).to.include("Per epoch and tier");
      expect(result.stdout).to.include("Per epoch and model");
      expect(result.stdout).to.match(/ZK\+TEE share over 8 epochs: .* per epoch: growing\./);
      expect(readFileSync(path.join(dir, "tier-mix.svg"), "utf8")).to.match(/^<svg /);
      expect(existsSync(path.join(dir, "tier-mix.png"))).to.equal(true);

      // A database indexed from a node is never replaced by synthetic data.
      const store = new StatsStore(db);
      store.setMeta("address", "0x00000000000000000000000000000000000000aa");
      store.close();
      const refused = run("--synthetic", "10", "--db", db, "--out", dir);
      expect(refused.status).to.not.equal(0);
      expect(refused.stderr).to.include("choose another --db");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
