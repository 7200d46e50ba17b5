/**
 * tierproof's long-running services, built on the library: the x402 gateway (a provider's HTTP endpoint), the
 * facilitator (verifies payments, queues results, settles batches) and its SQLite queue, and the statistics indexer
 * with its store, report and chart.
 */

// x402 gateway and facilitator.
export { startGateway, type GatewayModel, type GatewayOptions, type RunningGateway } from "./x402/gateway.js";
export { startFacilitator, type FacilitatorOptions, type RunningFacilitator } from "./x402/facilitator.js";
export { SettlementQueue, batchVouchers, type QueuedBatch } from "./x402/queue.js";
export { BatchSettler, type BatchPolicy, type BatchReport } from "./x402/batcher.js";
export { closeServer, listenLoopback } from "./x402/http.js";

// Statistics: settlement events into SQLite, per-epoch tier mix, chart.
export {
  BATCH_SETTLED_SIGNATURE,
  BATCH_SETTLED_TOPIC,
  ITEM_SETTLED_SIGNATURE,
  ITEM_SETTLED_TOPIC,
  MAX_INDEXED_PRICE,
  decodeBatchEpoch,
  decodeItemSettled,
  encodeBatchLogs,
  encodeItemSettled,
  type RpcLog,
  type SettledItem,
} from "./stats/events.js";
export { StatsStore, type BlockRef, type IndexedRange, type TierTotal } from "./stats/store.js";
export {
  ReorgTooDeepError,
  SettlementIndexer,
  ingestLogs,
  type IndexerOptions,
  type JsonRpc,
  type SyncResult,
} from "./stats/indexer.js";
export {
  epochMix,
  formatStatsReport,
  shareTrend,
  type EpochMix,
  type ReportOptions,
  type ShareTrend,
} from "./stats/report.js";
export { TIER_COLOURS, svgToPng, tierMixSvg } from "./stats/chart.js";
