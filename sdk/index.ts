/** tierproof SDK: the public API. Scripts, the demo and tests import from the modules re-exported here. */
export { ALL_TIERS, Mode, Tier, parseTier, tierMask } from "./lib/tiers.js";
export {
  Payment,
  SNARK_SCALAR_FIELD,
  toBytes32,
  type Hex,
  type Order,
  type SettlementItem,
} from "./lib/settlement/item.js";
export {
  RECEIVE_WITH_AUTHORIZATION_TYPES,
  authorizeExactPayment,
  decodeExactAuthorization,
  encodeExactAuthorization,
  exactPaymentNonce,
  receiveAuthorizationDigest,
  signReceiveAuthorization,
  type AuthorizationWindow,
  type ReceiveAuthorization,
  type SignedReceiveAuthorization,
} from "./lib/settlement/payments.js";
export {
  EMPTY_ORDERS_HEAD,
  VOUCHER_TYPES,
  VoucherBatcher,
  VoucherSession,
  chainOrder,
  chainOrders,
  isVoucherSignedByClient,
  readVoucherState,
  signVoucher,
  voucherDigest,
  type Voucher,
  type VoucherState,
  type VoucherTerms,
} from "./lib/settlement/vouchers.js";
export { buildOrder, commitVector, type OrderRequest } from "./lib/settlement/order.js";
export {
  ORDER_TYPES,
  RESULT_TYPES,
  hashOrderStruct,
  orderDigest,
  readDomain,
  resultDigest,
  signOrder,
  signResult,
} from "./lib/settlement/typedData.js";
export { RequestIdAllocator } from "./lib/settlement/requestIds.js";
export { modelIdFor } from "./lib/settlement/modelIds.js";
export { KEY_CONSENT_TYPES, signKeyConsent } from "./lib/settlement/signerKeys.js";
export { fulfilOrder, type FulfilledRequest, type Inference } from "./lib/settlement/fulfil.js";
export {
  EnclaveProver,
  SignerProver,
  ZkProver,
  type InferenceOutcome,
  type ResultProver,
} from "./lib/settlement/provers.js";
export {
  describeError,
  estimateBatchGas,
  measureTierGas,
  submitBatch,
  type BatchResult,
  type ItemOutcome,
  type TierGas,
} from "./lib/settlement/submit.js";
export {
  SimulatedEnclave,
  enclaveBinding,
  type EnclaveBindingContext,
  type SimulatedEnclaveOptions,
  type TeeIdentity,
} from "./testing/tee/enclave.js";
export { HEARTBEAT_TYPES, teeRegistryDomain } from "./lib/tee/heartbeat.js";
export { TcbStatus } from "./lib/tee/tcbStatus.js";
export { P256_N, p256Coordinates, p256KeyFromLabel, type P256Key } from "./testing/tee/p256.js";
export {
  DEFAULT_PCK_CHAIN_SEED,
  DEFAULT_PLATFORM_TCB,
  createTestPckChain,
  dcapTcbId,
  testRootKey,
  type PckChain,
  type PckChainOptions,
  type PlatformTcb,
} from "./testing/tee/pckChain.js";
export {
  INTEL_QE_VENDOR_ID,
  TEE_TYPE,
  buildQuoteV4,
  createQuotingPlatform,
  sgxMeasurement,
  tdxMeasurement,
  testQeMrSigner,
  type QuoteLayout,
  type QuoteOptions,
  type QuotingPlatform,
  type SgxReportInput,
  type TdxReportInput,
} from "./testing/tee/quoteV4.js";
export {
  ATTESTER_STATEMENT_TYPES,
  TEST_ATTESTER_PRIVATE_KEY,
  nitroMeasurement,
  signAttesterStatement,
  signedAttesterDomain,
  testAttester,
  type AttesterStatement,
} from "./testing/tee/signedAttester.js";
export {
  TEST_VENDOR_ADDRESS,
  signTestAttestation,
  testVendor,
  testVendorDomain,
  type TestAttestation,
} from "./testing/tee/testVendor.js";
export { modelWeights, weightsCommitment, type ModelWeights, type WeightsWitness } from "./lib/zk/modelWeights.js";
export {
  fetchSignedBatch,
  heldSignedEarnings,
  signedBatchHash,
  signedBatchesFromLogs,
  signedResultLeaf,
  type SignedBatch,
  type SignedResultRecord,
} from "./lib/disputes/records.js";
export { challengeSignedResult, proveContradiction, type Contradiction } from "./lib/disputes/challenge.js";
export {
  ITEM_SETTLED_TOPIC,
  BATCH_SETTLED_TOPIC,
  decodeBatchEpoch,
  decodeItemSettled,
  encodeBatchLogs,
  encodeItemSettled,
  type RpcLog,
  type SettledItem,
} from "./services/stats/events.js";
export { StatsStore, type BlockRef, type IndexedRange, type TierTotal } from "./services/stats/store.js";
export {
  ReorgTooDeepError,
  SettlementIndexer,
  ingestLogs,
  type IndexerOptions,
  type JsonRpc,
  type SyncResult,
} from "./services/stats/indexer.js";
export {
  epochMix,
  formatStatsReport,
  shareTrend,
  type EpochMix,
  type ReportOptions,
  type ShareTrend,
} from "./services/stats/report.js";
export { TIER_COLOURS, svgToPng, tierMixSvg } from "./services/stats/chart.js";
export { seededRandom, syntheticHistory, type TrafficBatch, type TrafficOptions } from "./testing/stats/traffic.js";
export {
  ALL_SCHEMES,
  ESCROW_ORDER_SCHEME,
  EXACT_SCHEME,
  SCHEME_PAYMENTS,
  UPTO_SCHEME,
  X402_VERSION,
  caip2,
  chainIdOf,
  parseScheme,
  readOffer,
  readPayment,
  type ParsedPayment,
  type TierOffer,
  type TierproofPayload,
  type TierproofScheme,
} from "./lib/x402/payload.js";
export { connectTierproof, type TierproofChain } from "./lib/x402/chain.js";
export { MAX_GATEWAY_INPUT_MAGNITUDE, parseModelInput, servedModel, type ServedModel } from "./lib/x402/models.js";
export {
  SettlementQueue,
  DuplicateRequestError,
  type QueuedBatch,
  type QueuedItem,
  type QueuedStatus,
} from "./services/x402/queue.js";
export { BatchSettler, type BatchPolicy, type BatchReport } from "./services/x402/batcher.js";
export {
  PaymentRejection,
  TierproofFacilitatorScheme,
  facilitatorSchemes,
  toSettlementItem,
} from "./lib/x402/facilitatorScheme.js";
export { TierproofServerScheme, type ResultLookup } from "./lib/x402/serverScheme.js";
export { startFacilitator, type FacilitatorOptions, type RunningFacilitator } from "./services/x402/facilitator.js";
export {
  startGateway,
  type GatewayModel,
  type GatewayOptions,
  type InferenceResponse,
  type RunningGateway,
} from "./services/x402/gateway.js";
export {
  InferenceRefused,
  TierproofClientScheme,
  payForInference,
  requirementDomain,
  requirementTokenDomain,
  type InferRequest,
  type PaidInference,
  type VoucherSessions,
} from "./lib/x402/client.js";
export { checkResult, decodeZkProof, type ResultCheck, type ResultToCheck } from "./lib/x402/checkResult.js";
export { confirmSettlement, type SettlementStatus } from "./lib/x402/confirm.js";
export {
  GAS_SNAPSHOT_COMMAND,
  GAS_TOLERANCE,
  allowedDrift,
  compareGasSnapshots,
  formatGasComparison,
  parseGasSnapshot,
  type GasComparison,
  type GasPathComparison,
  type GasPathStatus,
  type GasPaths,
  type GasSnapshot,
  type GasTolerance,
} from "./tooling/gas/snapshot.js";
