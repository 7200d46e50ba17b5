import type { SettlementItem } from "../settlement/item.js";
import type { Voucher } from "../settlement/vouchers.js";

/** Where a queued result is: waiting, in a batch being settled, or final. */
export type QueuedStatus = "queued" | "batched" | "settled" | "rejected";

/** One paid, verified result in the queue. */
export interface QueuedItem {
  id: number;
  item: SettlementItem;
  /** For an item paid by voucher: the voucher the client signed with its order (covering the chain up to it). */
  voucher: Voucher | null;
  status: QueuedStatus;
  batchId: number | null;
  /** For a rejected item: the decoded custom error. */
  reason: string | null;
  /** The settlement transaction, once the item's batch was sent. */
  transaction: string | null;
  enqueuedAt: number;
}

/** The same result (client and request id) is already in the queue. */
export class DuplicateRequestError extends Error {
  constructor(
    readonly client: string,
    readonly requestId: string,
  ) {
    super(`request ${requestId} of ${client} is already queued or settled`);
  }
}

/**
 * What the facilitator scheme needs of the queue of paid results: put a verified result in it, and read what is
 * already there (replays, funds reserved by queued results, a pair's pending voucher). The facilitator service's
 * SQLite queue (`sdk/services/x402/queue.ts`) implements it; another store (e.g. Postgres) can too.
 */
export interface FacilitatorQueue {
  /** Persists a paid, verified result; throws `DuplicateRequestError` when its client and request id are queued. */
  enqueue(item: SettlementItem, voucher?: Voucher): number;
  /** The queued result of `client`'s `requestId`, if any. */
  find(client: string, requestId: string): QueuedItem | undefined;
  /** What `client`'s unsettled queued results will take from its escrow deposit or its wallet. */
  reserved(client: string, from: "deposit" | "wallet"): bigint;
  /** The latest voucher of the pair's unsettled queued results, if any. */
  pendingVoucher(client: string, provider: string): Voucher | undefined;
}
