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
export { SimulatedEnclave, enclaveBinding, type EnclaveBindingContext } from "./tee/enclave.js";
export {
  TEST_VENDOR_ADDRESS,
  signTestAttestation,
  testVendor,
  testVendorDomain,
  type TestAttestation,
} from "./tee/testVendor.js";
