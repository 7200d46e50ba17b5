import { x402Client, wrapFetchWithPayment, decodePaymentResponseHeader } from "@x402/fetch";
import { decodePaymentRequiredHeader } from "@x402/core/http";
import type { PaymentPayloadResult, PaymentRequirements, SchemeNetworkClient, SettleResponse } from "@x402/core/types";
import type { Signer, TypedDataDomain } from "ethers";

import { Payment, type Hex, type Order } from "../settlement/item.js";
import { buildOrder } from "../settlement/order.js";
import { authorizeExactPayment } from "../settlement/payments.js";
import { RequestIdAllocator } from "../settlement/requestIds.js";
import { signOrder } from "../settlement/typedData.js";
import { VoucherSession, type Voucher } from "../settlement/vouchers.js";
import { Tier } from "../tiers.js";
import type { InferenceResponse } from "./inferenceResponse.js";
import {
  SCHEME_PAYMENTS,
  authorizationToWire,
  chainIdOf,
  orderToWire,
  parseScheme,
  readOffer,
  voucherToWire,
  type TierOffer,
  type TierproofScheme,
} from "./payload.js";

/** The EIP-712 domain of the settlement contract a requirement pays (chain from `network`, contract = `payTo`). */
export function requirementDomain(
  requirements: PaymentRequirements,
  offer: TierOffer = readOffer(requirements),
): TypedDataDomain {
  return { ...offer.eip712, chainId: chainIdOf(requirements.network), verifyingContract: requirements.payTo };
}

/** The token's EIP-712 domain a requirement names (`exact`: chain from `network`, contract = `asset`). */
export function requirementTokenDomain(
  requirements: PaymentRequirements,
  offer: TierOffer = readOffer(requirements),
): TypedDataDomain {
  return { ...offer.tokenEip712, chainId: chainIdOf(requirements.network), verifyingContract: requirements.asset };
}

/**
 * Where a client's `upto` vouchers stand with one provider: the head of its order chain and the total it authorised.
 * The client must keep it between requests (a client that restarts from the chain while vouchers are unsettled would
 * fork its chain); `VoucherSession.fromChain` starts one when nothing is pending.
 */
export type VoucherSessions = Map<string, VoucherSession>;

/**
 * The client side of a tierproof x402 scheme, for one request. It builds the order from the requirement the client
 * chose (model, provider, tier and price from the requirement; the input's hash; a fresh request id; a deadline
 * `maxTimeoutSeconds` from now) and authorises it in the scheme's form:
 * - `tierproof-escrow`: the EIP-712 order signature under the settlement contract's domain;
 * - `exact`: an EIP-3009 `ReceiveWithAuthorization` to the settlement contract for the price, nonce = the order's
 *   digest, valid until the order's deadline, under the token's domain;
 * - `upto`: the next cumulative voucher of the client's session with the provider (from `sessions`).
 */
export class TierproofClientScheme implements SchemeNetworkClient {
  readonly scheme: TierproofScheme;
  /** The order of the last payment made, with the requirement and domain it answered. */
  last?: {
    order: Order;
    requirements: PaymentRequirements;
    offer: TierOffer;
    domain: TypedDataDomain;
    voucher?: Voucher;
  };

  constructor(
    scheme: string,
    readonly signer: Signer,
    readonly input: readonly bigint[],
    readonly requestId: Hex,
    readonly sessions?: VoucherSessions,
  ) {
    this.scheme = parseScheme(scheme);
  }

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
    this.last = { order, requirements, offer, domain };
    const payment = SCHEME_PAYMENTS[this.scheme];
    if (payment === Payment.Escrow) {
      const signature = await signOrder(this.signer, domain, order);
      return { x402Version, payload: { order: orderToWire(order), signature } };
    }
    if (payment === Payment.Exact) {
      const authorization = await authorizeExactPayment(
        this.signer,
        domain,
        requirementTokenDomain(requirements, offer),
        order,
        { validBefore: order.deadline },
      );
      return { x402Version, payload: { order: orderToWire(order), ...authorizationToWire(authorization) } };
    }
    const session = this.sessions?.get(offer.provider.toLowerCase());
    if (session === undefined) throw new Error(`no voucher session with provider ${offer.provider}`);
    const voucher = await session.authorize(order);
    this.last.voucher = voucher;
    return { x402Version, payload: { order: orderToWire(order), voucher: voucherToWire(voucher) } };
  }
}

/** A paid inference request. */
export interface InferRequest {
  /** The gateway's route of the model: `<gateway>/v1/models/<modelId>/infer`. */
  url: string;
  tier: Tier;
  /** How to pay; default `exact`. */
  scheme?: TierproofScheme;
  /**
   * `upto`: the client's voucher sessions, keyed by lower-case provider address. Each paid request advances its
   * provider's session; a refused one leaves it where it was (the map entry is replaced by a session at the old state).
   */
  sessions?: VoucherSessions;
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
  /** `upto`: the voucher signed with this order. */
  voucher?: Voucher;
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
 * Asks a gateway for one inference and pays it in `tier` with `scheme` over x402 (`@x402/fetch`): the first request
 * gets the 402 with one requirement per scheme and tier, the client pays the one it wants (no other) and resends. Does not check
 * the proof: see `checkResult`.
 */
export async function payForInference(request: InferRequest): Promise<PaidInference> {
  const requestId = request.requestId ?? new RequestIdAllocator().next();
  const schemeName = request.scheme ?? "exact";
  const scheme = new TierproofClientScheme(schemeName, request.signer, request.input, requestId, request.sessions);
  const wanted = Tier[request.tier];
  const client = new x402Client()
    .register("eip155:*", scheme)
    .setSpendControls({ allowedAssets: true })
    .registerPolicy((_version, requirements) =>
      requirements.filter(
        (r) =>
          r.scheme === schemeName &&
          r.extra?.tier === wanted &&
          (request.maxPrice === undefined || BigInt(r.amount) <= request.maxPrice),
      ),
    );
  const fetchWithPayment = wrapFetchWithPayment(request.fetch ?? globalThis.fetch, client);
  // A voucher signed for a request the gateway then refuses never reaches the facilitator's queue: put each session
  // back where it was, so the next voucher chains onto the last order that was accepted.
  const before = [...(request.sessions ?? new Map<string, VoucherSession>())].map(
    ([provider, session]) => [provider, session, session.state] as const,
  );
  const rollBack = () => {
    for (const [provider, session, state] of before) {
      request.sessions!.set(provider, new VoucherSession(session.client, session.domain, session.provider, state));
    }
  };
  let response: Response;
  try {
    response = await fetchWithPayment(request.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: request.input.map(String) }),
    });
  } catch (error) {
    rollBack();
    throw new Error(`could not pay for tier ${wanted}: ${(error as Error).message}`, { cause: error });
  }
  if (response.status !== 200) {
    rollBack();
    throw new InferenceRefused(response.status, await refusalReason(response));
  }
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
