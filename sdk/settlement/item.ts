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

/** One entry of `InferenceSettlement.settle`: the order, its output, the tier's proof and the client's signature. */
export interface SettlementItem extends Order {
  outputHash: Hex;
  proof: Hex;
  clientSignature: Hex;
}

export { SNARK_SCALAR_FIELD } from "../zk/field.js";

/** A bigint below 2^256 as a 32-byte hex word. */
export function toBytes32(value: bigint): Hex {
  if (value < 0n || value >= 1n << 256n) throw new RangeError(`value ${value} does not fit in 32 bytes`);
  return `0x${value.toString(16).padStart(64, "0")}`;
}
