import {
  BATCH_SETTLED_TOPIC,
  ITEM_SETTLED_TOPIC,
  decodeBatchEpoch,
  decodeItemSettled,
  type RpcLog,
  type SettledItem,
} from "./events.js";
import type { BlockRef, StatsStore } from "./store.js";

/** The JSON-RPC calls the indexer makes; an ethers `JsonRpcProvider` (its `send`) or any EIP-1193 shim fits. */
export interface JsonRpc {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/** Where and how to index. */
export interface IndexerOptions {
  /** The InferenceSettlement contract. */
  address: string;
  /** The first block to read on a fresh database (the deployment block); default 0. */
  fromBlock?: number;
  /** How many recent blocks keep their hashes, i.e. the deepest re-org the indexer can undo; default 12. */
  reorgDepth?: number;
  /** Blocks per `eth_getLogs` call; default 2,000. */
  chunkSize?: number;
}

/** What one `sync` did. */
export interface SyncResult {
  fromBlock: number;
  toBlock: number;
  items: number;
  /** Set when a re-org was found: the last block both chains share, and how many stored items were dropped. */
  reorg?: { commonAncestor: number; removedItems: number };
}

/**
 * The indexer's decode-and-store step: decodes `ItemSettled` logs (skipping removed ones), each with the epoch of the
 * `BatchSettled` log that closes its batch (the next one, in the same transaction), checks that logs of the blocks in
 * `range.blocks` come from exactly those block hashes, and writes everything in one transaction. `logs` are in chain
 * order and end with a `BatchSettled`. Returns the number of items stored. `bench/stats.ts` feeds it synthetic logs.
 */
export function ingestLogs(
  store: StatsStore,
  logs: readonly RpcLog[],
  range: { blocks: readonly BlockRef[]; lastBlock: number; pruneBelow: number },
): number {
  const hashes = new Map(range.blocks.map((b) => [b.number, b.hash]));
  const items: SettledItem[] = [];
  let batch: Omit<SettledItem, "epoch">[] = []; // items waiting for their batch's BatchSettled
  let batchTransaction = "";
  for (const log of logs) {
    if (log.removed === true) continue;
    const blockNumber = Number.parseInt(log.blockNumber, 16);
    const expected = hashes.get(blockNumber);
    if (expected !== undefined && expected !== log.blockHash.toLowerCase()) {
      throw new Error(`block ${blockNumber} changed while indexing (a re-org); run sync again`);
    }
    if (batch.length !== 0 && log.transactionHash !== batchTransaction) {
      throw new Error(`ItemSettled logs of ${batchTransaction} have no BatchSettled`);
    }
    if (log.topics[0]?.toLowerCase() === BATCH_SETTLED_TOPIC) {
      const epoch = decodeBatchEpoch(log);
      for (const item of batch) items.push({ ...item, epoch });
      batch = [];
    } else {
      batch.push(decodeItemSettled(log));
      batchTransaction = log.transactionHash;
    }
  }
  if (batch.length !== 0) throw new Error(`ItemSettled logs of ${batchTransaction} have no BatchSettled`);
  store.applyRange({ items, ...range });
  return items.length;
}

/** The re-org is deeper than the stored block hashes reach; the database must be rebuilt from an older block. */
export class ReorgTooDeepError extends Error {}

const hexQuantity = (n: number) => `0x${n.toString(16)}`;

/**
 * Reads `ItemSettled` events of one settlement contract from a JSON-RPC node into a `StatsStore`.
 *
 * Resumable: each chunk of blocks is written in one transaction together with the new last block, so a restarted
 * indexer continues after the last committed chunk. Re-org safe up to `reorgDepth` blocks: the hashes of the last
 * `reorgDepth + 1` indexed blocks are stored; each `sync` first compares them, newest first, with the node's, rolls
 * the database back to the newest block that still matches, and re-reads from there. Logs of recent blocks are
 * checked against the block hashes read in the same step, so a re-org during a step is caught too.
 */
export class SettlementIndexer {
  readonly address: string;
  readonly fromBlock: number;
  readonly reorgDepth: number;
  readonly chunkSize: number;

  constructor(
    readonly rpc: JsonRpc,
    readonly store: StatsStore,
    options: IndexerOptions,
  ) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(options.address)) throw new Error(`not an address: ${options.address}`);
    this.address = options.address.toLowerCase();
    this.fromBlock = options.fromBlock ?? 0;
    this.reorgDepth = options.reorgDepth ?? 12;
    this.chunkSize = options.chunkSize ?? 2_000;
    for (const [name, value] of [
      ["fromBlock", this.fromBlock],
      ["reorgDepth", this.reorgDepth],
      ["chunkSize", this.chunkSize],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < (name === "chunkSize" ? 1 : 0)) {
        throw new RangeError(`${name} must be a non-negative integer (chunkSize at least 1), got ${value}`);
      }
    }
  }

  /**
   * Brings the database up to the node's head (or `toBlock`, if lower): undoes a re-org if one happened, then
   * reads the new blocks in chunks. Returns what it did; throws `ReorgTooDeepError` when no stored block matches.
   */
  async sync(toBlock?: number): Promise<SyncResult> {
    await this.checkDatabaseIsOurs();
    const reorg = await this.undoReorg();
    const head = Number(BigInt((await this.rpc.send("eth_blockNumber", [])) as string));
    const target = toBlock === undefined ? head : Math.min(toBlock, head);
    const last = this.store.lastIndexedBlock();
    const fromBlock = last === undefined ? this.fromBlock : last + 1;
    let items = 0;
    for (let from = fromBlock; from <= target; from += this.chunkSize) {
      const to = Math.min(from + this.chunkSize - 1, target);
      items += await this.indexChunk(from, to, head);
    }
    return { fromBlock, toBlock: Math.max(target, fromBlock - 1), items, reorg };
  }

  /** Refuses a database that indexes another chain or contract. */
  private async checkDatabaseIsOurs(): Promise<void> {
    const chainId = String(BigInt((await this.rpc.send("eth_chainId", [])) as string));
    for (const [key, value] of [
      ["chain_id", chainId],
      ["address", this.address],
    ] as const) {
      const stored = this.store.getMeta(key);
      if (stored === undefined) this.store.setMeta(key, value);
      else if (stored !== value) throw new Error(`the database indexes ${key} ${stored}, not ${value}`);
    }
  }

  /** Compares the stored recent block hashes with the node's and rolls back past any that changed. */
  private async undoReorg(): Promise<SyncResult["reorg"]> {
    const stored = this.store.recentBlocks();
    if (stored.length === 0) return undefined;
    for (const [i, block] of stored.entries()) {
      const current = await this.blockHash(block.number);
      if (current === block.hash) {
        if (i === 0) return undefined;
        const { removedItems } = this.store.rollbackTo(block.number);
        return { commonAncestor: block.number, removedItems };
      }
    }
    throw new ReorgTooDeepError(
      `none of the last ${stored.length} indexed blocks (down to ${stored.at(-1)!.number}) is on the node's chain: ` +
        "the re-org is deeper than reorgDepth; rebuild the database",
    );
  }

  /** `eth_getLogs` over [from, to]; when the node refuses the range (too many results), halves it and retries. */
  private async getLogs(from: number, to: number): Promise<RpcLog[]> {
    try {
      return (await this.rpc.send("eth_getLogs", [
        {
          address: this.address,
          fromBlock: hexQuantity(from),
          toBlock: hexQuantity(to),
          topics: [[ITEM_SETTLED_TOPIC, BATCH_SETTLED_TOPIC]],
        },
      ])) as RpcLog[];
    } catch (error) {
      if (from === to) throw error;
      const middle = Math.floor((from + to) / 2);
      return [...(await this.getLogs(from, middle)), ...(await this.getLogs(middle + 1, to))];
    }
  }

  /** Reads, checks and stores blocks [from, to]; returns the number of items stored. */
  private async indexChunk(from: number, to: number, head: number): Promise<number> {
    const logs = await this.getLogs(from, to);
    // Blocks within re-org depth of the head keep their hash; their logs must come from those very blocks.
    const recentFrom = Math.max(from, head - this.reorgDepth);
    const blocks: BlockRef[] = [];
    for (let n = recentFrom; n <= to; n++) blocks.push({ number: n, hash: await this.blockHash(n) });
    return ingestLogs(this.store, logs, { blocks, lastBlock: to, pruneBelow: to - this.reorgDepth });
  }

  private async blockHash(n: number): Promise<string> {
    const block = (await this.rpc.send("eth_getBlockByNumber", [hexQuantity(n), false])) as { hash: string } | null;
    if (block === null) return "missing";
    return block.hash.toLowerCase();
  }
}
