import { DatabaseSync } from "node:sqlite";

import { Payment, type SettlementItem } from "../../lib/settlement/item.js";
import type { Voucher } from "../../lib/settlement/vouchers.js";
import type { Tier } from "../../lib/tiers.js";
import {
  DuplicateRequestError,
  type FacilitatorQueue,
  type QueuedItem,
  type QueuedStatus,
} from "../../lib/x402/facilitatorQueue.js";

/** A settlement batch: `open` until its transaction is recorded, `sent` until mined, then `mined`. */
export interface QueuedBatch {
  id: number;
  status: "open" | "sent" | "mined";
  /** The submitter's account nonce the batch transaction uses (recorded before sending). */
  nonce: number | null;
  transaction: string | null;
}

/**
 * The facilitator's persisted queue of paid results, in SQLite (Node's built-in `node:sqlite`, WAL journal with
 * synchronous=FULL, so a committed enqueue survives a crash or power loss). An item is enqueued before the gateway
 * answers the client, and leaves the queue only with its batch's on-chain outcome; a batch's account nonce and
 * transaction hash are recorded before it is sent, so a restarted facilitator can tell a sent batch from an unsent
 * one and never sends an item twice.
 */
export class SettlementQueue implements FacilitatorQueue {
  readonly #db: DatabaseSync;

  /** Opens (creating if needed) the queue at `path` (`:memory:` for a throwaway queue). */
  constructor(readonly path: string) {
    this.#db = new DatabaseSync(path);
    this.#db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = FULL;
      PRAGMA busy_timeout = 5000;
      CREATE TABLE IF NOT EXISTS batches (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        status TEXT NOT NULL CHECK (status IN ('open', 'sent', 'mined')),
        nonce INTEGER,
        tx TEXT,
        created_ms INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS items (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        client TEXT NOT NULL,
        request_id TEXT NOT NULL,
        provider TEXT NOT NULL,
        tier INTEGER NOT NULL,
        payment INTEGER NOT NULL,
        price TEXT NOT NULL,
        item_json TEXT NOT NULL,
        voucher_json TEXT,
        status TEXT NOT NULL CHECK (status IN ('queued', 'batched', 'settled', 'rejected')),
        batch_id INTEGER REFERENCES batches(id),
        reason TEXT,
        tx TEXT,
        enqueued_ms INTEGER NOT NULL,
        UNIQUE (client, request_id)
      );
      CREATE INDEX IF NOT EXISTS items_status ON items (status, id);
    `);
  }

  /**
   * Adds a verified result (with its voucher, for a `Voucher` item); throws `DuplicateRequestError` if its client
   * and request id are already present.
   */
  enqueue(item: SettlementItem, voucher?: Voucher, now = Date.now()): number {
    if ((item.payment === Payment.Voucher) !== (voucher !== undefined)) {
      throw new Error("an item paid by voucher needs its voucher, and only such an item");
    }
    const client = item.client.toLowerCase();
    const requestId = item.requestId.toLowerCase();
    try {
      const result = this.#db
        .prepare(
          `INSERT INTO items (client, request_id, provider, tier, payment, price, item_json, voucher_json, status, enqueued_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?)`,
        )
        .run(
          client,
          requestId,
          item.provider.toLowerCase(),
          item.tier,
          item.payment,
          item.price.toString(),
          serialize(item),
          voucher === undefined
            ? null
            : JSON.stringify({ ...voucher, cumulativeAmount: voucher.cumulativeAmount.toString() }),
          now,
        );
      return Number(result.lastInsertRowid);
    } catch (error) {
      if (error instanceof Error && /UNIQUE constraint failed/.test(error.message)) {
        throw new DuplicateRequestError(item.client, item.requestId);
      }
      throw error;
    }
  }

  /** The queue entry of a client's request, if any. */
  find(client: string, requestId: string): QueuedItem | undefined {
    const row = this.#db
      .prepare(`SELECT * FROM items WHERE client = ? AND request_id = ?`)
      .get(client.toLowerCase(), requestId.toLowerCase());
    return row === undefined ? undefined : toQueuedItem(row);
  }

  /**
   * What a client's results that are queued or being settled will take: from its deposit (`Escrow` and `Voucher`
   * items) or from its wallet (`Exact` items).
   */
  reserved(client: string, from: "deposit" | "wallet"): bigint {
    const payments = from === "deposit" ? [Payment.Escrow, Payment.Voucher] : [Payment.Exact];
    const rows = this.#db
      .prepare(
        `SELECT price FROM items WHERE client = ? AND status IN ('queued', 'batched') AND payment IN (${payments.join(", ")})`,
      )
      .all(client.toLowerCase());
    return rows.reduce((sum, row) => sum + BigInt(row.price as string), 0n);
  }

  /** The voucher of the pair's latest `Voucher` item not settled yet (the chain continues from it), if any. */
  pendingVoucher(client: string, provider: string): Voucher | undefined {
    const row = this.#db
      .prepare(
        `SELECT voucher_json FROM items WHERE client = ? AND provider = ? AND payment = ${Payment.Voucher}
         AND status IN ('queued', 'batched') ORDER BY id DESC LIMIT 1`,
      )
      .get(client.toLowerCase(), provider.toLowerCase());
    return row === undefined ? undefined : parseVoucher(row.voucher_json as string);
  }

  /** How many results wait for a batch, and when the oldest of them was enqueued. */
  waiting(): { count: number; oldestMs: number | null } {
    const row = this.#db
      .prepare(`SELECT COUNT(*) AS count, MIN(enqueued_ms) AS oldest FROM items WHERE status = 'queued'`)
      .get();
    return { count: Number(row?.count ?? 0), oldestMs: row?.oldest == null ? null : Number(row.oldest) };
  }

  /** Moves up to `max` waiting results, oldest first, into a new open batch (one transaction). */
  openBatch(max: number, now = Date.now()): { batch: QueuedBatch; items: QueuedItem[] } | undefined {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const rows = this.#db.prepare(`SELECT * FROM items WHERE status = 'queued' ORDER BY id LIMIT ?`).all(max);
      if (rows.length === 0) {
        this.#db.exec("COMMIT");
        return undefined;
      }
      const batchId = Number(
        this.#db.prepare(`INSERT INTO batches (status, created_ms) VALUES ('open', ?)`).run(now).lastInsertRowid,
      );
      const mark = this.#db.prepare(`UPDATE items SET status = 'batched', batch_id = ? WHERE id = ?`);
      for (const row of rows) mark.run(batchId, Number(row.id));
      this.#db.exec("COMMIT");
      return {
        batch: { id: batchId, status: "open", nonce: null, transaction: null },
        items: rows.map((row) => ({ ...toQueuedItem(row), status: "batched" as const, batchId })),
      };
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  /** Records the account nonce an open batch's transaction will use, before it is signed and sent. */
  reserveNonce(batchId: number, nonce: number): void {
    this.#db.prepare(`UPDATE batches SET nonce = ? WHERE id = ? AND status = 'open'`).run(nonce, batchId);
  }

  /** Records that a batch's transaction was sent. */
  markSent(batchId: number, transaction: string): void {
    this.#transaction(() => {
      this.#db.prepare(`UPDATE batches SET status = 'sent', tx = ? WHERE id = ?`).run(transaction, batchId);
      this.#db.prepare(`UPDATE items SET tx = ? WHERE batch_id = ?`).run(transaction, batchId);
    });
  }

  /** Records a mined batch: each item settled or rejected (with its reason). */
  finishBatch(
    batchId: number,
    transaction: string | null,
    outcomes: readonly { id: number; settled: boolean; reason?: string }[],
  ): void {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const mark = this.#db.prepare(`UPDATE items SET status = ?, reason = ?, tx = COALESCE(?, tx) WHERE id = ?`);
      for (const outcome of outcomes) {
        mark.run(outcome.settled ? "settled" : "rejected", outcome.reason ?? null, transaction, outcome.id);
      }
      this.#db
        .prepare(`UPDATE batches SET status = 'mined', tx = COALESCE(?, tx) WHERE id = ?`)
        .run(transaction, batchId);
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  /** Puts a batch's items back in the queue (its transaction was never sent) and drops the batch. */
  reopen(batchId: number): void {
    this.#transaction(() => {
      this.#db
        .prepare(`UPDATE items SET status = 'queued', batch_id = NULL, tx = NULL WHERE batch_id = ?`)
        .run(batchId);
      this.#db.prepare(`DELETE FROM batches WHERE id = ?`).run(batchId);
    });
  }

  /** Puts one batched item back in the queue (its batch did not settle it). */
  requeue(itemId: number): void {
    this.#db.prepare(`UPDATE items SET status = 'queued', batch_id = NULL, tx = NULL WHERE id = ?`).run(itemId);
  }

  /** Batches that were opened or sent but whose outcome is not recorded (after a crash). */
  unfinishedBatches(): { batch: QueuedBatch; items: QueuedItem[] }[] {
    const batches = this.#db.prepare(`SELECT * FROM batches WHERE status != 'mined' ORDER BY id`).all();
    return batches.map((row) => ({
      batch: {
        id: Number(row.id),
        status: row.status as QueuedBatch["status"],
        nonce: row.nonce == null ? null : Number(row.nonce),
        transaction: (row.tx as string | null) ?? null,
      },
      items: this.#db
        .prepare(`SELECT * FROM items WHERE batch_id = ? ORDER BY id`)
        .all(Number(row.id))
        .map(toQueuedItem),
    }));
  }

  /** Every entry, oldest first (for reports and tests). */
  all(): QueuedItem[] {
    return this.#db.prepare(`SELECT * FROM items ORDER BY id`).all().map(toQueuedItem);
  }

  /** Counts by status. */
  counts(): Record<QueuedStatus, number> {
    const counts: Record<QueuedStatus, number> = { queued: 0, batched: 0, settled: 0, rejected: 0 };
    for (const row of this.#db.prepare(`SELECT status, COUNT(*) AS n FROM items GROUP BY status`).all()) {
      counts[row.status as QueuedStatus] = Number(row.n);
    }
    return counts;
  }

  /** Runs `body` in one write transaction: all of it commits, or none. */
  #transaction(body: () => void): void {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      body();
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  /** Closes the database (idempotent). */
  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}

function serialize(item: SettlementItem): string {
  return JSON.stringify({ ...item, price: item.price.toString(), deadline: item.deadline.toString() });
}

function deserialize(json: string): SettlementItem {
  const parsed = JSON.parse(json) as Record<string, unknown>;
  return {
    ...(parsed as unknown as SettlementItem),
    tier: Number(parsed.tier) as Tier,
    payment: Number(parsed.payment) as Payment,
    price: BigInt(parsed.price as string),
    deadline: BigInt(parsed.deadline as string),
  };
}

function parseVoucher(json: string): Voucher {
  const parsed = JSON.parse(json) as Voucher & { cumulativeAmount: string };
  return { ...parsed, cumulativeAmount: BigInt(parsed.cumulativeAmount) };
}

/**
 * The vouchers a batch of items needs: for each (client, provider) with `Voucher` items, the voucher of its last
 * item in the batch (items of a pair are queued in chain order, so that voucher covers all of them).
 */
export function batchVouchers(items: readonly QueuedItem[]): Voucher[] {
  const last = new Map<string, Voucher>();
  for (const entry of items) {
    if (entry.voucher !== null) last.set(`${entry.item.client}:${entry.item.provider}`.toLowerCase(), entry.voucher);
  }
  return [...last.values()];
}

function toQueuedItem(row: Record<string, unknown>): QueuedItem {
  return {
    id: Number(row.id),
    item: deserialize(row.item_json as string),
    voucher: row.voucher_json == null ? null : parseVoucher(row.voucher_json as string),
    status: row.status as QueuedStatus,
    batchId: row.batch_id == null ? null : Number(row.batch_id),
    reason: (row.reason as string | null) ?? null,
    transaction: (row.tx as string | null) ?? null,
    enqueuedAt: Number(row.enqueued_ms),
  };
}
