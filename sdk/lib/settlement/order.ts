import { getAddress } from "ethers";

import { Tier } from "../tiers.js";
import { hashVector } from "../zk/poseidon.js";
import { toBytes32, type Hex, type Order } from "./item.js";

/** What a client decides when it asks for an inference. */
export interface OrderRequest {
  requestId: Hex;
  modelId: Hex;
  client: string;
  provider: string;
  tier: Tier;
  /** The fixed-point input; its Poseidon hash goes into the order. */
  input: readonly bigint[];
  price: bigint;
  deadline: bigint;
}

/** The Poseidon commitment to a fixed-point vector, as a bytes32 word (the same in every tier and in the circuit). */
export function commitVector(values: readonly bigint[]): Hex {
  return toBytes32(hashVector(values));
}

/** Builds the order a client signs, checking every field at the boundary. */
export function buildOrder(request: OrderRequest): Order {
  if (!(request.tier in Tier)) throw new Error(`unknown tier ${request.tier}`);
  if (request.price < 0n) throw new RangeError(`price must not be negative, got ${request.price}`);
  if (request.deadline < 0n || request.deadline >= 1n << 64n) {
    throw new RangeError(`deadline must fit in uint64, got ${request.deadline}`);
  }
  if (request.input.length === 0) throw new Error("input must not be empty");
  return {
    requestId: request.requestId,
    modelId: request.modelId,
    client: getAddress(request.client),
    provider: getAddress(request.provider),
    tier: request.tier,
    inputHash: commitVector(request.input),
    price: request.price,
    deadline: request.deadline,
  };
}
