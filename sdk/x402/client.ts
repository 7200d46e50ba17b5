import { x402Client, wrapFetchWithPayment, decodePaymentResponseHeader } from "@x402/fetch";
import { decodePaymentRequiredHeader } from "@x402/core/http";
import type { PaymentPayloadResult, PaymentRequirements, SchemeNetworkClient, SettleResponse } from "@x402/core/types";
import type { Signer, TypedDataDomain } from "ethers";

import type { Hex, Order } from "../settlement/item.js";
import { buildOrder } from "../settlement/order.js";
import { RequestIdAllocator } from "../settlement/requestIds.js";
import { signOrder } from "../settlement/typedData.js";
import { Tier } from "../tiers.js";
import type { InferenceResponse } from "./gateway.js";
import { ESCROW_ORDER_SCHEME, chainIdOf, orderToWire, readOffer, type TierOffer } from "./payload.js";

/** The EIP-712 domain of the settlement contract a requirement pays (chain from `network`, contract = `payTo`). */
export function requirementDomain(
  requirements: PaymentRequirements,
  offer: TierOffer = readOffer(requirements),
): TypedDataDomain {
  return { ...offer.eip712, chainId: chainIdOf(requirements.network), verifyingContract: requirements.payTo };
}

/**
 * The client side of the `tierproof-escrow` x402 scheme, for one request: it builds the order from the requirement
 * the client chose (model, provider, tier and price from the requirement; the input's hash; a fresh request id; a
 * deadline `maxTimeoutSeconds` from now) and signs it with the client's key under the settlement contract's domain.
 */
export class EscrowOrderClientScheme implements SchemeNetworkClient {
  readonly scheme = ESCROW_ORDER_SCHEME;
  /** The order of the last payment made, with the requirement and domain it answered. */
  last?: { order: Order; requirements: PaymentRequirements; offer: TierOffer; domain: TypedDataDomain };

  constructor(
    readonly signer: Signer,
    readonly input: readonly bigint[],
    readonly requestId: Hex,
  ) {}

  async createPaymentPayload(x402Version: number, requirements: PaymentRequirements): Promise<PaymentPayloadResult> {
    const offer = readOffer(requirements);
    const domain = requirementDomain(requirements, offer);
    const order = buildOrder({
      requestId: this.requestId,
      modelId: offer.modelId,
      client: await this.signer.getAddress(),
      provider: offer.provider,
      tier: offer.tier,
      input: this.input,
      price: BigInt(requirements.amount),
      deadline: BigInt(Math.floor(Date.now() / 1000) + requirements.maxTimeoutSeconds),
    });
    const signature = await signOrder(this.signer, domain, order);
    this.last = { order, requirements, offer, domain };
    return { x402Version, payload: { order: orderToWire(order), signature } };
  }
}

/** A paid inference request. */
export interface InferRequest {
  /** The gateway's route of the model: `<gateway>/v1/models/<modelId>/infer`. */
  url: string;
  tier: Tier;
  input: readonly bigint[];
  /** The paying client's key. */
  signer: Signer;
  /** Refuse to pay more than this (token units). */
  maxPrice?: bigint;
  /** Defaults to a fresh id from a random 256-aligned base. */
  requestId?: Hex;
  fetch?: typeof globalThis.fetch;
}

/** A paid, answered inference: the gateway's answer and what the client paid for it. */
export interface PaidInference {
  response: InferenceResponse;
  output: bigint[];
  order: Order;
  requirements: PaymentRequirements;
  offer: TierOffer;
  domain: TypedDataDomain;
  /** The decoded PAYMENT-RESPONSE: queued for settlement at `extra.settlement` on `network`. */
  payment: SettleResponse;
}

/** An inference the gateway refused; `status` is the HTTP status, `message` its reason. */
export class InferenceRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`gateway answered ${status}: ${message}`);
  }
}

/**
 * Asks a gateway for one inference and pays it in `tier` over x402 (`@x402/fetch`): the first request gets the 402
 * with one requirement per tier, the client pays the one of the wanted tier (no other) and resends. Does not check
 * the proof: see `checkResult`.
 */
export async function payForInference(request: InferRequest): Promise<PaidInference> {
  const requestId = request.requestId ?? new RequestIdAllocator().next();
  const scheme = new EscrowOrderClientScheme(request.signer, request.input, requestId);
  const wanted = Tier[request.tier];
  const client = new x402Client()
    .register("eip155:*", scheme)
    .setSpendControls({ allowedAssets: true })
    .registerPolicy((_version, requirements) =>
      requirements.filter(
        (r) =>
          r.scheme === ESCROW_ORDER_SCHEME &&
          r.extra?.tier === wanted &&
          (request.maxPrice === undefined || BigInt(r.amount) <= request.maxPrice),
      ),
    );
  const fetchWithPayment = wrapFetchWithPayment(request.fetch ?? globalThis.fetch, client);
  let response: Response;
  try {
    response = await fetchWithPayment(request.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: request.input.map(String) }),
    });
  } catch (error) {
    throw new Error(`could not pay for tier ${wanted}: ${(error as Error).message}`, { cause: error });
  }
  if (response.status !== 200) throw new InferenceRefused(response.status, await refusalReason(response));
  if (scheme.last === undefined) throw new Error("the gateway answered without asking for payment");
  const header = response.headers.get("PAYMENT-RESPONSE");
  if (header === null) throw new Error("the gateway answered without a PAYMENT-RESPONSE header");
  const body = (await response.json()) as InferenceResponse;
  if (body.requestId.toLowerCase() !== scheme.last.order.requestId.toLowerCase() || body.tier !== wanted) {
    throw new Error(`the gateway answered request ${body.requestId} in tier ${body.tier}, not the one paid for`);
  }
  return {
    response: body,
    output: body.output.map((v) => BigInt(v)),
    ...scheme.last,
    payment: decodePaymentResponseHeader(header),
  };
}

async function refusalReason(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as { error?: string };
    if (typeof parsed.error === "string") return parsed.error;
  } catch {
    // not JSON
  }
  const header = response.headers.get("PAYMENT-REQUIRED");
  if (header !== null) {
    try {
      return decodePaymentRequiredHeader(header).error ?? text;
    } catch {
      // not an x402 header
    }
  }
  return text;
}
