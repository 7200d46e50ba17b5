import { HTTPFacilitatorClient, x402ResourceServer, type RoutesConfig } from "@x402/core/server";
import {
  decodePaymentRequiredHeader,
  decodePaymentSignatureHeader,
  encodePaymentRequiredHeader,
} from "@x402/core/http";
import type { PaymentPayload, PaymentRequired, PaymentRequirements } from "@x402/core/types";
import { paymentMiddleware } from "@x402/express";
import { getAddress } from "ethers";
import express, { type NextFunction, type Request, type Response } from "express";

import type { Hex } from "../../lib/settlement/item.js";
import { commitVector } from "../../lib/settlement/order.js";
import type { ResultProver } from "../../lib/settlement/provers.js";
import { ALL_TIERS, Tier } from "../../lib/tiers.js";
import type { TierproofChain } from "../../lib/x402/chain.js";
import { TierproofServerScheme } from "../../lib/x402/serverScheme.js";
import { closeServer, listenLoopback } from "./http.js";
import type { CircuitInstance } from "../../lib/zk/circuits.js";
import type { InferenceResponse } from "../../lib/x402/inferenceResponse.js";
import { parseModelInput, servedModel, type ServedModel } from "../../lib/x402/models.js";
import {
  ALL_SCHEMES,
  X402_VERSION,
  offerExtra,
  readPayment,
  type TierOffer,
  type TierproofScheme,
  type WireResult,
} from "../../lib/x402/payload.js";

/** A model a gateway serves: its registry id, circuit instance and a prover per tier it offers. */
export interface GatewayModel {
  modelId: Hex;
  /** The model's circuits.json instance (the gateway runs its reference inference and names it in offers). */
  circuit: CircuitInstance;
  provers: Partial<Record<Tier, ResultProver>>;
}

/** How to run a gateway. */
export interface GatewayOptions {
  /** Read-only view of the chain (a provider is enough). */
  chain: TierproofChain;
  /** The provider paid for the results (the owner of the signer key and operator of the enclave). */
  provider: string;
  models: GatewayModel[];
  /** The facilitator's base URL (`/verify`, `/settle`, `/supported`). */
  facilitatorUrl: string;
  /** The x402 schemes offered, each for every tier; default all: `exact`, `upto`, `tierproof-escrow`. */
  schemes?: readonly TierproofScheme[];
  /** Seconds a client's order stays settleable (the requirement's `maxTimeoutSeconds`); default 3600. */
  settlementWindow?: number;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** How long a registry price is reused before it is read again (ms); default 2000. */
  priceCacheMs?: number;
}

/** A running gateway. */
export interface RunningGateway {
  url: string;
  /** The route of a model: `${url}/v1/models/${modelId}/infer`. */
  inferUrl(modelId: string): string;
  close(): Promise<void>;
}

interface Served extends GatewayModel {
  model: ServedModel;
  tiers: Tier[];
}

/**
 * Starts the inference gateway on 127.0.0.1. `POST /v1/models/:modelId/infer` with `{"input": [...]}`:
 *
 * - unknown model: 404; input of the wrong shape: 400 (both before any payment);
 * - no payment: 402 with one x402 requirement per scheme and per tier the model accepts on chain and the gateway can
 *   prove, priced from the ModelRegistry, on the chain's CAIP-2 network, in the settlement token, payable to the
 *   settlement contract, the tier in `extra`;
 * - a payment (`PAYMENT-SIGNATURE`) for another scheme, network, asset, payee, tier or amount:
 *   402 naming the mismatch; one the facilitator refuses (signature, expired, replayed, funds): 402 with its reason;
 * - a valid payment: runs the TypeScript reference inference and the tier's prover and answers 200 with output,
 *   tier, proof and request id; the facilitator queues the result for settlement and `PAYMENT-RESPONSE` says where
 *   (network, settlement contract, request id). An input that does not match the order's input hash, or that the
 *   model refuses, gets 400 and the payment is not settled.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { chain } = options;
  const provider = getAddress(options.provider);
  const settlementWindow = options.settlementWindow ?? 3600;
  const priceCacheMs = options.priceCacheMs ?? 2000;
  const settlementAddress = getAddress(String(chain.domain.verifyingContract));
  const eip712 = { name: String(chain.domain.name), version: String(chain.domain.version) };
  const tokenEip712 = { name: String(chain.tokenDomain.name), version: String(chain.tokenDomain.version) };
  const schemes = options.schemes ?? ALL_SCHEMES;
  const offerOf = (entry: GatewayModel, tier: Tier): TierOffer => ({
    tier,
    modelId: entry.modelId,
    provider,
    circuit: entry.circuit.name,
    eip712,
    tokenEip712,
  });

  const served = new Map<string, Served>();
  for (const config of options.models) {
    const model = servedModel(config.circuit);
    const tiers: Tier[] = [];
    for (const tier of ALL_TIERS) {
      const prover = config.provers[tier];
      if (prover === undefined) continue;
      if (prover.tier !== tier)
        throw new Error(`the ${Tier[tier]} prover of ${config.circuit.name} proves ${Tier[prover.tier]}`);
      const [accepted] = await chain.modelRegistry.terms(config.modelId, tier);
      if (accepted) tiers.push(tier);
    }
    if (tiers.length === 0) throw new Error(`model ${config.modelId} accepts none of the tiers the gateway can prove`);
    served.set(config.modelId.toLowerCase(), { ...config, model, tiers });
  }

  const prices = new Map<string, { amount: bigint; at: number }>();
  const priceOf = async (modelId: Hex, tier: Tier): Promise<bigint> => {
    const key = `${modelId}:${tier}`;
    const cached = prices.get(key);
    if (cached !== undefined && Date.now() - cached.at < priceCacheMs) return cached.amount;
    const [, amount] = await chain.modelRegistry.terms(modelId, tier);
    prices.set(key, { amount, at: Date.now() });
    return amount;
  };
  const requirementsOf = async (entry: Served): Promise<PaymentRequirements[]> =>
    Promise.all(
      schemes.flatMap((scheme) =>
        entry.tiers.map(async (tier) => ({
          scheme,
          network: chain.network,
          asset: chain.token,
          amount: (await priceOf(entry.modelId, tier)).toString(),
          payTo: settlementAddress,
          maxTimeoutSeconds: settlementWindow,
          extra: offerExtra(offerOf(entry, tier)),
        })),
      ),
    );

  const results = new Map<string, WireResult>();
  const resultKey = (client: string, requestId: string) => `${client.toLowerCase()}:${requestId.toLowerCase()}`;
  const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: options.facilitatorUrl }));
  for (const scheme of schemes) {
    resourceServer.register(
      chain.network,
      new TierproofServerScheme(scheme, (client, requestId) => results.get(resultKey(client, requestId))),
    );
  }
  const routes: RoutesConfig = {};
  for (const entry of served.values()) {
    routes[`POST /v1/models/${entry.modelId.toLowerCase()}/infer`] = {
      accepts: schemes.flatMap((scheme) =>
        entry.tiers.map((tier) => ({
          scheme,
          network: chain.network,
          payTo: settlementAddress,
          price: async () => ({ asset: chain.token, amount: (await priceOf(entry.modelId, tier)).toString() }),
          maxTimeoutSeconds: settlementWindow,
          extra: offerExtra(offerOf(entry, tier)),
        })),
      ),
      description: `inference of ${entry.circuit.name} (${entry.tiers.map((t) => Tier[t]).join(", ")})`,
      mimeType: "application/json",
      unpaidResponseBody: async () => ({
        contentType: "application/json",
        body: { error: "payment required: pay one of the tiers in PAYMENT-REQUIRED" },
      }),
    };
  }

  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "256kb" }));
  app.use(explainPaymentErrors);
  const route = "/v1/models/:modelId/infer";

  // Before payment: the model must exist and the input must have its shape; a payment must match an offer.
  app.post(route, async (req: Request, res: Response, next: NextFunction) => {
    const entry = served.get(String(req.params.modelId).toLowerCase());
    if (entry === undefined || String(req.params.modelId) !== entry.modelId.toLowerCase()) {
      res.status(404).json({ error: `unknown model ${req.params.modelId} (served: ${[...served.keys()].join(", ")})` });
      return;
    }
    try {
      parseModelInput((req.body as { input?: unknown } | undefined)?.input, entry.model.inputSize);
    } catch (error) {
      res.status(400).json({ error: `wrong input for ${entry.circuit.name}: ${(error as Error).message}` });
      return;
    }
    const header = req.header("payment-signature");
    if (header === undefined) return next();
    let payment: PaymentPayload;
    try {
      payment = decodePaymentSignatureHeader(header);
    } catch {
      res.status(400).json({ error: "PAYMENT-SIGNATURE is not a base64-encoded x402 payment payload" });
      return;
    }
    const offered = await requirementsOf(entry);
    const mismatch = describeMismatch(payment, offered);
    if (mismatch !== undefined) {
      const paymentRequired: PaymentRequired = {
        x402Version: X402_VERSION,
        error: mismatch,
        resource: { url: `${req.protocol}://${req.get("host")}${req.originalUrl}`, mimeType: "application/json" },
        accepts: offered,
      };
      res.setHeader("PAYMENT-REQUIRED", encodePaymentRequiredHeader(paymentRequired));
      res.status(402).json({ error: mismatch });
      return;
    }
    next();
  });

  app.use(paymentMiddleware(routes, resourceServer));

  app.post(route, async (req: Request, res: Response) => {
    const entry = served.get(String(req.params.modelId))!;
    const input = parseModelInput((req.body as { input: unknown }).input, entry.model.inputSize);
    const payment = decodePaymentSignatureHeader(req.header("payment-signature")!);
    const { order } = readPayment(payment.accepted.scheme, payment);
    if (commitVector(input) !== order.inputHash) {
      res.status(400).json({ error: "the input does not match the order's inputHash: nothing is charged" });
      return;
    }
    let output: bigint[];
    try {
      output = entry.model.infer(input);
    } catch (error) {
      res.status(400).json({ error: `the model refuses this input: ${(error as Error).message}; nothing is charged` });
      return;
    }
    const outputHash = commitVector(output);
    const proof = await entry.provers[order.tier]!.prove(order, { input, output, outputHash });
    const key = resultKey(order.client, order.requestId);
    results.set(key, { outputHash, proof });
    res.on("finish", () => results.delete(key));
    const body: InferenceResponse = {
      requestId: order.requestId,
      modelId: entry.modelId,
      tier: Tier[order.tier] as keyof typeof Tier,
      output: output.map(String),
      outputHash,
      proof,
    };
    res.json(body);
  });

  const { server, url } = await listenLoopback(app, options.port ?? 0);
  return {
    url,
    inferUrl: (modelId) => `${url}/v1/models/${modelId.toLowerCase()}/infer`,
    close: () => closeServer(server),
  };
}

/** Says which field of a payment matches none of the offers, or undefined when one offer matches those fields. */
function describeMismatch(payment: PaymentPayload, offered: PaymentRequirements[]): string | undefined {
  if (payment.x402Version !== X402_VERSION) return `x402 version ${payment.x402Version} is not supported (use 2)`;
  const accepted = payment.accepted;
  if (accepted === undefined) return "the payment does not say which requirement it accepts";
  const first = offered.find((requirement) => requirement.scheme === accepted.scheme);
  if (first === undefined) {
    const schemes = [...new Set(offered.map((r) => r.scheme))].join(", ");
    return `scheme_mismatch: scheme ${accepted.scheme} is not offered (${schemes})`;
  }
  if (accepted.network !== first.network) {
    return `network_mismatch: the payment is on ${accepted.network}; this gateway settles on ${first.network}`;
  }
  if (!sameAddress(accepted.asset, first.asset)) {
    return `asset_mismatch: the payment is in ${accepted.asset}; the gateway charges in ${first.asset}`;
  }
  if (!sameAddress(accepted.payTo, first.payTo)) {
    return `payee_mismatch: the payment is to ${accepted.payTo}; payments go to the settlement contract ${first.payTo}`;
  }
  const tier = accepted.extra?.tier;
  const ofScheme = offered.filter((requirement) => requirement.scheme === accepted.scheme);
  const offer = ofScheme.find((requirement) => requirement.extra.tier === tier);
  if (offer === undefined) {
    return `tier_not_offered: tier ${String(tier)} is not offered for this model (offered: ${ofScheme.map((r) => r.extra.tier).join(", ")})`;
  }
  if (accepted.amount !== offer.amount) {
    return `amount_mismatch: the payment is for ${accepted.amount}; tier ${String(tier)} costs ${offer.amount}`;
  }
  try {
    const { order } = readPayment(accepted.scheme, payment);
    if (Tier[order.tier] !== tier) {
      return `tier_mismatch: the order asks for tier ${Tier[order.tier]} but pays the ${String(tier)} requirement`;
    }
    if (order.price !== BigInt(offer.amount)) {
      return `amount_mismatch: the order pays ${order.price}; tier ${String(tier)} costs ${offer.amount}`;
    }
  } catch (error) {
    return `invalid_payload: ${(error as Error).message}`;
  }
  return undefined;
}

/** A 402 from the x402 middleware carries its reason only in PAYMENT-REQUIRED; repeat it in the JSON body. */
function explainPaymentErrors(_req: Request, res: Response, next: NextFunction): void {
  const json = res.json.bind(res);
  res.json = (body?: unknown) => {
    const empty = body === undefined || (typeof body === "object" && body !== null && Object.keys(body).length === 0);
    const header = res.getHeader("PAYMENT-REQUIRED");
    if (res.statusCode === 402 && empty && typeof header === "string") {
      try {
        return json({ error: decodePaymentRequiredHeader(header).error ?? "payment required" });
      } catch {
        // fall through with the original body
      }
    }
    return json(body);
  };
  next();
}

function sameAddress(a: string, b: string): boolean {
  try {
    return getAddress(a) === getAddress(b);
  } catch {
    return false;
  }
}
