import type { TierproofChain } from "./chain.js";
import { describeError } from "../settlement/submit.js";

/** Where a paid request stands on chain. */
export interface SettlementStatus {
  settled: boolean;
  /** The settlement transaction that settled (or rejected) the request. */
  transaction?: string;
  blockNumber?: number;
  /** The price the provider was paid. */
  price?: bigint;
  /** Set when a batch rejected the request: the decoded custom error. */
  rejected?: string;
}

/**
 * Looks a request up on chain: `isRequestSettled`, and the `ItemSettled` (or `ItemRejected`) event that says in which
 * transaction. Only the chain is trusted: the facilitator's word is not needed.
 */
export async function confirmSettlement(
  chain: TierproofChain,
  client: string,
  requestId: string,
): Promise<SettlementStatus> {
  const { settlement } = chain;
  const settled = await settlement.isRequestSettled(client, requestId);
  if (settled) {
    const [event] = await settlement.queryFilter(settlement.filters.ItemSettled(requestId, client));
    return {
      settled,
      transaction: event?.transactionHash,
      blockNumber: event?.blockNumber,
      price: event?.args.price,
    };
  }
  const rejections = await settlement.queryFilter(settlement.filters.ItemRejected(undefined, requestId, client));
  const last = rejections.at(-1);
  if (last === undefined) return { settled };
  return {
    settled,
    transaction: last.transactionHash,
    blockNumber: last.blockNumber,
    rejected: describeError(settlement.interface, last.args.reason),
  };
}
