import type { SettleContext } from "@x402/core/server";
import type {
  AssetAmount,
  Network,
  PaymentFlowConfig,
  PaymentRequirements,
  Price,
  SchemeNetworkServer,
} from "@x402/core/types";

import { parseScheme, readPayment, type TierproofScheme, type WireResult } from "./payload.js";

/** Where the gateway keeps a proven result until the x402 middleware settles its payment. */
export type ResultLookup = (client: string, requestId: string) => WireResult | undefined;

/**
 * The resource-server side of a tierproof x402 scheme (`exact`, `upto` or `tierproof-escrow`). Prices are token amounts read from the
 * ModelRegistry (never dollar strings). Payments follow x402's `authorization` flow: the facilitator verifies before
 * the handler runs, and settlement happens after it; `enrichSettlementPayload` attaches the handler's result (output
 * hash and proof) so the facilitator queues a complete settlement item.
 */
export class TierproofServerScheme implements SchemeNetworkServer {
  readonly scheme: TierproofScheme;
  readonly defaultAssetTransferMethod = "default";
  readonly paymentFlows: Readonly<Record<string, PaymentFlowConfig>> = {
    default: { supported: ["authorization"], default: "authorization" },
  };

  constructor(
    scheme: string,
    readonly results: ResultLookup,
  ) {
    this.scheme = parseScheme(scheme);
  }

  async parsePrice(price: Price, network: Network): Promise<AssetAmount> {
    if (typeof price === "object" && price !== null && typeof price.asset === "string") return price;
    throw new Error(`${this.scheme} prices are token amounts {asset, amount}, got ${String(price)} on ${network}`);
  }

  async enhancePaymentRequirements(requirements: PaymentRequirements): Promise<PaymentRequirements> {
    return requirements;
  }

  enrichSettlementPayload = async (context: SettleContext): Promise<Record<string, unknown>> => {
    const { order } = readPayment(this.scheme, context.paymentPayload as { payload: Record<string, unknown> });
    const result = this.results(order.client, order.requestId);
    if (result === undefined) throw new Error(`no proven result for request ${order.requestId}`);
    return { result: { ...result } };
  };
}
