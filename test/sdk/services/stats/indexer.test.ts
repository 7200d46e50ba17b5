import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { JsonRpcProvider } from "ethers";
import { network } from "hardhat";

import { setUpScenario, type Scenario } from "../../../../sdk/testing/local/scenario.js";
import { SettlementIndexer } from "../../../../sdk/services/stats/indexer.js";
import { settleSeededTraffic } from "../../../../sdk/testing/stats/onchainTraffic.js";
import { epochMix } from "../../../../sdk/services/stats/report.js";
import { StatsStore } from "../../../../sdk/services/stats/store.js";
import { ALL_TIERS } from "../../../../sdk/lib/tiers.js";
import { releaseProverThreads } from "../../../../sdk/lib/zk/prove.js";
import { startHardhatNode, type HardhatNode } from "../../../../sdk/testing/local/hardhatNode.js";

/** The on-chain counters (`getTierStats`) and the database's per-epoch totals must be equal, tier by tier. */
async function expectCountersMatch(scenario: Scenario, store: StatsStore): Promise<number> {
  const mixes = epochMix(store.tierTotals());
  expect(mixes.length).to.be.greaterThan(0);
  const first = mixes[0].epoch;
  const last = mixes.at(-1)!.epoch;
  const onChain = await scenario.system.settlement.getTierStats(first, last);
  let checked = 0;
  for (let epoch = first; epoch <= last; epoch++) {
    const mix = mixes.find((m) => m.epoch === epoch);
    for (const tier of ALL_TIERS) {
      const stat = onChain[epoch - first][tier];
      expect(mix?.count[tier] ?? 0, `epoch ${epoch} tier ${tier} count`).to.equal(Number(stat.count));
      expect(mix?.value[tier] ?? 0n, `epoch ${epoch} tier ${tier} value`).to.equal(stat.value);
      checked += Number(stat.count);
    }
  }
  return checked;
}

describe("SettlementIndexer against a real hardhat node on 127.0.0.1", function () {
  this.timeout(300_000);
  let node: HardhatNode | undefined;
  let dir: string | undefined;

  after(async function () {
    await node?.stop();
    await releaseProverThreads();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it("indexes over JSON-RPC, resumes after a restart, undoes a re-org, and agrees with getTierStats", async function () {
    node = await startHardhatNode();
    dir = mkdtempSync(path.join(tmpdir(), "tierproof-stats-"));
    const dbPath = path.join(dir, "stats.sqlite");
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    const scenario = await setUpScenario(connection, { clientCount: 3 });
    const address = await scenario.system.settlement.getAddress();
    const traffic = await settleSeededTraffic(scenario, { seed: 7, epochs: 3, batchesPerEpoch: 2, itemsPerBatch: 6 });
    expect(traffic.rejected).to.equal(6);
    const rpc = new JsonRpcProvider(node.url, undefined, { staticNetwork: true });

    // First run stops half way, as if the indexer was killed; a new process resumes from the database.
    const middle = Math.floor((traffic.firstBlock + traffic.lastBlock) / 2);
    let store = new StatsStore(dbPath);
    const firstRun = await new SettlementIndexer(rpc, store, { address, reorgDepth: 5, chunkSize: 7 }).sync(middle);
    expect(firstRun.toBlock).to.equal(middle);
    expect(store.itemCount()).to.be.greaterThan(0).and.lessThan(traffic.settled);
    store.close();
    store = new StatsStore(dbPath);
    const resumed = await new SettlementIndexer(rpc, store, { address, reorgDepth: 5, chunkSize: 7 }).sync();
    expect(resumed.fromBlock).to.equal(middle + 1);
    expect(resumed.reorg).to.equal(undefined);
    expect(store.itemCount()).to.equal(traffic.settled);
    expect(await expectCountersMatch(scenario, store)).to.equal(traffic.settled);

    // A re-org of a few blocks: index a batch, drop it from the chain, settle different ones at the same heights.
    const indexer = new SettlementIndexer(rpc, store, { address, reorgDepth: 5, chunkSize: 7 });
    const snapshot = await rpc.send("evm_snapshot", []);
    const orphan = await settleSeededTraffic(scenario, {
      seed: 8,
      epochs: 1,
      batchesPerEpoch: 1,
      itemsPerBatch: 4,
      zkPerBatch: 0,
    });
    await indexer.sync();
    expect(store.itemCount()).to.equal(traffic.settled + orphan.settled);
    expect(await rpc.send("evm_revert", [snapshot])).to.equal(true);
    const replacement = await settleSeededTraffic(scenario, {
      seed: 9,
      epochs: 1,
      batchesPerEpoch: 2,
      itemsPerBatch: 3,
      zkPerBatch: 0,
    });
    const afterReorg = await indexer.sync();
    expect(afterReorg.reorg?.removedItems).to.equal(orphan.settled);
    expect(afterReorg.reorg?.commonAncestor).to.be.lessThan(orphan.firstBlock);
    expect(store.itemCount()).to.equal(traffic.settled + replacement.settled);
    expect(await expectCountersMatch(scenario, store)).to.equal(traffic.settled + replacement.settled);

    // A database of another contract is refused.
    const refused = await new SettlementIndexer(rpc, store, { address: await scenario.system.token.getAddress() })
      .sync()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(String(refused)).to.match(/the database indexes address 0x[0-9a-f]{40}, not 0x/);
    store.close();
    rpc.destroy();
  });
});
