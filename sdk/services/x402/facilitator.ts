import { x402Facilitator } from "@x402/core/facilitator";
import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import express, { type Request, type Response } from "express";
import type { Signer } from "ethers";

import { BatchSettler, type BatchPolicy } from "./batcher.js";
import { connectTierproof, type TierproofChain } from "../../lib/x402/chain.js";
import { facilitatorSchemes } from "../../lib/x402/facilitatorScheme.js";
import { closeServer, listenLoopback } from "./http.js";
import { SettlementQueue } from "./queue.js";

/** How to run a facilitator. */
export interface FacilitatorOptions {
  /** The account that sends settlement transactions (any account; it pays the gas). */
  submitter: Signer;
  /** The settlement contract. */
  settlement: string;
  /** The SQLite file of the queue. */
  queuePath: string;
  policy: BatchPolicy;
  /** Seconds an order must stay settleable after verification; default: maxWait + 1 minute. */
  minSettlementWindow?: number;
  /** Check each result with an eth_call of `settle` before queuing it; default true. */
  simulate?: boolean;
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
}

/** A running facilitator: its URL, queue and batch settler. */
export interface RunningFacilitator {
  url: string;
  chain: TierproofChain;
  queue: SettlementQueue;
  settler: BatchSettler;
  facilitator: x402Facilitator;
  /** Stops the HTTP server and the settler (a batch in flight is finished), then closes the queue. */
  close(): Promise<void>;
}

/**
 * Starts the facilitator on 127.0.0.1: x402 `POST /verify`, `POST /settle` and `GET /supported` (the
 * `exact`, `upto` and `tierproof-escrow` schemes on the settlement contract's chain), and `GET /requests/:client/:requestId` (where a
 * paid result stands: queued, batched, settled or rejected, with the transaction). It first finishes batches a
 * previous run left, then settles the queue by `policy`.
 */
export async function startFacilitator(options: FacilitatorOptions): Promise<RunningFacilitator> {
  const chain = await connectTierproof(options.submitter, options.settlement);
  const queue = new SettlementQueue(options.queuePath);
  const facilitator = new x402Facilitator();
  for (const scheme of facilitatorSchemes(chain, queue, {
    minSettlementWindow: options.minSettlementWindow ?? Math.ceil(options.policy.maxWaitMs / 1000) + 60,
    simulate: options.simulate,
    tokenDomain: chain.tokenDomain,
  })) {
    facilitator.register(chain.network, scheme);
  }
  const settler = new BatchSettler(queue, chain.settlement, options.submitter, options.policy);
  await settler.start();

  const app = express();
  app.use(express.json({ limit: "1mb" }));
  const body = (req: Request): { paymentPayload: PaymentPayload; paymentRequirements: PaymentRequirements } => {
    const { paymentPayload, paymentRequirements } = (req.body ?? {}) as Record<string, unknown>;
    if (typeof paymentPayload !== "object" || paymentPayload === null)
      throw new BadRequest("paymentPayload is missing");
    if (typeof paymentRequirements !== "object" || paymentRequirements === null) {
      throw new BadRequest("paymentRequirements is missing");
    }
    return {
      paymentPayload: paymentPayload as PaymentPayload,
      paymentRequirements: paymentRequirements as PaymentRequirements,
    };
  };
  const handle =
    (run: (req: Request) => Promise<unknown>) =>
    async (req: Request, res: Response): Promise<void> => {
      let parsed: unknown;
      try {
        parsed = await run(req);
      } catch (error) {
        // A malformed request is the caller's fault; anything else (e.g. the node is unreachable) is ours.
        res.status(error instanceof BadRequest ? 400 : 500).json({ error: (error as Error).message });
        return;
      }
      res.json(parsed);
    };
  app.get("/supported", (_req, res) => {
    res.json(facilitator.getSupported());
  });
  app.post(
    "/verify",
    handle(async (req) => {
      const { paymentPayload, paymentRequirements } = body(req);
      return facilitator.verify(paymentPayload, paymentRequirements);
    }),
  );
  app.post(
    "/settle",
    handle(async (req) => {
      const { paymentPayload, paymentRequirements } = body(req);
      return facilitator.settle(paymentPayload, paymentRequirements);
    }),
  );
  app.get("/requests/:client/:requestId", (req, res) => {
    const entry = queue.find(String(req.params.client), String(req.params.requestId));
    if (entry === undefined) {
      res.status(404).json({ error: "no such paid request" });
      return;
    }
    res.json({
      status: entry.status,
      transaction: entry.transaction,
      reason: entry.reason,
      batchId: entry.batchId,
      requestId: entry.item.requestId,
      client: entry.item.client,
      tier: entry.item.tier,
      price: entry.item.price.toString(),
    });
  });
  app.get("/queue", (_req, res) => {
    res.json(queue.counts());
  });

  const { server, url } = await listenLoopback(app, options.port ?? 0);
  return {
    url,
    chain,
    queue,
    settler,
    facilitator,
    async close() {
      await closeServer(server);
      await settler.stop();
      queue.close();
    },
  };
}

/** A request the facilitator cannot read. */
class BadRequest extends Error {}
