/** tierproof SDK: the public API. Scripts, the demo and tests import from the modules re-exported here. */
export { ALL_TIERS, Mode, Tier, parseTier, tierMask } from "./tiers.js";
export {
  Payment,
  SNARK_SCALAR_FIELD,
  toBytes32,
  type Hex,
  type Order,
  type SettlementItem,
} from "./settlement/item.js";
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
} from "./settlement/payments.js";
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
} from "./settlement/vouchers.js";
export { buildOrder, commitVector, type OrderRequest } from "./settlement/order.js";
export {
  ORDER_TYPES,
  RESULT_TYPES,
  hashOrderStruct,
  orderDigest,
  readDomain,
  resultDigest,
  signOrder,
  signResult,
} from "./settlement/typedData.js";
export { RequestIdAllocator } from "./settlement/requestIds.js";
export { modelIdFor } from "./settlement/modelIds.js";
export { KEY_CONSENT_TYPES, signKeyConsent } from "./settlement/signerKeys.js";
export { fulfilOrder, type FulfilledRequest, type Inference } from "./settlement/fulfil.js";
export {
  EnclaveProver,
  SignerProver,
  ZkProver,
  type InferenceOutcome,
  type ResultProver,
} from "./settlement/provers.js";
export {
  describeError,
  estimateBatchGas,
  measureTierGas,
  submitBatch,
  type BatchResult,
  type ItemOutcome,
  type TierGas,
} from "./settlement/submit.js";
export {
  SimulatedEnclave,
  enclaveBinding,
  type EnclaveBindingContext,
  type SimulatedEnclaveOptions,
  type TeeIdentity,
} from "./tee/enclave.js";
export { HEARTBEAT_TYPES, teeRegistryDomain } from "./tee/heartbeat.js";
export { TcbStatus } from "./tee/tcbStatus.js";
export { P256_N, p256Coordinates, p256KeyFromLabel, type P256Key } from "./tee/p256.js";
export {
  DEFAULT_PCK_CHAIN_SEED,
  DEFAULT_PLATFORM_TCB,
  createTestPckChain,
  dcapTcbId,
  testRootKey,
  type PckChain,
  type PckChainOptions,
  type PlatformTcb,
} from "./tee/pckChain.js";
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
} from "./tee/quoteV4.js";
export {
  ATTESTER_STATEMENT_TYPES,
  TEST_ATTESTER_PRIVATE_KEY,
  nitroMeasurement,
  signAttesterStatement,
  signedAttesterDomain,
  testAttester,
  type AttesterStatement,
} from "./tee/signedAttester.js";
export {
  TEST_VENDOR_ADDRESS,
  signTestAttestation,
  testVendor,
  testVendorDomain,
  type TestAttestation,
} from "./tee/testVendor.js";
export { modelWeights, weightsCommitment, type ModelWeights, type WeightsWitness } from "./zk/modelWeights.js";
export {
  fetchSignedBatch,
  heldSignedEarnings,
  signedBatchHash,
  signedBatchesFromLogs,
  signedResultLeaf,
  type SignedBatch,
  type SignedResultRecord,
} from "./disputes/records.js";
export { challengeSignedResult, proveContradiction, type Contradiction } from "./disputes/challenge.js";
export {
  ITEM_SETTLED_TOPIC,
  BATCH_SETTLED_TOPIC,
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
export { seededRandom, syntheticHistory, type TrafficBatch, type TrafficOptions } from "./stats/traffic.js";
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
} from "./x402/payload.js";
export { connectTierproof, type TierproofChain } from "./x402/chain.js";
export { MAX_GATEWAY_INPUT_MAGNITUDE, parseModelInput, servedModel, type ServedModel } from "./x402/models.js";
export {
  SettlementQueue,
  DuplicateRequestError,
  type QueuedBatch,
  type QueuedItem,
  type QueuedStatus,
} from "./x402/queue.js";
export { BatchSettler, type BatchPolicy, type BatchReport } from "./x402/batcher.js";
export {
  PaymentRejection,
  TierproofFacilitatorScheme,
  facilitatorSchemes,
  toSettlementItem,
} from "./x402/facilitatorScheme.js";
export { TierproofServerScheme, type ResultLookup } from "./x402/serverScheme.js";
export { startFacilitator, type FacilitatorOptions, type RunningFacilitator } from "./x402/facilitator.js";
export {
  startGateway,
  type GatewayModel,
  type GatewayOptions,
  type InferenceResponse,
  type RunningGateway,
} from "./x402/gateway.js";
export {
  InferenceRefused,
  TierproofClientScheme,
  payForInference,
  requirementDomain,
  requirementTokenDomain,
  type InferRequest,
  type PaidInference,
  type VoucherSessions,
} from "./x402/client.js";
export { checkResult, decodeZkProof, type ResultCheck, type ResultToCheck } from "./x402/checkResult.js";
export { confirmSettlement, type SettlementStatus } from "./x402/confirm.js";
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
} from "./gas/snapshot.js";
