import type {
  PaymentPayload,
  PaymentRequirements,
  SchemeNetworkFacilitator,
  SettleResponse,
  VerifyResponse,
} from "@x402/core/types";
import { getAddress, verifyTypedData, type TypedDataDomain } from "ethers";

import { IPaymentToken__factory } from "../../../typechain-types/index.js";
import { Payment, SNARK_SCALAR_FIELD, type Hex, type SettlementItem } from "../settlement/item.js";
import {
  RECEIVE_WITH_AUTHORIZATION_TYPES,
  encodeExactAuthorization,
  exactPaymentNonce,
} from "../settlement/payments.js";
import { describeError } from "../settlement/submit.js";
import { ORDER_TYPES } from "../settlement/typedData.js";
import { chainOrder, isVoucherSignedByClient, readVoucherState } from "../settlement/vouchers.js";
import { Mode, Tier } from "../tiers.js";
import type { TierproofChain } from "./chain.js";
import {
  SCHEME_PAYMENTS,
  parseScheme,
  readOffer,
  readPayment,
  type ParsedPayment,
  type TierproofScheme,
  type WireResult,
} from "./payload.js";
import { DuplicateRequestError, type FacilitatorQueue } from "./facilitatorQueue.js";

/** Why a payment was refused: a short x402 `invalidReason` code and a message that says what to fix. */
export class PaymentRejection extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly payer?: string,
  ) {
    super(message);
  }

  /** `code: message`, the reason the gateway's 402 carries. */
  get reason(): string {
    return `${this.code}: ${this.message}`;
  }
}

/** Tunables of the facilitator's schemes. */
export interface FacilitatorSchemeOptions {
  /**
   * An order (and an `exact` authorisation) must stay valid at least this long after it is verified (seconds), so
   * that the batch it joins can settle in time. Shorter ones are refused as expired.
   */
  minSettlementWindow: number;
  /** Check a result with an `eth_call` of `settle` (Atomic) before queuing it. Default true. */
  simulate?: boolean;
  /** The token's EIP-712 domain (`exact` authorisations are signed under it). */
  tokenDomain: TypedDataDomain;
}

/** Serialises async tasks per key (one client's payments never interleave their funds checks and enqueues). */
class KeyedMutex {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}

/**
 * The facilitator side of one tierproof x402 scheme (`exact`, `upto` or `tierproof-escrow`).
 *
 * `verify` checks a payment against the requirement and the chain: network, asset and payee; the order's tier,
 * model, provider and price against the requirement (and the model's on-chain price); the order's deadline; then the
 * scheme's authorisation (`tierproof-escrow`: the client's EIP-712 order signature and its deposit less queued
 * results; `exact`: the EIP-3009 authorisation's payer, payee, value, window and nonce = the order's digest, its
 * signature under the token's domain, unused, and the wallet balance less queued `exact` results; `upto`: the
 * voucher's signature, its chain extending the pair's latest head by exactly this order, its cumulative amount, and
 * the deposit); and that the request was not paid before (queue and chain).
 *
 * `settle` is called by the gateway with the proven result attached; it re-verifies, checks the result against the
 * chain (an `eth_call` of `settle`), and puts it in the persisted queue; the batch settler sends it on chain with
 * others. The response names the settlement contract and request id; its `transaction` is empty until the batch is
 * mined (`GET /requests/:client/:requestId` then has it).
 */
export class TierproofFacilitatorScheme implements SchemeNetworkFacilitator {
  readonly scheme: TierproofScheme;
  readonly caipFamily = "eip155:*";

  constructor(
    scheme: string,
    readonly chain: TierproofChain,
    readonly queue: FacilitatorQueue,
    readonly options: FacilitatorSchemeOptions,
    readonly mutex = new KeyedMutex(),
  ) {
    this.scheme = parseScheme(scheme);
  }

  getExtra(): Record<string, unknown> | undefined {
    return { settlement: this.chain.domain.verifyingContract, minSettlementWindow: this.options.minSettlementWindow };
  }

  getSigners(): string[] {
    return [];
  }

  async verify(payload: PaymentPayload, requirements: PaymentRequirements): Promise<VerifyResponse> {
    try {
      const { order } = await this.check(payload, requirements);
      return { isValid: true, payer: order.client };
    } catch (error) {
      if (error instanceof PaymentRejection) {
        return { isValid: false, invalidReason: error.reason, invalidMessage: error.message, payer: error.payer };
      }
      throw error;
    }
  }

  async settle(payload: PaymentPayload, requirements: PaymentRequirements): Promise<SettleResponse> {
    const network = requirements.network;
    let client = "";
    try {
      client = readPayment(this.scheme, payload).order.client;
    } catch {
      // check() reports the malformed payload.
    }
    // One settle at a time per client: the funds and voucher-chain checks and the enqueue must not interleave with
    // another of its payments.
    return this.mutex.run(client.toLowerCase(), async () => {
      try {
        const parsed = await this.check(payload, requirements);
        if (parsed.result === undefined) {
          throw new PaymentRejection("missing_result", "settle needs the result (output hash and proof) attached");
        }
        const item = toSettlementItem(parsed, parsed.result);
        if (this.options.simulate ?? true) await this.#simulate(item, parsed);
        const voucher = parsed.authorization.payment === Payment.Voucher ? parsed.authorization.voucher : undefined;
        const queueId = this.queue.enqueue(item, voucher);
        const { order } = parsed;
        return {
          success: true,
          transaction: "",
          network,
          payer: order.client,
          amount: order.price.toString(),
          extra: {
            status: "queued",
            queueId,
            requestId: order.requestId,
            settlement: this.chain.domain.verifyingContract,
          },
        };
      } catch (error) {
        const rejection =
          error instanceof DuplicateRequestError
            ? new PaymentRejection("replayed_authorization", error.message, error.client)
            : error;
        if (rejection instanceof PaymentRejection) {
          return {
            success: false,
            errorReason: rejection.reason,
            errorMessage: rejection.message,
            payer: rejection.payer,
            transaction: "",
            network,
          };
        }
        throw error;
      }
    });
  }

  /** Every check of a payment, in the order a client would fix them; throws `PaymentRejection`. */
  async check(payload: PaymentPayload, requirements: PaymentRequirements): Promise<ParsedPayment> {
    const { chain } = this;
    if (requirements.scheme !== this.scheme) {
      throw new PaymentRejection("unsupported_scheme", `scheme ${requirements.scheme} is not ${this.scheme}`);
    }
    if (requirements.network !== chain.network) {
      throw new PaymentRejection(
        "network_mismatch",
        `the payment is for network ${requirements.network}; this facilitator settles on ${chain.network}`,
      );
    }
    if (!sameAddress(requirements.asset, chain.token)) {
      throw new PaymentRejection(
        "asset_mismatch",
        `the payment is in asset ${requirements.asset}; settlement pays in ${chain.token}`,
      );
    }
    const settlementAddress = String(chain.domain.verifyingContract);
    if (!sameAddress(requirements.payTo, settlementAddress)) {
      throw new PaymentRejection(
        "payee_mismatch",
        `the payment is to ${requirements.payTo}; payments go to the settlement contract ${settlementAddress}`,
      );
    }
    let parsed: ParsedPayment;
    let offer: ReturnType<typeof readOffer>;
    try {
      parsed = readPayment(this.scheme, payload);
      offer = readOffer(requirements);
    } catch (error) {
      throw new PaymentRejection("invalid_payload", (error as Error).message);
    }
    const { order } = parsed;
    const payer = order.client;
    if (order.tier !== offer.tier) {
      throw new PaymentRejection(
        "tier_mismatch",
        `the order asks for tier ${Tier[order.tier]} but pays the ${Tier[offer.tier]} requirement`,
        payer,
      );
    }
    if (order.modelId !== offer.modelId.toLowerCase()) {
      throw new PaymentRejection(
        "model_mismatch",
        `the order names model ${order.modelId}, not ${offer.modelId}`,
        payer,
      );
    }
    if (!sameAddress(order.provider, offer.provider)) {
      throw new PaymentRejection(
        "provider_mismatch",
        `the order pays provider ${order.provider}; this gateway's provider is ${offer.provider}`,
        payer,
      );
    }
    if (order.price !== BigInt(requirements.amount)) {
      throw new PaymentRejection(
        "amount_mismatch",
        `the order pays ${order.price}; the requirement asks ${requirements.amount}`,
        payer,
      );
    }
    if (BigInt(order.requestId) >= SNARK_SCALAR_FIELD) {
      throw new PaymentRejection(
        "invalid_request_id",
        `request id ${order.requestId} is not below the SNARK field`,
        payer,
      );
    }
    const [[accepted, modelPrice], latest] = await Promise.all([
      chain.modelRegistry.terms(order.modelId, order.tier),
      chain.provider.getBlock("latest"),
    ]);
    if (!accepted) {
      throw new PaymentRejection(
        "tier_not_accepted",
        `model ${order.modelId} does not accept tier ${Tier[order.tier]} (unknown, retired or not offered)`,
        payer,
      );
    }
    if (order.price < modelPrice) {
      throw new PaymentRejection(
        "amount_below_price",
        `the order pays ${order.price}; the model's ${Tier[order.tier]} price is ${modelPrice}`,
        payer,
      );
    }
    const now = BigInt(latest?.timestamp ?? Math.floor(Date.now() / 1000));
    const settleBy = now + BigInt(this.options.minSettlementWindow);
    if (order.deadline < settleBy) {
      throw new PaymentRejection(
        "authorization_expired",
        `the order's deadline ${order.deadline} leaves less than ${this.options.minSettlementWindow} s to settle (chain time ${now})`,
        payer,
      );
    }
    await this.#checkAuthorization(parsed, settleBy, now);
    const queued = this.queue.find(order.client, order.requestId);
    if (queued !== undefined || (await chain.settlement.isRequestSettled(order.client, order.requestId))) {
      throw new PaymentRejection(
        "replayed_authorization",
        `request ${order.requestId} of ${order.client} was already paid (${queued?.status ?? "settled on chain"})`,
        payer,
      );
    }
    await this.#checkFunds(parsed);
    return parsed;
  }

  async #checkAuthorization(parsed: ParsedPayment, settleBy: bigint, now: bigint): Promise<void> {
    const { order, authorization } = parsed;
    const payer = order.client;
    const { domain } = this.chain;
    if (authorization.payment === Payment.Escrow) {
      if (!sameAddress(recoverTyped(domain, ORDER_TYPES, order, authorization.signature), order.client)) {
        throw new PaymentRejection(
          "invalid_signature",
          `the order signature is not ${order.client}'s over this chain, settlement contract and order`,
          payer,
        );
      }
      return;
    }
    if (authorization.payment === Payment.Exact) {
      const auth = authorization.authorization;
      const mismatch = (what: string, got: unknown, want: unknown) =>
        new PaymentRejection(
          "invalid_authorization",
          `the authorization's ${what} is ${got}, it must be ${want}`,
          payer,
        );
      if (!sameAddress(auth.from, order.client)) throw mismatch("payer (from)", auth.from, order.client);
      if (!sameAddress(auth.to, String(domain.verifyingContract))) {
        throw mismatch("payee (to)", auth.to, `the settlement contract ${domain.verifyingContract}`);
      }
      if (auth.value !== order.price) throw mismatch("value", auth.value, `the price ${order.price}`);
      const nonce = exactPaymentNonce(domain, order);
      if (auth.nonce !== nonce.toLowerCase()) throw mismatch("nonce", auth.nonce, `the order's digest ${nonce}`);
      if (auth.validBefore < settleBy) {
        throw new PaymentRejection(
          "authorization_expired",
          `the authorization is valid before ${auth.validBefore}, less than ${this.options.minSettlementWindow} s from chain time ${now}`,
          payer,
        );
      }
      if (auth.validAfter >= now) {
        throw new PaymentRejection(
          "authorization_not_yet_valid",
          `the authorization is valid only after ${auth.validAfter}`,
          payer,
        );
      }
      const { signature, ...message } = auth;
      if (
        !sameAddress(
          recoverTyped(this.options.tokenDomain, RECEIVE_WITH_AUTHORIZATION_TYPES, message, signature),
          auth.from,
        )
      ) {
        throw new PaymentRejection(
          "invalid_signature",
          `the EIP-3009 signature is not ${auth.from}'s over this authorization under the token's domain`,
          payer,
        );
      }
      const token = IPaymentToken__factory.connect(this.chain.token, this.chain.provider);
      if (await token.authorizationState(auth.from, auth.nonce)) {
        throw new PaymentRejection(
          "replayed_authorization",
          `the authorization with nonce ${auth.nonce} was used`,
          payer,
        );
      }
      return;
    }
    const voucher = authorization.voucher;
    if (!sameAddress(voucher.client, order.client) || !sameAddress(voucher.provider, order.provider)) {
      throw new PaymentRejection(
        "invalid_voucher",
        `the voucher is for ${voucher.client} → ${voucher.provider}, the order for ${order.client} → ${order.provider}`,
        payer,
      );
    }
    if (!isVoucherSignedByClient(domain, voucher)) {
      throw new PaymentRejection("invalid_signature", `the voucher is not signed by ${order.client}`, payer);
    }
    const pending = this.queue.pendingVoucher(order.client, order.provider);
    const start =
      pending !== undefined
        ? { head: pending.ordersHead, cumulative: pending.cumulativeAmount }
        : await readVoucherState(this.chain.settlement, order.client, order.provider).then((state) => ({
            head: state.ordersHead,
            cumulative: state.paid,
          }));
    if (voucher.ordersHead !== chainOrder(start.head, order).toLowerCase()) {
      throw new PaymentRejection(
        "invalid_voucher",
        `the voucher's orders head does not extend the pair's head ${start.head} by this order (a stale, replayed or forked voucher)`,
        payer,
      );
    }
    if (voucher.cumulativeAmount < start.cumulative + order.price) {
      throw new PaymentRejection(
        "invalid_voucher",
        `the voucher's cumulative amount ${voucher.cumulativeAmount} does not cover ${start.cumulative} before plus this order's ${order.price}`,
        payer,
      );
    }
  }

  async #checkFunds(parsed: ParsedPayment): Promise<void> {
    const { order } = parsed;
    if (parsed.authorization.payment === Payment.Exact) {
      const token = IPaymentToken__factory.connect(this.chain.token, this.chain.provider);
      const balance = await token.balanceOf(order.client);
      const reserved = this.queue.reserved(order.client, "wallet");
      if (balance - reserved < order.price) {
        throw new PaymentRejection(
          "insufficient_funds",
          `${order.client} holds ${balance}, ${reserved} of it authorised to queued results; the order needs ${order.price}`,
          order.client,
        );
      }
      return;
    }
    const deposit = await this.chain.settlement.depositOf(order.client);
    const reserved = this.queue.reserved(order.client, "deposit");
    if (deposit - reserved < order.price) {
      throw new PaymentRejection(
        "insufficient_funds",
        `${order.client} has ${deposit} in escrow, ${reserved} of it reserved by queued results; the order needs ${order.price}`,
        order.client,
      );
    }
  }

  async #simulate(item: SettlementItem, parsed: ParsedPayment): Promise<void> {
    const { settlement } = this.chain;
    try {
      if (parsed.authorization.payment === Payment.Voucher) {
        // A voucher item settles only with the whole chain since the stored head; simulate it alone only when it is
        // the first of its pair in the queue.
        if (this.queue.pendingVoucher(item.client, item.provider) !== undefined) return;
        await settlement.settleWithVouchers.staticCall([item], [parsed.authorization.voucher], Mode.Atomic);
      } else {
        await settlement.settle.staticCall([item], Mode.Atomic);
      }
    } catch (error) {
      const data = (error as { data?: string }).data;
      const reason = typeof data === "string" ? describeError(settlement.interface, data) : String(error);
      throw new PaymentRejection("result_rejected", `settlement would refuse the result: ${reason}`, item.client);
    }
  }
}

/** The settlement item of a paid order and its result, with the authorisation in the item's encoding. */
export function toSettlementItem(parsed: ParsedPayment, result: WireResult): SettlementItem {
  const { order, authorization } = parsed;
  const base = { ...order, outputHash: result.outputHash, proof: result.proof };
  switch (authorization.payment) {
    case Payment.Escrow:
      return { ...base, payment: Payment.Escrow, clientSignature: authorization.signature };
    case Payment.Exact:
      return {
        ...base,
        payment: Payment.Exact,
        clientSignature: encodeExactAuthorization(authorization.authorization),
      };
    case Payment.Voucher:
      return { ...base, payment: Payment.Voucher, clientSignature: "0x" };
  }
}

/** Every tierproof scheme for one chain and queue, sharing one per-client lock. */
export function facilitatorSchemes(
  chain: TierproofChain,
  queue: FacilitatorQueue,
  options: FacilitatorSchemeOptions,
): TierproofFacilitatorScheme[] {
  const mutex = new KeyedMutex();
  return Object.keys(SCHEME_PAYMENTS).map(
    (scheme) => new TierproofFacilitatorScheme(scheme, chain, queue, options, mutex),
  );
}

function recoverTyped(
  domain: TypedDataDomain,
  types: Parameters<typeof verifyTypedData>[1],
  value: object,
  signature: Hex,
): string {
  try {
    return verifyTypedData(domain, types, value as Record<string, unknown>, signature);
  } catch {
    return "";
  }
}

function sameAddress(a: string, b: string): boolean {
  try {
    return getAddress(a) === getAddress(b);
  } catch {
    return false;
  }
}
