import type { Network, PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { getAddress, isHexString } from "ethers";

import type { Hex, Order } from "../settlement/item.js";
import { Tier, parseTier } from "../tiers.js";

/**
 * The x402 scheme of today's escrow path: the client keeps a deposit in the settlement contract and pays one
 * inference by signing its EIP-712 `Order`; the facilitator settles the order with the result and its proof, so the
 * deposit moves only for a verified result.
 */
export const ESCROW_ORDER_SCHEME = "tierproof-escrow";

/** The x402 protocol version this package speaks (v2 headers PAYMENT-REQUIRED, PAYMENT-SIGNATURE, PAYMENT-RESPONSE). */
export const X402_VERSION = 2;

/** The CAIP-2 id of an EVM chain: `eip155:<chainId>` (the hardhat chain is `eip155:31337`). */
export function caip2(chainId: bigint | number): Network {
  return `eip155:${BigInt(chainId)}`;
}

/** The chain id of a CAIP-2 `eip155:` network; throws for any other namespace. */
export function chainIdOf(network: string): bigint {
  const match = /^eip155:([0-9]{1,20})$/.exec(network);
  if (match === null) throw new Error(`network "${network}" is not a CAIP-2 eip155 chain id`);
  return BigInt(match[1]);
}

/** What a requirement's `extra` says about the offer: the tier paid for and what the order must name. */
export interface TierOffer {
  tier: Tier;
  modelId: Hex;
  provider: string;
  /** The circuit instance of the model (ZK tier: the client checks the proof against its verifying key). */
  circuit: string;
  /** EIP-712 domain name and version of the settlement contract (chain id = network, verifying contract = payTo). */
  eip712: { name: string; version: string };
}

/** The `extra` object of a requirement for `offer`, JSON-safe. */
export function offerExtra(offer: TierOffer): Record<string, unknown> {
  return {
    tier: Tier[offer.tier],
    modelId: offer.modelId,
    provider: offer.provider,
    circuit: offer.circuit,
    eip712: { ...offer.eip712 },
  };
}

/** Reads the tier offer from a requirement's `extra`; throws on a missing or malformed field. */
export function readOffer(requirements: Pick<PaymentRequirements, "extra">): TierOffer {
  const extra = requirements.extra ?? {};
  const tierName = extra.tier;
  if (typeof tierName !== "string") throw new Error("requirement extra.tier is missing");
  const modelId = extra.modelId;
  if (typeof modelId !== "string" || !isHexString(modelId, 32))
    throw new Error("requirement extra.modelId is not bytes32");
  const provider = extra.provider;
  if (typeof provider !== "string") throw new Error("requirement extra.provider is missing");
  const circuit = extra.circuit;
  if (typeof circuit !== "string") throw new Error("requirement extra.circuit is missing");
  const eip712 = extra.eip712 as { name?: unknown; version?: unknown } | undefined;
  if (typeof eip712?.name !== "string" || typeof eip712.version !== "string") {
    throw new Error("requirement extra.eip712 {name, version} is missing");
  }
  return {
    tier: parseTier(tierName),
    modelId: modelId as Hex,
    provider: getAddress(provider),
    circuit,
    eip712: { name: eip712.name, version: eip712.version },
  };
}

/** An order on the wire (JSON): integers as decimal strings. */
export interface WireOrder {
  requestId: Hex;
  modelId: Hex;
  client: string;
  provider: string;
  tier: number;
  inputHash: Hex;
  price: string;
  deadline: string;
}

/** The result the gateway attaches when it asks the facilitator to settle: what the settlement item needs. */
export interface WireResult {
  outputHash: Hex;
  proof: Hex;
}

/** The `payload` of a `tierproof-escrow` payment: the order and the client's EIP-712 signature of it. */
export interface EscrowOrderPayload {
  order: WireOrder;
  signature: Hex;
  /** Added by the gateway at settlement (x402 `enrichSettlementPayload`), never by the client. */
  result?: WireResult;
}

/** An order as JSON. */
export function orderToWire(order: Order): WireOrder {
  return { ...order, tier: order.tier, price: order.price.toString(), deadline: order.deadline.toString() };
}

function bytes32(value: unknown, what: string): Hex {
  if (typeof value !== "string" || !isHexString(value, 32)) throw new Error(`${what} must be 32 bytes of hex`);
  return value.toLowerCase() as Hex;
}

function uint(value: unknown, what: string): bigint {
  if (typeof value !== "string" || !/^[0-9]{1,78}$/.test(value)) throw new Error(`${what} must be a decimal string`);
  return BigInt(value);
}

function address(value: unknown, what: string): string {
  try {
    return getAddress(value as string);
  } catch {
    throw new Error(`${what} is not an address`);
  }
}

/** Parses and checks an order from JSON; throws with the name of the bad field. */
export function orderFromWire(value: unknown): Order {
  if (typeof value !== "object" || value === null) throw new Error("payload.order must be an object");
  const wire = value as Record<string, unknown>;
  const tier = wire.tier;
  if (typeof tier !== "number" || !(tier in Tier)) throw new Error("order.tier must be 0 (ZK), 1 (TEE) or 2 (SIGNED)");
  const deadline = uint(wire.deadline, "order.deadline");
  if (deadline >= 1n << 64n) throw new Error("order.deadline must fit in uint64");
  return {
    requestId: bytes32(wire.requestId, "order.requestId"),
    modelId: bytes32(wire.modelId, "order.modelId"),
    client: address(wire.client, "order.client"),
    provider: address(wire.provider, "order.provider"),
    tier: tier as Tier,
    inputHash: bytes32(wire.inputHash, "order.inputHash"),
    price: uint(wire.price, "order.price"),
    deadline,
  };
}

/** The order, signature and (at settlement) result of a `tierproof-escrow` payment payload. */
export function readEscrowPayload(payload: Pick<PaymentPayload, "payload">): {
  order: Order;
  signature: Hex;
  result?: WireResult;
} {
  const body = payload.payload as Partial<EscrowOrderPayload>;
  const order = orderFromWire(body.order);
  if (typeof body.signature !== "string" || !isHexString(body.signature, 65)) {
    throw new Error("payload.signature must be a 65-byte signature");
  }
  let result: WireResult | undefined;
  if (body.result !== undefined) {
    const { outputHash, proof } = body.result;
    if (typeof proof !== "string" || !isHexString(proof)) throw new Error("payload.result.proof must be hex");
    result = { outputHash: bytes32(outputHash, "payload.result.outputHash"), proof: proof as Hex };
  }
  return { order, signature: body.signature as Hex, result };
}
