/**
 * tierproof's library: what a client or a provider imports to order, prove, pay for and settle inferences under the
 * ZK, TEE and SIGNED tiers, check a result, and dispute a wrong SIGNED one. It knows nothing of this repository:
 * contract addresses, keys and proving artifacts are parameters. Services (gateway, facilitator, indexer) live in
 * `sdk/services/`, build tooling in `sdk/tooling/`, fixtures and simulators in `sdk/testing/`.
 */

// Tiers and batch modes.
export { ALL_TIERS, Mode, Tier, parseTier, tierMask } from "./tiers.js";

// Orders and settlement items: what a client signs and a provider submits.
export {
  Payment,
  SNARK_SCALAR_FIELD,
  toBytes32,
  type Hex,
  type Order,
  type SettlementItem,
} from "./settlement/item.js";
export { buildOrder, commitVector, type OrderRequest } from "./settlement/order.js";
export { RequestIdAllocator } from "./settlement/requestIds.js";
export { modelIdFor } from "./settlement/modelIds.js";
export {
  ORDER_TYPES,
  RESULT_TYPES,
  hashOrderStruct,
  orderDigest,
  readDomain,
  resultDigest,
  signOrder,
  signResult,
  type Eip712DomainSource,
} from "./settlement/typedData.js";
export { KEY_CONSENT_TYPES, signKeyConsent } from "./settlement/signerKeys.js";

// Payments: EIP-3009 `exact` authorisations and cumulative vouchers.
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

// The provider's side: run the model, prove in the order's tier, submit batches.
export { fulfilOrder, type FulfilledRequest, type Inference } from "./settlement/fulfil.js";
export {
  EnclaveProver,
  SignerProver,
  ZkProver,
  type InferenceOutcome,
  type ResultProver,
  type ResultSigningEnclave,
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

// ZK: circuit instances, proving and verifying, commitments, reference inference bit-exact with the circuits.
export { inputLength, solidityName, type CircuitInstance, type SnarkArtifacts, type ZkCircuit } from "./zk/circuits.js";
export {
  encodeZkProof,
  proveInference,
  releaseProverThreads,
  toSolidityLayout,
  verifyInferenceProof,
  type Groth16Proof,
  type InferenceProof,
  type InferencePublicSignals,
} from "./zk/prove.js";
export {
  readVerificationKey,
  verifyingKeyHash,
  verifyingKeyWords,
  type VerificationKey,
  type VerificationKeySource,
} from "./zk/verifyingKey.js";
export { MAX_VECTOR_LENGTH, hashVector } from "./zk/poseidon.js";
export { fromField, toField } from "./zk/field.js";
export { modelWeights, weightsCommitment, type ModelWeights, type WeightsWitness } from "./zk/modelWeights.js";
export { argmax, hardSigmoid, relu, rescale } from "./models/fixedPoint.js";
export { MAX_INPUT_MAGNITUDE, inferLinear, linearModel, type LinearModel } from "./models/linear.js";
export { inferLogistic, logisticModel, type LogisticModel } from "./models/logistic.js";
export { inferMlp, mlpModel, type MlpModel, type MlpOutput } from "./models/mlp.js";
export { cnnFeatures, inferCnn, cnnModel, type CnnModel } from "./models/cnn.js";

// TEE: what an enclave binds in its attestation, heartbeats, TCB statuses.
export { enclaveBinding, type EnclaveBindingContext } from "./tee/enclaveBinding.js";
export { HEARTBEAT_TYPES, teeRegistryDomain } from "./tee/heartbeat.js";
export { TcbStatus } from "./tee/tcbStatus.js";

// Disputes: rebuild a SIGNED batch from events and challenge a wrong result with a ZK proof.
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

// x402: the schemes for client, resource server and facilitator, the wire formats, result checks.
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
  InferenceRefused,
  TierproofClientScheme,
  payForInference,
  requirementDomain,
  requirementTokenDomain,
  type InferRequest,
  type PaidInference,
  type VoucherSessions,
} from "./x402/client.js";
export type { InferenceResponse } from "./x402/inferenceResponse.js";
export { TierproofServerScheme, type ResultLookup } from "./x402/serverScheme.js";
export {
  PaymentRejection,
  TierproofFacilitatorScheme,
  facilitatorSchemes,
  toSettlementItem,
  type FacilitatorSchemeOptions,
} from "./x402/facilitatorScheme.js";
export {
  DuplicateRequestError,
  type FacilitatorQueue,
  type QueuedItem,
  type QueuedStatus,
} from "./x402/facilitatorQueue.js";
export { checkResult, decodeZkProof, type ResultCheck, type ResultToCheck } from "./x402/checkResult.js";
export { confirmSettlement, type SettlementStatus } from "./x402/confirm.js";

// Public test networks and their USDC.
export { ETHERSCAN_KEY_VARIABLE, TESTNETS, TESTNET_KEY_VARIABLE, testnet, type Testnet } from "./networks.js";
