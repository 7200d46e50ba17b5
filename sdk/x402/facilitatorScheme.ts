import type {
  PaymentPayload,
  PaymentRequirements,
  SchemeNetworkFacilitator,
  SettleResponse,
  VerifyResponse,
} from "@x402/core/types";
import { getAddress, verifyTypedData } from "ethers";

import { SNARK_SCALAR_FIELD, type Hex, type Order, type SettlementItem } from "../settlement/item.js";
import { describeError } from "../settlement/submit.js";
import { ORDER_TYPES } from "../settlement/typedData.js";
import { Mode, Tier } from "../tiers.js";
import type { TierproofChain } from "./chain.js";
import { ESCROW_ORDER_SCHEME, readEscrowPayload, readOffer, type WireResult } from "./payload.js";
import { DuplicateRequestError, type SettlementQueue } from "./queue.js";

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

/** Tunables of the escrow-order facilitator. */
export interface EscrowFacilitatorOptions {
  /**
   * An order must stay settleable at least this long after it is verified (seconds), so that the batch it joins can
   * settle before its deadline. Shorter deadlines are refused as expired.
   */
  minSettlementWindow: number;
  /** Check a result with an `eth_call` of `settle` (Atomic) before queuing it. Default true. */
  simulate?: boolean;
}

/**
 * The facilitator side of the `tierproof-escrow` x402 scheme. `verify` checks the payment against the requirement and
 * the chain (network, asset, payee, tier, model, provider, amount and model price, deadline, the client's EIP-712
 * signature, replay, deposit left after queued results). `settle` is called by the gateway with the verified result
 * attached; it checks the result against the chain too (an `eth_call` of `settle`) and puts it in the persisted
 * queue; the batch settler sends it on chain with others. The settle response names the settlement contract and the
 * request id; its `transaction` is empty until the batch is mined.
 */
export class EscrowOrderFacilitator implements SchemeNetworkFacilitator {
  readonly scheme = ESCROW_ORDER_SCHEME;
  readonly caipFamily = "eip155:*";
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(
    readonly chain: TierproofChain,
    readonly queue: SettlementQueue,
    readonly options: EscrowFacilitatorOptions,
  ) {}

  getExtra(): Record<string, unknown> | undefined {
    return { settlement: this.chain.domain.verifyingContract, token: this.chain.token };
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
    let client: string | undefined;
    try {
      client = readEscrowPayload(payload).order.client;
    } catch {
      // check() below reports the malformed payload.
    }
    // One settle at a time per client: the deposit check and the enqueue must not interleave with another of its
    // payments, or two could each see the same unreserved deposit.
    return this.#serialized(client ?? "", async () => {
      try {
        const { order, signature, result } = await this.check(payload, requirements);
        if (result === undefined) {
          throw new PaymentRejection("missing_result", "settle needs the result (output hash and proof) attached");
        }
        const item = toSettlementItem(order, signature, result);
        if (this.options.simulate ?? true) await this.#simulate(item);
        const queueId = this.queue.enqueue(item);
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
  async check(payload: PaymentPayload, requirements: PaymentRequirements) {
    const { chain } = this;
    if (requirements.scheme !== ESCROW_ORDER_SCHEME) {
      throw new PaymentRejection("unsupported_scheme", `scheme ${requirements.scheme} is not ${ESCROW_ORDER_SCHEME}`);
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
    if (!sameAddress(requirements.payTo, String(chain.domain.verifyingContract))) {
      throw new PaymentRejection(
        "payee_mismatch",
        `the payment is to ${requirements.payTo}; payments go to the settlement contract ${chain.domain.verifyingContract}`,
      );
    }
    let parsed: ReturnType<typeof readEscrowPayload>;
    let offer: ReturnType<typeof readOffer>;
    try {
      parsed = readEscrowPayload(payload);
      offer = readOffer(requirements);
    } catch (error) {
      throw new PaymentRejection("invalid_payload", (error as Error).message);
    }
    const { order, signature } = parsed;
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
    const [terms, latest] = await Promise.all([
      chain.modelRegistry.terms(order.modelId, order.tier),
      chain.provider.getBlock("latest"),
    ]);
    const [accepted, modelPrice] = terms;
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
    if (order.deadline < now + BigInt(this.options.minSettlementWindow)) {
      throw new PaymentRejection(
        "authorization_expired",
        `the order's deadline ${order.deadline} leaves less than ${this.options.minSettlementWindow} s to settle (chain time ${now})`,
        payer,
      );
    }
    let signer: string;
    try {
      signer = verifyTypedData(chain.domain, ORDER_TYPES, order, signature);
    } catch {
      signer = "";
    }
    if (!sameAddress(signer, order.client)) {
      throw new PaymentRejection(
        "invalid_signature",
        `the order signature is not ${order.client}'s over this chain, settlement contract and order`,
        payer,
      );
    }
    const queued = this.queue.find(order.client, order.requestId);
    if (queued !== undefined || (await chain.settlement.isRequestSettled(order.client, order.requestId))) {
      throw new PaymentRejection(
        "replayed_authorization",
        `request ${order.requestId} of ${order.client} was already paid (${queued?.status ?? "settled on chain"})`,
        payer,
      );
    }
    const deposit = await chain.settlement.depositOf(order.client);
    const reserved = this.queue.reserved(order.client);
    if (deposit - reserved < order.price) {
      throw new PaymentRejection(
        "insufficient_funds",
        `${order.client} has ${deposit} in escrow, ${reserved} of it reserved by queued results; the order needs ${order.price}`,
        payer,
      );
    }
    return parsed;
  }

  async #simulate(item: SettlementItem): Promise<void> {
    try {
      await this.chain.settlement.settle.staticCall([item], Mode.Atomic);
    } catch (error) {
      const data = (error as { data?: string }).data;
      const reason = typeof data === "string" ? describeError(this.chain.settlement.interface, data) : String(error);
      throw new PaymentRejection("result_rejected", `settlement would refuse the result: ${reason}`, item.client);
    }
  }

  async #serialized<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    this.#locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    }
  }
}

/** The settlement item of a paid order and its result. */
export function toSettlementItem(order: Order, clientSignature: Hex, result: WireResult): SettlementItem {
  return { ...order, outputHash: result.outputHash, proof: result.proof, clientSignature };
}

function sameAddress(a: string, b: string): boolean {
  try {
    return getAddress(a) === getAddress(b);
  } catch {
    return false;
  }
}
