import { AbiCoder, concat, keccak256, type Interface, type Log } from "ethers";

import type { InferenceSettlement } from "../../../typechain-types/index.js";
import type { Hex } from "../settlement/item.js";
import { Tier } from "../tiers.js";

/** One settled SIGNED result as a dispute presents it: mirrors `SignedResults.Record` (contracts/libraries). */
export interface SignedResultRecord {
  requestId: Hex;
  modelId: Hex;
  client: string;
  provider: string;
  inputHash: Hex;
  outputHash: Hex;
  price: bigint;
}

/** A committed batch of SIGNED results, rebuilt from the settlement transaction's events. */
export interface SignedBatch {
  /** The batch's id: its results hash, as a number (`uint256(resultsHash)` on chain). */
  batchId: bigint;
  resultsHash: Hex;
  releaseAt: bigint;
  records: SignedResultRecord[];
  transactionHash: string;
  blockNumber: number;
}

const RECORD_TYPES = ["bytes32", "bytes32", "address", "address", "bytes32", "bytes32", "uint256"];

/** `SignedResults.leaf`: keccak256 of the ABI-encoded record fields. */
export function signedResultLeaf(record: SignedResultRecord): Hex {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(RECORD_TYPES, [
      record.requestId,
      record.modelId,
      record.client,
      record.provider,
      record.inputHash,
      record.outputHash,
      record.price,
    ]),
  ) as Hex;
}

/** `SignedResults.batchHash`: keccak256 of the records' leaves, packed in order. */
export function signedBatchHash(records: readonly SignedResultRecord[]): Hex {
  if (records.length === 0) throw new Error("a SIGNED batch has at least one record");
  return keccak256(concat(records.map(signedResultLeaf))) as Hex;
}

/**
 * Rebuilds the SIGNED batches committed in `logs` (one transaction's receipt logs, or any logs sorted by block and
 * log index): each `SignedBatchCommitted` closes the batch of the SIGNED `ItemSettled` events since the previous one
 * in the same transaction. Checks every rebuilt batch against its committed hash.
 */
export function signedBatchesFromLogs(settlementInterface: Interface, logs: readonly Log[]): SignedBatch[] {
  const batches: SignedBatch[] = [];
  let pending: SignedResultRecord[] = [];
  let pendingTx: string | undefined;
  for (const log of logs) {
    if (log.transactionHash !== pendingTx) {
      pending = [];
      pendingTx = log.transactionHash;
    }
    const parsed = settlementInterface.parseLog(log);
    if (parsed === null) continue;
    if (parsed.name === "ItemSettled" && Number(parsed.args.tier) === Tier.SIGNED) {
      pending.push({
        requestId: parsed.args.requestId,
        modelId: parsed.args.modelId,
        client: parsed.args.client,
        provider: parsed.args.provider,
        inputHash: parsed.args.inputHash,
        outputHash: parsed.args.outputHash,
        price: parsed.args.price,
      });
    } else if (parsed.name === "SignedBatchCommitted") {
      const batch: SignedBatch = {
        batchId: parsed.args.batchId,
        resultsHash: parsed.args.resultsHash,
        releaseAt: parsed.args.releaseAt,
        records: pending,
        transactionHash: log.transactionHash,
        blockNumber: log.blockNumber,
      };
      if (
        BigInt(pending.length) !== parsed.args.results ||
        signedBatchHash(pending) !== batch.resultsHash ||
        BigInt(batch.resultsHash) !== batch.batchId
      ) {
        throw new Error(`batch ${batch.batchId}: the SIGNED items of ${log.transactionHash} do not match its hash`);
      }
      batches.push(batch);
      pending = [];
    }
  }
  return batches;
}

/** Finds SIGNED batch `batchId` on chain: its commit event, then the records from the same transaction. */
export async function fetchSignedBatch(settlement: InferenceSettlement, batchId: bigint): Promise<SignedBatch> {
  if (batchId <= 0n || batchId >= 1n << 256n)
    throw new RangeError(`a batch id is a nonzero 256-bit hash, got ${batchId}`);
  const events = await settlement.queryFilter(settlement.filters.SignedBatchCommitted(batchId));
  if (events.length !== 1) throw new Error(`batch ${batchId}: expected one commit event, found ${events.length}`);
  const receipt = await events[0].getTransactionReceipt();
  const settlementAddress = (await settlement.getAddress()).toLowerCase();
  const logs = receipt.logs.filter((log) => log.address.toLowerCase() === settlementAddress);
  const batch = signedBatchesFromLogs(settlement.interface, logs).find((b) => b.batchId === batchId);
  if (batch === undefined) throw new Error(`batch ${batchId} not found in ${receipt.hash}`);
  return batch;
}

/**
 * What `provider` has held for the challenge window over every committed SIGNED batch: the sum of its
 * `heldEarnings(batchId, provider)` over the batch ids of the settlement's `SignedBatchCommitted` events.
 */
export async function heldSignedEarnings(settlement: InferenceSettlement, provider: string): Promise<bigint> {
  const events = await settlement.queryFilter(settlement.filters.SignedBatchCommitted());
  let held = 0n;
  for (const event of events) held += (await settlement.heldEarnings(event.args.batchId, provider)).amount;
  return held;
}
