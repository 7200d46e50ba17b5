import type { ContractTransactionResponse, Signer } from "ethers";

import type { InferenceSettlement } from "../../../typechain-types/index.js";
import { describeError } from "../../lib/settlement/submit.js";
import { Mode } from "../../lib/tiers.js";
import type { QueuedItem } from "../../lib/x402/facilitatorQueue.js";
import { batchVouchers, type QueuedBatch, type SettlementQueue } from "./queue.js";

/** When the batch settler sends a batch. */
export interface BatchPolicy {
  /** Send as soon as this many results wait (and never more in one transaction). */
  batchSize: number;
  /** Send whatever waits once the oldest result has waited this long (ms). */
  maxWaitMs: number;
  /** How often to look at the queue (ms). */
  pollMs?: number;
}

/** What happened to one batch. */
export interface BatchReport {
  batchId: number;
  transaction: string | null;
  settled: number;
  rejected: number;
}

/**
 * Sends queued results to `InferenceSettlement.settle` (`settleWithVouchers` when vouchers pay some) in `Partial` mode (a bad item is skipped, with its reason, and
 * the rest settle), when a batch fills or the oldest result has waited long enough.
 *
 * Crash safety: before a batch is sent, its items are marked `batched` and the account nonce its transaction will
 * use is recorded; the transaction hash is recorded right after sending. On start, `recover` finishes every batch a
 * previous run left: a recorded transaction is awaited and its events read; a batch whose nonce the account never
 * used goes back to the queue; a batch whose nonce was used without a recorded hash is resolved item by item from
 * the contract's `isRequestSettled` (unsettled items go back to the queue; the contract's request-id bitmap refuses
 * a second settlement anyway).
 */
export class BatchSettler {
  readonly #reports: BatchReport[] = [];
  #timer: NodeJS.Timeout | undefined;
  #busy: Promise<void> | undefined;
  #stopped = false;

  constructor(
    readonly queue: SettlementQueue,
    readonly settlement: InferenceSettlement,
    readonly submitter: Signer,
    readonly policy: BatchPolicy,
  ) {
    if (!Number.isInteger(policy.batchSize) || policy.batchSize < 1) throw new RangeError("batchSize must be ≥ 1");
    if (!(policy.maxWaitMs >= 0)) throw new RangeError("maxWaitMs must be ≥ 0");
  }

  /** Batches settled by this settler so far. */
  get reports(): readonly BatchReport[] {
    return this.#reports;
  }

  /** Finishes what a previous run left, then polls the queue until `stop`. */
  async start(): Promise<void> {
    await this.recover();
    const poll = this.policy.pollMs ?? 100;
    this.#timer = setInterval(() => void this.tick().catch((error) => console.error("batch settler:", error)), poll);
  }

  /** Stops polling and waits for a batch in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#busy;
  }

  /** Sends one batch if the policy says so; resolves when it is mined (or at once). */
  async tick(now = Date.now()): Promise<void> {
    if (this.#busy !== undefined || this.#stopped) return;
    const { count, oldestMs } = this.queue.waiting();
    const due =
      count >= this.policy.batchSize || (count > 0 && oldestMs !== null && now - oldestMs >= this.policy.maxWaitMs);
    if (!due) return;
    await this.flush();
  }

  /** Sends every waiting result now, in batches of at most `batchSize`. */
  async flush(): Promise<void> {
    while (this.#busy !== undefined) await this.#busy;
    const run = (async () => {
      for (;;) {
        const opened = this.queue.openBatch(this.policy.batchSize);
        if (opened === undefined) return;
        await this.#send(opened.batch, opened.items);
      }
    })();
    this.#busy = run.finally(() => (this.#busy = undefined));
    await this.#busy;
  }

  async #send(batch: QueuedBatch, items: QueuedItem[]): Promise<void> {
    const nonce = await this.submitter.getNonce("pending");
    this.queue.reserveNonce(batch.id, nonce);
    let tx: ContractTransactionResponse;
    try {
      const settlement = this.settlement.connect(this.submitter);
      const batchItems = items.map((entry) => entry.item);
      const vouchers = batchVouchers(items);
      tx =
        vouchers.length === 0
          ? await settlement.settle(batchItems, Mode.Partial, { nonce })
          : await settlement.settleWithVouchers(batchItems, vouchers, Mode.Partial, { nonce });
    } catch (error) {
      // Refused before broadcast (e.g. the node rejected it): nothing was sent; try again later.
      this.queue.reopen(batch.id);
      throw error;
    }
    this.queue.markSent(batch.id, tx.hash);
    await this.#finish(batch.id, tx.hash, items);
  }

  async #finish(batchId: number, hash: string, items: QueuedItem[]): Promise<void> {
    const provider = this.submitter.provider;
    if (provider === null) throw new Error("the submitter must be connected to a provider");
    const receipt = await provider.waitForTransaction(hash);
    if (receipt === null) throw new Error(`settlement transaction ${hash} vanished`);
    const outcomes = items.map((entry) => ({
      id: entry.id,
      settled: receipt.status === 1,
      reason: undefined as string | undefined,
    }));
    if (receipt.status !== 1) {
      // A reverted Partial batch settles nothing (e.g. out of gas): every item goes back to the queue.
      this.queue.reopen(batchId);
      this.#reports.push({ batchId, transaction: hash, settled: 0, rejected: 0 });
      return;
    }
    for (const log of receipt.logs) {
      const parsed = this.settlement.interface.parseLog(log);
      if (parsed?.name !== "ItemRejected") continue;
      const outcome = outcomes[Number(parsed.args.index)];
      outcome.settled = false;
      outcome.reason = describeError(this.settlement.interface, parsed.args.reason);
    }
    this.queue.finishBatch(batchId, hash, outcomes);
    const settled = outcomes.filter((o) => o.settled).length;
    this.#reports.push({ batchId, transaction: hash, settled, rejected: outcomes.length - settled });
  }

  /** Resolves every batch a previous run left open or unconfirmed (see the class comment). */
  async recover(): Promise<void> {
    const provider = this.submitter.provider;
    if (provider === null) throw new Error("the submitter must be connected to a provider");
    const account = await this.submitter.getAddress();
    for (const { batch, items } of this.queue.unfinishedBatches()) {
      if (batch.transaction !== null) {
        await this.#finish(batch.id, batch.transaction, items);
        continue;
      }
      const used = batch.nonce !== null && (await provider.getTransactionCount(account, "pending")) > batch.nonce;
      if (!used) {
        this.queue.reopen(batch.id);
        continue;
      }
      // Sent, but the hash was not recorded: wait until that nonce is mined, then ask the contract per item.
      while ((await provider.getTransactionCount(account, "latest")) <= batch.nonce!) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const outcomes = await Promise.all(
        items.map(async (entry) => ({
          entry,
          settled: await this.settlement.isRequestSettled(entry.item.client, entry.item.requestId),
        })),
      );
      this.queue.finishBatch(
        batch.id,
        null,
        outcomes.filter((o) => o.settled).map((o) => ({ id: o.entry.id, settled: true })),
      );
      for (const { entry } of outcomes.filter((o) => !o.settled)) this.queue.requeue(entry.id);
    }
  }
}
