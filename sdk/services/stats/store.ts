import { DatabaseSync, type StatementSync } from "node:sqlite";

import { Tier } from "../../lib/tiers.js";
import type { SettledItem } from "./events.js";

/** A block the indexer has seen, kept for the last few blocks to detect re-orgs. */
export interface BlockRef {
  number: number;
  hash: string;
}

/** Count and value of one tier in one epoch (optionally of one model). */
export interface TierTotal {
  epoch: number;
  tier: Tier;
  modelId?: string;
  count: number;
  value: bigint;
}

/** What one indexing step writes, all in one transaction. */
export interface IndexedRange {
  items: readonly SettledItem[];
  /** Hashes of blocks in the range that are still within re-org depth of the head. */
  blocks: readonly BlockRef[];
  /** The last block the range covers: indexing resumes after it. */
  lastBlock: number;
  /** Block hashes below this number are dropped (they are beyond re-org depth). */
  pruneBelow: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS models (id INTEGER PRIMARY KEY, model_id TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS accounts (id INTEGER PRIMARY KEY, address TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS items (
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  request_id BLOB NOT NULL,
  client INTEGER NOT NULL REFERENCES accounts(id),
  provider INTEGER NOT NULL REFERENCES accounts(id),
  model INTEGER NOT NULL REFERENCES models(id),
  tier INTEGER NOT NULL,
  price INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  PRIMARY KEY (block_number, log_index)
) WITHOUT ROWID;
`;

/**
 * The indexer's SQLite database (Node's built-in `node:sqlite`): settled items keyed by (block, log index), model
 * ids and addresses interned into small integer ids, the hashes of the last blocks for re-org detection, and the
 * last indexed block. Every indexing step is one transaction, so a crash never leaves a half-written range and
 * indexing resumes after the last committed block.
 */
export class StatsStore {
  readonly db: DatabaseSync;
  private readonly modelIds = new Map<string, number>();
  private readonly accountIds = new Map<string, number>();
  private readonly insertItem: StatementSync;
  private readonly insertModel: StatementSync;
  private readonly insertAccount: StatementSync;
  private readonly upsertBlock: StatementSync;
  private readonly setMetaStmt: StatementSync;

  /** Opens (or creates) the database at `path` (`:memory:` for a throwaway one). */
  constructor(path: string) {
    if (path.length === 0) throw new Error("StatsStore needs a database path (or ':memory:')");
    this.db = new DatabaseSync(path);
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF;");
    this.db.exec(SCHEMA);
    this.reloadInterned();
    this.insertItem = this.db.prepare(
      "INSERT INTO items (block_number, log_index, request_id, client, provider, model, tier, price, epoch) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.insertModel = this.db.prepare("INSERT INTO models (id, model_id) VALUES (?, ?)");
    this.insertAccount = this.db.prepare("INSERT INTO accounts (id, address) VALUES (?, ?)");
    this.upsertBlock = this.db.prepare("INSERT OR REPLACE INTO blocks (number, hash) VALUES (?, ?)");
    this.setMetaStmt = this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
  }

  /** Closes the database. */
  close(): void {
    this.db.close();
  }

  /** A metadata value (e.g. the chain id and contract the database indexes). */
  getMeta(key: string): string | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key);
    return row === undefined ? undefined : String(row.value);
  }

  /** Sets a metadata value. */
  setMeta(key: string, value: string): void {
    this.setMetaStmt.run(key, value);
  }

  /** The last block whose logs are stored, or undefined before the first step. */
  lastIndexedBlock(): number | undefined {
    const value = this.getMeta("last_block");
    return value === undefined ? undefined : Number(value);
  }

  /** The stored block hashes, newest first. */
  recentBlocks(): BlockRef[] {
    return this.db
      .prepare("SELECT number, hash FROM blocks ORDER BY number DESC")
      .all()
      .map((row) => ({ number: Number(row.number), hash: String(row.hash) }));
  }

  /** Writes one indexing step atomically: its items, its recent block hashes and the new last block. */
  applyRange(range: IndexedRange): void {
    this.transaction(() => {
      for (const item of range.items) {
        this.insertItem.run(
          item.blockNumber,
          item.logIndex,
          Buffer.from(item.requestId.slice(2), "hex"),
          this.accountId(item.client),
          this.accountId(item.provider),
          this.modelId(item.modelId),
          item.tier,
          item.price,
          item.epoch,
        );
      }
      for (const block of range.blocks) this.upsertBlock.run(block.number, block.hash);
      this.db.prepare("DELETE FROM blocks WHERE number < ?").run(range.pruneBelow);
      this.setMetaStmt.run("last_block", String(range.lastBlock));
    });
  }

  /** Forgets everything above `blockNumber` (a re-org replaced those blocks). */
  rollbackTo(blockNumber: number): { removedItems: number } {
    let removedItems = 0;
    this.transaction(() => {
      removedItems = Number(this.db.prepare("DELETE FROM items WHERE block_number > ?").run(blockNumber).changes);
      this.db.prepare("DELETE FROM blocks WHERE number > ?").run(blockNumber);
      this.setMetaStmt.run("last_block", String(blockNumber));
    });
    return { removedItems };
  }

  /** How many items are stored. */
  itemCount(): number {
    return Number(this.db.prepare("SELECT count(*) AS n FROM items").get()!.n);
  }

  /** Count and value per (epoch, tier), ascending. */
  tierTotals(): TierTotal[] {
    const stmt = this.db.prepare(
      "SELECT epoch, tier, count(*) AS n, sum(price) AS v FROM items GROUP BY epoch, tier ORDER BY epoch, tier",
    );
    stmt.setReadBigInts(true);
    return stmt.all().map((row) => ({
      epoch: Number(row.epoch),
      tier: Number(row.tier) as Tier,
      count: Number(row.n),
      value: BigInt(row.v as bigint),
    }));
  }

  /** Count and value per (epoch, model, tier), ascending. */
  modelTotals(): TierTotal[] {
    const stmt = this.db.prepare(
      "SELECT i.epoch AS epoch, m.model_id AS model_id, i.tier AS tier, count(*) AS n, sum(i.price) AS v " +
        "FROM items i JOIN models m ON m.id = i.model GROUP BY i.epoch, i.model, i.tier ORDER BY i.epoch, m.model_id, i.tier",
    );
    stmt.setReadBigInts(true);
    return stmt.all().map((row) => ({
      epoch: Number(row.epoch),
      modelId: String(row.model_id),
      tier: Number(row.tier) as Tier,
      count: Number(row.n),
      value: BigInt(row.v as bigint),
    }));
  }

  private transaction(body: () => void): void {
    this.db.exec("BEGIN");
    try {
      body();
      this.db.exec("COMMIT");
    } catch (error) {
      this.db.exec("ROLLBACK");
      // The interned ids written in the failed transaction are gone: reload them.
      this.reloadInterned();
      throw error;
    }
  }

  private reloadInterned(): void {
    this.modelIds.clear();
    this.accountIds.clear();
    for (const row of this.db.prepare("SELECT id, model_id FROM models").all()) {
      this.modelIds.set(String(row.model_id), Number(row.id));
    }
    for (const row of this.db.prepare("SELECT id, address FROM accounts").all()) {
      this.accountIds.set(String(row.address), Number(row.id));
    }
  }

  private modelId(modelId: string): number {
    let id = this.modelIds.get(modelId);
    if (id === undefined) {
      id = this.modelIds.size + 1;
      this.insertModel.run(id, modelId);
      this.modelIds.set(modelId, id);
    }
    return id;
  }

  private accountId(address: string): number {
    let id = this.accountIds.get(address);
    if (id === undefined) {
      id = this.accountIds.size + 1;
      this.insertAccount.run(id, address);
      this.accountIds.set(address, id);
    }
    return id;
  }
}
