import { expect } from "chai";

import { ITEM_SETTLED_TOPIC, encodeBatchLogs, type RpcLog } from "../../../../sdk/services/stats/events.js";
import { ReorgTooDeepError, SettlementIndexer, type JsonRpc } from "../../../../sdk/services/stats/indexer.js";
import { StatsStore } from "../../../../sdk/services/stats/store.js";
import { syntheticHistory } from "../../../../sdk/testing/stats/traffic.js";

const ADDRESS = "0x00000000000000000000000000000000000000aa";

/**
 * An in-memory chain behind the indexer's four JSON-RPC calls, to drive the cases a real node does not produce on
 * demand: a node that refuses wide `eth_getLogs` ranges, a re-org deeper than the stored hashes, and a re-org between
 * reading a block's hash and its logs.
 */
class FakeChain implements JsonRpc {
  /** Per block: its hash and its logs. Block 0 is genesis. */
  blocks: { hash: string; logs: RpcLog[] }[] = [{ hash: "0x" + "00".repeat(32), logs: [] }];
  getLogsCalls = 0;
  /** `eth_getLogs` fails for ranges wider than this. */
  maxRange = Number.MAX_SAFE_INTEGER;
  /** Called after each `eth_getLogs` answer is taken (to re-org the chain at the worst moment). */
  afterGetLogs?: () => void;

  /** Appends `count` blocks with `perBlock` synthetic items each; `fork` changes the hashes of this branch. */
  mine(count: number, perBlock: number, fork = 0, seed = 1): void {
    const first = this.blocks.length;
    const history = syntheticHistory({
      seed,
      items: count * perBlock,
      epochs: 1,
      itemsPerBatch: perBlock,
      firstBlock: first,
    });
    for (const batch of history) {
      const hash = `0x${fork.toString(16).padStart(8, "0")}${batch.blockNumber.toString(16).padStart(56, "0")}`;
      const logs = encodeBatchLogs(batch.items, { address: ADDRESS, blockHash: hash, transactionHash: hash });
      this.blocks.push({ hash, logs });
    }
  }

  /** Drops blocks above `blockNumber`. */
  rewind(blockNumber: number): void {
    this.blocks.length = blockNumber + 1;
  }

  itemsOnChain(): number {
    return this.blocks.reduce((s, b) => s + b.logs.filter((log) => log.topics[0] === ITEM_SETTLED_TOPIC).length, 0);
  }

  async send(method: string, params: unknown[]): Promise<unknown> {
    switch (method) {
      case "eth_chainId":
        return "0x7a69";
      case "eth_blockNumber":
        return `0x${(this.blocks.length - 1).toString(16)}`;
      case "eth_getBlockByNumber": {
        const block = this.blocks[Number(params[0])];
        return block === undefined ? null : { hash: block.hash };
      }
      case "eth_getLogs": {
        this.getLogsCalls++;
        const filter = params[0] as { fromBlock: string; toBlock: string };
        const from = Number(filter.fromBlock);
        const to = Number(filter.toBlock);
        if (to - from + 1 > this.maxRange) throw new Error("query returned more than 10000 results");
        const logs = this.blocks.slice(from, to + 1).flatMap((b) => b.logs);
        this.afterGetLogs?.();
        return logs;
      }
      default:
        throw new Error(`unexpected ${method}`);
    }
  }
}

describe("SettlementIndexer on a scripted chain", function () {
  it("splits eth_getLogs ranges the node refuses and still stores every item once", async function () {
    const chain = new FakeChain();
    chain.mine(40, 3);
    chain.maxRange = 4;
    const store = new StatsStore(":memory:");
    const result = await new SettlementIndexer(chain, store, { address: ADDRESS, chunkSize: 25 }).sync();
    expect(result.items).to.equal(120);
    expect(store.itemCount()).to.equal(120);
    expect(chain.getLogsCalls).to.be.greaterThan(10);
    store.close();
  });

  it("rolls back to the common ancestor of a re-org within reorgDepth", async function () {
    const chain = new FakeChain();
    chain.mine(30, 2);
    const store = new StatsStore(":memory:");
    const indexer = new SettlementIndexer(chain, store, { address: ADDRESS, reorgDepth: 6 });
    await indexer.sync();
    chain.rewind(26);
    chain.mine(6, 5, 1, 2); // blocks 27..32 on another branch
    const result = await indexer.sync();
    expect(result.reorg).to.deep.equal({ commonAncestor: 26, removedItems: 8 });
    expect(store.itemCount()).to.equal(chain.itemsOnChain());
    store.close();
  });

  it("refuses a re-org deeper than the stored hashes, leaving the database as it was", async function () {
    const chain = new FakeChain();
    chain.mine(30, 2);
    const store = new StatsStore(":memory:");
    const indexer = new SettlementIndexer(chain, store, { address: ADDRESS, reorgDepth: 3 });
    await indexer.sync();
    chain.rewind(20);
    chain.mine(15, 1, 1, 3);
    const error = await indexer.sync().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ReorgTooDeepError);
    expect((error as Error).message).to.match(/deeper than reorgDepth/);
    expect(store.itemCount()).to.equal(60);
    expect(store.lastIndexedBlock()).to.equal(30);
    store.close();
  });

  it("notices a re-org between reading block hashes and logs, stores nothing of that chunk, and recovers", async function () {
    const chain = new FakeChain();
    chain.mine(20, 2);
    const store = new StatsStore(":memory:");
    const indexer = new SettlementIndexer(chain, store, { address: ADDRESS, reorgDepth: 5 });
    await indexer.sync();
    chain.mine(4, 2, 0, 4);
    // The logs of blocks 21..24 are read; then, before their hashes are, the chain re-orgs from block 22.
    chain.afterGetLogs = () => {
      chain.afterGetLogs = undefined;
      chain.rewind(21);
      chain.mine(3, 7, 2, 5);
    };
    const error = await indexer.sync().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(error)).to.match(/block 22 changed while indexing/);
    expect(store.itemCount()).to.equal(40);
    expect(store.lastIndexedBlock()).to.equal(20);
    const result = await indexer.sync();
    expect(store.itemCount()).to.equal(chain.itemsOnChain());
    expect(result.toBlock).to.equal(chain.blocks.length - 1);
    store.close();
  });
});
