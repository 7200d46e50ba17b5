import type { Network, PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { isEIP3009Payload, type ExactEIP3009Payload, type ExactEvmPayloadV2 } from "@x402/evm";
import { getAddress, isHexString } from "ethers";

import { Payment, type Hex, type Order } from "../settlement/item.js";
import type { SignedReceiveAuthorization } from "../settlement/payments.js";
import type { Voucher } from "../settlement/vouchers.js";
import { Tier, parseTier } from "../tiers.js";

/**
 * x402 `exact`, as tierproof settles it: the client signs an EIP-3009 `ReceiveWithAuthorization` from itself to the
 * settlement contract for exactly the price, with nonce = the order's EIP-712 digest; settlement pulls it only
 * together with a verified result for that order. No deposit needed.
 */
export const EXACT_SCHEME = "exact";

/**
 * x402 `upto` (batched): the client funded its escrow once and signs, per provider, a cumulative voucher over a hash
 * chain of its orders; settlement pays the latest voucher, one client signature per provider per batch.
 */
export const UPTO_SCHEME = "upto";

/**
 * The escrow path: the client keeps a deposit in the settlement contract and pays one inference by signing its
 * EIP-712 `Order`; the deposit moves only for a verified result.
 */
export const ESCROW_ORDER_SCHEME = "tierproof-escrow";

/** The x402 schemes a tierproof gateway offers, and how settlement is paid under each. */
export const SCHEME_PAYMENTS = {
  [EXACT_SCHEME]: Payment.Exact,
  [UPTO_SCHEME]: Payment.Voucher,
  [ESCROW_ORDER_SCHEME]: Payment.Escrow,
} as const;

/** One of the x402 schemes tierproof speaks. */
export type TierproofScheme = keyof typeof SCHEME_PAYMENTS;

/** Every scheme, in the order a gateway offers them. */
export const ALL_SCHEMES: readonly TierproofScheme[] = [EXACT_SCHEME, UPTO_SCHEME, ESCROW_ORDER_SCHEME];

/** Checks a scheme name. */
export function parseScheme(name: string): TierproofScheme {
  if (!(name in SCHEME_PAYMENTS)) throw new Error(`unknown scheme "${name}": expected ${ALL_SCHEMES.join(", ")}`);
  return name as TierproofScheme;
}

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
  /** EIP-712 domain name and version of the token (`exact`: the EIP-3009 authorisation is signed under it). */
  tokenEip712: { name: string; version: string };
}

/** The `extra` object of a requirement for `offer`, JSON-safe. */
export function offerExtra(offer: TierOffer): Record<string, unknown> {
  return {
    tier: Tier[offer.tier],
    modelId: offer.modelId,
    provider: offer.provider,
    circuit: offer.circuit,
    eip712: { ...offer.eip712 },
    tokenEip712: { ...offer.tokenEip712 },
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
  const domainOf = (key: string) => {
    const domain = extra[key] as { name?: unknown; version?: unknown } | undefined;
    if (typeof domain?.name !== "string" || typeof domain.version !== "string") {
      throw new Error(`requirement extra.${key} {name, version} is missing`);
    }
    return { name: domain.name, version: domain.version };
  };
  return {
    tier: parseTier(tierName),
    modelId: modelId as Hex,
    provider: getAddress(provider),
    circuit,
    eip712: domainOf("eip712"),
    tokenEip712: domainOf("tokenEip712"),
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

/**
 * An EIP-3009 authorisation on the wire: x402's own `exact` EVM payload type (`@x402/evm`), so a tierproof `exact`
 * payload is x402's EIP-3009 payload (`authorization` + `signature`) plus the `order` it pays. Only the type of
 * authorisation differs: `ReceiveWithAuthorization` (the settlement contract pulls), with nonce = the order's digest.
 */
export type WireAuthorization = ExactEIP3009Payload["authorization"];

/** A voucher on the wire. */
export interface WireVoucher {
  client: string;
  provider: string;
  cumulativeAmount: string;
  ordersHead: Hex;
  signature: Hex;
}

/**
 * The `payload` of a tierproof payment: the order it pays and the client's authorisation in its scheme's form
 * (`tierproof-escrow`: `signature` over the order; `exact`: `authorization` + `signature`; `upto`: `voucher`).
 * `result` is added by the gateway at settlement (x402 `enrichSettlementPayload`), never by the client.
 */
export interface TierproofPayload {
  order: WireOrder;
  signature?: Hex;
  authorization?: WireAuthorization;
  voucher?: WireVoucher;
  result?: WireResult;
}

/** A parsed payment: the order and the authorisation, by kind. */
export type PaymentAuthorization =
  | { payment: Payment.Escrow; signature: Hex }
  | { payment: Payment.Exact; authorization: SignedReceiveAuthorization }
  | { payment: Payment.Voucher; voucher: Voucher };

/** A parsed payment payload. */
export interface ParsedPayment {
  order: Order;
  authorization: PaymentAuthorization;
  result?: WireResult;
}

/** The wire form of an EIP-3009 authorisation. */
export function authorizationToWire(authorization: SignedReceiveAuthorization): {
  authorization: WireAuthorization;
  signature: Hex;
} {
  const { signature, ...rest } = authorization;
  return {
    authorization: {
      ...rest,
      from: rest.from as Hex,
      to: rest.to as Hex,
      value: rest.value.toString(),
      validAfter: rest.validAfter.toString(),
      validBefore: rest.validBefore.toString(),
    },
    signature,
  };
}

/** The wire form of a voucher. */
export function voucherToWire(voucher: Voucher): WireVoucher {
  return { ...voucher, cumulativeAmount: voucher.cumulativeAmount.toString() };
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

function signature65(value: unknown, what: string): Hex {
  if (typeof value !== "string" || !isHexString(value, 65)) throw new Error(`${what} must be a 65-byte signature`);
  return value as Hex;
}

/** Parses a tierproof payment payload of `scheme`; throws with the name of the bad field. */
export function readPayment(scheme: string, payload: Pick<PaymentPayload, "payload">): ParsedPayment {
  const body = payload.payload as Partial<TierproofPayload>;
  const order = orderFromWire(body.order);
  let result: WireResult | undefined;
  if (body.result !== undefined) {
    const { outputHash, proof } = body.result;
    if (typeof proof !== "string" || !isHexString(proof)) throw new Error("payload.result.proof must be hex");
    result = { outputHash: bytes32(outputHash, "payload.result.outputHash"), proof: proof as Hex };
  }
  const kind = SCHEME_PAYMENTS[parseScheme(scheme)];
  if (kind === Payment.Escrow) {
    return {
      order,
      result,
      authorization: { payment: kind, signature: signature65(body.signature, "payload.signature") },
    };
  }
  if (kind === Payment.Exact) {
    if (!isEIP3009Payload(body as unknown as ExactEvmPayloadV2) || typeof body.authorization !== "object") {
      throw new Error("payload.authorization must be an EIP-3009 authorization (x402 exact EVM payload)");
    }
    const wire = body.authorization;
    const validBefore = uint(wire.validBefore, "authorization.validBefore");
    return {
      order,
      result,
      authorization: {
        payment: kind,
        authorization: {
          from: address(wire.from, "authorization.from"),
          to: address(wire.to, "authorization.to"),
          value: uint(wire.value, "authorization.value"),
          validAfter: uint(wire.validAfter, "authorization.validAfter"),
          validBefore,
          nonce: bytes32(wire.nonce, "authorization.nonce"),
          signature: signature65(body.signature, "payload.signature"),
        },
      },
    };
  }
  const wire = body.voucher;
  if (typeof wire !== "object" || wire === null) throw new Error("payload.voucher must be an object");
  return {
    order,
    result,
    authorization: {
      payment: kind,
      voucher: {
        client: address(wire.client, "voucher.client"),
        provider: address(wire.provider, "voucher.provider"),
        cumulativeAmount: uint(wire.cumulativeAmount, "voucher.cumulativeAmount"),
        ordersHead: bytes32(wire.ordersHead, "voucher.ordersHead"),
        signature: signature65(wire.signature, "voucher.signature"),
      },
    },
  };
}
