import { id } from "ethers";

import { Tier } from "../../lib/tiers.js";

/**
 * `ItemSettled(bytes32 indexed requestId, address indexed client, address indexed provider, bytes32 modelId,
 * uint8 tier, uint256 price, bytes32 inputHash, bytes32 outputHash)`: its signature and topic 0. The item's epoch is
 * its batch's, in the `BatchSettled` event that follows the batch's items in the same transaction.
 */
export const ITEM_SETTLED_SIGNATURE = "ItemSettled(bytes32,address,address,bytes32,uint8,uint256,bytes32,bytes32)";
/** keccak256 of `ITEM_SETTLED_SIGNATURE`: the event's topic 0. */
export const ITEM_SETTLED_TOPIC = id(ITEM_SETTLED_SIGNATURE);
/**
 * `BatchSettled(address indexed submitter, uint8 mode, uint256 settled, uint256 rejected, uint64 epoch)`: its
 * signature and topic 0. Emitted once per settlement transaction, after the batch's `ItemSettled` events.
 */
export const BATCH_SETTLED_SIGNATURE = "BatchSettled(address,uint8,uint256,uint256,uint64)";
/** keccak256 of `BATCH_SETTLED_SIGNATURE`: the event's topic 0. */
export const BATCH_SETTLED_TOPIC = id(BATCH_SETTLED_SIGNATURE);

/** A log as `eth_getLogs` returns it (hex quantities, as the JSON-RPC spec has them). */
export interface RpcLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  logIndex: string;
  removed?: boolean;
}

/** One settled item, as the indexer stores it. */
export interface SettledItem {
  blockNumber: number;
  logIndex: number;
  requestId: string;
  client: string;
  provider: string;
  modelId: string;
  tier: Tier;
  price: bigint;
  epoch: number;
}

/** Prices are stored as SQLite INTEGERs (64-bit signed); a larger price is refused with this error. */
export const MAX_INDEXED_PRICE = (1n << 63n) - 1n;

const WORD = 64; // hex characters per ABI word
const DATA_LENGTH = 2 + 5 * WORD; // "0x" + modelId, tier, price, inputHash, outputHash
const BATCH_DATA_LENGTH = 2 + 4 * WORD; // "0x" + mode, settled, rejected, epoch

/**
 * Decodes one `ItemSettled` log (all but the epoch, which `decodeBatchEpoch` reads from the batch's `BatchSettled`).
 * Hand-written over fixed offsets rather than through ethers' `Interface.parseLog` because the indexer decodes
 * millions of logs (bench/stats.md); `test/sdk/services/stats/stats.test.ts` holds it against ethers' encoding. Throws on a log of
 * another event or a malformed one.
 */
export function decodeItemSettled(log: RpcLog): Omit<SettledItem, "epoch"> {
  const { topics, data } = log;
  if (topics.length !== 4 || topics[0].toLowerCase() !== ITEM_SETTLED_TOPIC) {
    throw new Error(`log ${log.transactionHash}#${log.logIndex} is not an ItemSettled event`);
  }
  if (data.length !== DATA_LENGTH) {
    throw new Error(`ItemSettled log ${log.transactionHash}#${log.logIndex} has ${data.length} data characters`);
  }
  const word = (i: number) => data.slice(2 + i * WORD, 2 + (i + 1) * WORD);
  const tier = Number.parseInt(word(1), 16);
  if (!(tier in Tier)) throw new Error(`ItemSettled log ${log.transactionHash}#${log.logIndex}: unknown tier ${tier}`);
  const price = BigInt(`0x${word(2)}`);
  if (price > MAX_INDEXED_PRICE) {
    throw new RangeError(`ItemSettled log ${log.transactionHash}#${log.logIndex}: price ${price} exceeds 2^63 - 1`);
  }
  return {
    blockNumber: Number.parseInt(log.blockNumber, 16),
    logIndex: Number.parseInt(log.logIndex, 16),
    requestId: topics[1].toLowerCase(),
    client: `0x${topics[2].slice(26).toLowerCase()}`,
    provider: `0x${topics[3].slice(26).toLowerCase()}`,
    modelId: `0x${word(0).toLowerCase()}`,
    tier: tier as Tier,
    price,
  };
}

/** Decodes the epoch of one `BatchSettled` log; throws on a log of another event or a malformed one. */
export function decodeBatchEpoch(log: RpcLog): number {
  if (log.topics.length !== 2 || log.topics[0].toLowerCase() !== BATCH_SETTLED_TOPIC) {
    throw new Error(`log ${log.transactionHash}#${log.logIndex} is not a BatchSettled event`);
  }
  if (log.data.length !== BATCH_DATA_LENGTH) {
    throw new Error(`BatchSettled log ${log.transactionHash}#${log.logIndex} has ${log.data.length} data characters`);
  }
  const word = log.data.slice(2 + 3 * WORD);
  const epoch = Number.parseInt(word, 16);
  if (!Number.isSafeInteger(epoch)) throw new RangeError(`BatchSettled log: epoch 0x${word} is out of range`);
  return epoch;
}

const hexWord = (value: bigint | number) => value.toString(16).padStart(WORD, "0");

/**
 * Encodes an `ItemSettled` log as the contract emits it (input and output hashes zero unless given), for synthetic
 * histories (`sdk/services/stats/traffic.ts`) fed to the indexer's decode-and-store path. Hand-written for speed like
 * `decodeItemSettled`, and tested against ethers' `Interface.encodeEventLog`.
 */
export function encodeItemSettled(
  item: SettledItem,
  extra: { address: string; blockHash: string; transactionHash: string; inputHash?: string; outputHash?: string },
): RpcLog {
  const addressTopic = (address: string) => `0x${address.slice(2).toLowerCase().padStart(WORD, "0")}`;
  const bytes32 = (hex: string | undefined) => (hex ?? "0x").slice(2).padStart(WORD, "0");
  return {
    address: extra.address,
    topics: [ITEM_SETTLED_TOPIC, item.requestId, addressTopic(item.client), addressTopic(item.provider)],
    data: `0x${bytes32(item.modelId)}${hexWord(item.tier)}${hexWord(item.price)}${bytes32(extra.inputHash)}${bytes32(
      extra.outputHash,
    )}`,
    blockNumber: `0x${item.blockNumber.toString(16)}`,
    blockHash: extra.blockHash,
    transactionHash: extra.transactionHash,
    logIndex: `0x${item.logIndex.toString(16)}`,
    removed: false,
  };
}

/**
 * Encodes the logs of one settled batch as the contract emits them: an `ItemSettled` log per item (`encodeItemSettled`)
 * and then the `BatchSettled` log (`Atomic` mode, nothing rejected, the items' epoch, log index after the items'),
 * for synthetic histories. The items must share one block and one epoch.
 */
export function encodeBatchLogs(
  items: readonly SettledItem[],
  extra: { address: string; blockHash: string; transactionHash: string },
): RpcLog[] {
  if (items.length === 0) throw new Error("a batch has at least one item");
  const { blockNumber, epoch } = items[0];
  if (items.some((item) => item.blockNumber !== blockNumber || item.epoch !== epoch)) {
    throw new Error("the items of one batch share a block and an epoch");
  }
  const logIndex = Math.max(...items.map((item) => item.logIndex)) + 1;
  return [
    ...items.map((item) => encodeItemSettled(item, extra)),
    {
      address: extra.address,
      topics: [BATCH_SETTLED_TOPIC, `0x${"00".repeat(32)}`],
      data: `0x${hexWord(0)}${hexWord(items.length)}${hexWord(0)}${hexWord(epoch)}`,
      blockNumber: `0x${blockNumber.toString(16)}`,
      blockHash: extra.blockHash,
      transactionHash: extra.transactionHash,
      logIndex: `0x${logIndex.toString(16)}`,
      removed: false,
    },
  ];
}
