import { Tier } from "../tiers.js";

/** A 0x-prefixed hex string. */
export type Hex = `0x${string}`;

/** What a client signs: the on-chain EIP-712 `Order`. */
export interface Order {
  requestId: Hex;
  modelId: Hex;
  client: string;
  provider: string;
  tier: Tier;
  inputHash: Hex;
  price: bigint;
  deadline: bigint;
}

/**
 * How an item is paid (the on-chain `IInferenceSettlement.Payment`; the numbers are part of the ABI):
 * - `Escrow`: debited from the client's deposit; `clientSignature` is the client's EIP-712 signature over the order.
 * - `Exact` (x402 `exact`): pulled with an EIP-3009 `receiveWithAuthorization` whose nonce is the order's digest;
 *   `clientSignature` is `encodeExactAuthorization(...)`.
 * - `Voucher` (x402 `upto`, batched): debited from the deposit under the batch's voucher for (client, provider);
 *   `clientSignature` is empty.
 */
export enum Payment {
  Escrow = 0,
  Exact = 1,
  Voucher = 2,
}

/**
 * One entry of `InferenceSettlement.settle`: the order, its output, the tier's proof, how it is paid and the client's
 * authorisation in the form that payment takes.
 */
export interface SettlementItem extends Order {
  outputHash: Hex;
  proof: Hex;
  clientSignature: Hex;
  payment: Payment;
}

export { SNARK_SCALAR_FIELD } from "../zk/field.js";

/** A bigint below 2^256 as a 32-byte hex word. */
export function toBytes32(value: bigint): Hex {
  if (value < 0n || value >= 1n << 256n) throw new RangeError(`value ${value} does not fit in 32 bytes`);
  return `0x${value.toString(16).padStart(64, "0")}`;
}
