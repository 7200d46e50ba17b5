import { decodePaymentRequiredHeader, decodePaymentResponseHeader } from "@x402/core/http";
import type { PaymentRequirements } from "@x402/core/types";
import { expect } from "chai";
import { network } from "hardhat";

import { SCENARIO_PRICES, sampleInput } from "../../../../sdk/testing/local/scenario.js";
import { buildOrder, commitVector } from "../../../../sdk/lib/settlement/order.js";
import { RequestIdAllocator } from "../../../../sdk/lib/settlement/requestIds.js";
import { ALL_TIERS, Tier } from "../../../../sdk/lib/tiers.js";
import { Payment } from "../../../../sdk/lib/settlement/item.js";
import { authorizeExactPayment } from "../../../../sdk/lib/settlement/payments.js";
import { VoucherSession } from "../../../../sdk/lib/settlement/vouchers.js";
import { checkResult } from "../../../../sdk/lib/x402/checkResult.js";
import {
  InferenceRefused,
  payForInference,
  requirementDomain,
  requirementTokenDomain,
  type VoucherSessions,
} from "../../../../sdk/lib/x402/client.js";
import {
  ALL_SCHEMES,
  X402_VERSION,
  authorizationToWire,
  orderToWire,
  readOffer,
  voucherToWire,
} from "../../../../sdk/lib/x402/payload.js";
import { encodePaymentSignatureHeader } from "@x402/core/http";
import { paymentHeader, providerCredit, startX402, type X402Fixture } from "./fixture.js";
import { repositoryCircuit } from "../../../../sdk/tooling/zk/circuitFiles.js";

describe("x402 gateway and facilitator (in-process chain, real HTTP on 127.0.0.1)", function () {
  this.timeout(180_000);
  let fx: X402Fixture;
  let offered: PaymentRequirements[];
  /** The `tierproof-escrow` requirements, one per tier (tests build those payments by hand). */
  let requirements: PaymentRequirements[];
  const sessions: VoucherSessions = new Map();

  before(async function () {
    fx = await startX402(await network.create());
    const unpaid = await post(fx.url, { input: sampleInput(fx.scenario.model, 1).map(String) });
    offered = decodePaymentRequiredHeader(unpaid.headers.get("PAYMENT-REQUIRED")!).accepts;
    requirements = offered.filter((r) => r.scheme === "tierproof-escrow");
  });
  after(async function () {
    await fx?.close();
  });

  async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
    return fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  }

  /** A correctly signed order for `requirement` on `input`, with overrides. */
  async function orderFor(
    requirement: PaymentRequirements,
    input: bigint[],
    overrides: Partial<ReturnType<typeof buildOrder>> = {},
  ) {
    const offer = readOffer(requirement);
    const client = fx.scenario.clients[0];
    const latest = await fx.scenario.connection.ethers.provider.getBlock("latest");
    const order = {
      ...buildOrder({
        requestId: new RequestIdAllocator().next(),
        modelId: offer.modelId,
        client: await client.getAddress(),
        provider: offer.provider,
        tier: offer.tier,
        input,
        price: BigInt(requirement.amount),
        deadline: BigInt(latest!.timestamp) + 3600n,
      }),
      ...overrides,
    };
    const domain = requirementDomain(requirement) as {
      name: string;
      version: string;
      chainId: bigint;
      verifyingContract: string;
    };
    return { order, client, domain };
  }

  async function refusal(response: Response): Promise<string> {
    return ((await response.json()) as { error: string }).error;
  }

  describe("POST /v1/models/:modelId/infer without payment", function () {
    it("answers 404 for a model the gateway does not serve", async function () {
      const response = await post(fx.url.replace(fx.scenario.modelId.slice(2, 10), "deadbeef"), {
        input: ["1", "2", "3", "4"],
      });
      expect(response.status).to.equal(404);
      expect(await refusal(response)).to.match(/unknown model/);
    });

    it("answers 400 for an input of the wrong shape, before asking for payment", async function () {
      for (const input of [[1, 2, 3], "1,2,3,4", [1, 2, 3, 1.5], [1, 2, 3, "0x10"], [1, 2, 3, (2 ** 50).toString()]]) {
        const response = await post(fx.url, { input });
        expect(response.status, JSON.stringify(input)).to.equal(400);
        expect(await refusal(response)).to.match(/wrong input for Linear_4/);
      }
    });

    it("answers 402 with one requirement per scheme and tier, priced from the ModelRegistry, payable to the settlement contract", async function () {
      expect(offered.map((r) => `${r.scheme}/${r.extra.tier}`)).to.deep.equal(
        ALL_SCHEMES.flatMap((scheme) => ["ZK", "TEE", "SIGNED"].map((tier) => `${scheme}/${tier}`)),
      );
      for (const requirement of offered) {
        const tier = readOffer(requirement).tier;
        const [, price] = await fx.scenario.system.modelRegistry.terms(fx.scenario.modelId, tier);
        expect(requirement.amount).to.equal(price.toString());
        expect(requirement.network).to.equal("eip155:31337");
        expect(requirement.asset).to.equal(await fx.scenario.system.token.getAddress());
        expect(requirement.payTo).to.equal(await fx.scenario.system.settlement.getAddress());
        expect(requirement.extra.modelId).to.equal(fx.scenario.modelId);
      }
    });
  });

  describe("the facilitator's HTTP API", function () {
    it("lists the three schemes on the chain's network under GET /supported", async function () {
      const supported = (await (await fetch(`${fx.facilitator.url}/supported`)).json()) as {
        kinds: { scheme: string; network: string }[];
      };
      expect(supported.kinds.map((k) => `${k.scheme}@${k.network}`).sort()).to.deep.equal([
        "exact@eip155:31337",
        "tierproof-escrow@eip155:31337",
        "upto@eip155:31337",
      ]);
    });

    it("answers 400 to a /verify or /settle request without a payment or requirements", async function () {
      for (const route of ["verify", "settle"]) {
        const response = await post(`${fx.facilitator.url}/${route}`, { paymentRequirements: requirements[0] });
        expect(response.status, route).to.equal(400);
        expect(await refusal(response)).to.equal("paymentPayload is missing");
      }
    });

    it("answers /verify with isValid false and the reason for a payment to another payee", async function () {
      const input = sampleInput(fx.scenario.model, 40);
      const { order, client, domain } = await orderFor(requirements[1], input);
      const header = await paymentHeader(client, requirements[1], order, domain);
      const paymentPayload = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as unknown;
      const response = await post(`${fx.facilitator.url}/verify`, {
        x402Version: X402_VERSION,
        paymentPayload,
        paymentRequirements: { ...requirements[1], payTo: await fx.scenario.provider.getAddress() },
      });
      expect(response.status).to.equal(200);
      const verdict = (await response.json()) as { isValid: boolean; invalidReason: string };
      expect(verdict.isValid).to.equal(false);
      expect(verdict.invalidReason).to.match(/^payee_mismatch/);
    });
  });

  describe("a paid request", function () {
    it("runs the model, proves the result in the tier paid for, and queues it, in every scheme; the client's checks pass", async function () {
      const providerAddress = await fx.scenario.provider.getAddress();
      for (const client of fx.scenario.clients) {
        sessions.set(
          providerAddress.toLowerCase(),
          await VoucherSession.fromChain(fx.scenario.system.settlement, client, fx.scenario.domain, providerAddress),
        );
      }
      let n = 0;
      for (const scheme of ALL_SCHEMES)
        for (const tier of ALL_TIERS) {
          const input = sampleInput(fx.scenario.model, 10 + n++);
          // One client per scheme, so that the upto client's voucher session is the one in `sessions`.
          const signer = fx.scenario.clients[ALL_SCHEMES.indexOf(scheme)];
          if (scheme === "upto" && tier === Tier.ZK) {
            sessions.set(
              providerAddress.toLowerCase(),
              await VoucherSession.fromChain(
                fx.scenario.system.settlement,
                signer,
                fx.scenario.domain,
                providerAddress,
              ),
            );
          }
          const paid = await payForInference({ url: fx.url, tier, scheme, input, signer, sessions });
          expect(paid.response.tier).to.equal(Tier[tier]);
          expect(paid.output).to.deep.equal(fx.scenario.infer(input));
          expect(paid.order.price).to.equal(SCENARIO_PRICES[tier]);
          expect(paid.order.provider).to.equal(providerAddress);
          expect(paid.payment.success).to.equal(true);
          expect(paid.payment.network).to.equal("eip155:31337");
          expect(paid.payment.extra).to.include({ status: "queued", requestId: paid.order.requestId });
          const check = await checkResult(
            {
              order: paid.order,
              output: paid.output,
              outputHash: paid.response.outputHash,
              proof: paid.response.proof,
              circuit: repositoryCircuit(paid.offer.circuit),
              domain: paid.domain,
            },
            fx.chain,
          );
          expect(check.tier).to.equal(tier);
          expect(check.onChain.length).to.be.greaterThan(0);
        }
      expect(fx.facilitator.queue.counts().queued).to.equal(9);
    });

    it("leaves the upto voucher session where it was when the paid request is refused, so the next voucher chains on", async function () {
      const signer = fx.scenario.clients[1]; // the upto client of the test above, whose vouchers are queued
      const provider = (await fx.scenario.provider.getAddress()).toLowerCase();
      const before = sessions.get(provider)!.state;
      // The paid retry carries another input than the one the order committed to: the gateway refuses it after the
      // voucher was signed.
      const tampering = (async (input: Request) =>
        input.headers.has("PAYMENT-SIGNATURE")
          ? fetch(new Request(input, { body: JSON.stringify({ input: ["1", "2", "3", "4"] }) }))
          : fetch(input)) as typeof fetch;
      const input = sampleInput(fx.scenario.model, 50);
      const error = await payForInference({
        url: fx.url,
        tier: Tier.SIGNED,
        scheme: "upto",
        input,
        signer,
        sessions,
        fetch: tampering,
      }).catch((e: Error) => e);
      expect(error).to.be.instanceOf(InferenceRefused);
      expect((error as InferenceRefused).status).to.equal(400);
      expect(sessions.get(provider)!.state).to.deep.equal(before);

      const paid = await payForInference({ url: fx.url, tier: Tier.SIGNED, scheme: "upto", input, signer, sessions });
      expect(paid.payment.success).to.equal(true);
      expect(sessions.get(provider)!.state.cumulativeAmount).to.equal(before.cumulativeAmount + paid.order.price);
    });

    it("answers 402 for an exact authorisation whose nonce is not the order's digest", async function () {
      const input = sampleInput(fx.scenario.model, 30);
      const exact = offered.find((r) => r.scheme === "exact" && r.extra.tier === "SIGNED")!;
      const { order, client } = await orderFor(exact, input);
      const other = { ...order, requestId: new RequestIdAllocator().next() };
      const authorization = await authorizeExactPayment(
        client,
        requirementDomain(exact),
        requirementTokenDomain(exact),
        other,
        {
          validBefore: order.deadline,
        },
      );
      const header = encodePaymentSignatureHeader({
        x402Version: X402_VERSION,
        accepted: exact,
        payload: { order: orderToWire(order), ...authorizationToWire(authorization) },
      });
      const response = await post(fx.url, { input: input.map(String) }, { "PAYMENT-SIGNATURE": header });
      expect(response.status).to.equal(402);
      expect(await refusal(response)).to.match(/^invalid_authorization: the authorization's nonce/);
    });

    it("answers 402 for an exact authorisation that expires before the facilitator could settle it", async function () {
      const input = sampleInput(fx.scenario.model, 32);
      const exact = offered.find((r) => r.scheme === "exact" && r.extra.tier === "TEE")!;
      const { order, client } = await orderFor(exact, input);
      const latest = await fx.scenario.connection.ethers.provider.getBlock("latest");
      const authorization = await authorizeExactPayment(
        client,
        requirementDomain(exact),
        requirementTokenDomain(exact),
        order,
        { validBefore: BigInt(latest!.timestamp) + 30n },
      );
      const header = encodePaymentSignatureHeader({
        x402Version: X402_VERSION,
        accepted: exact,
        payload: { order: orderToWire(order), ...authorizationToWire(authorization) },
      });
      const response = await post(fx.url, { input: input.map(String) }, { "PAYMENT-SIGNATURE": header });
      expect(response.status).to.equal(402);
      expect(await refusal(response)).to.match(/^authorization_expired: the authorization is valid before/);
    });

    it("answers 402 for an upto voucher that does not chain the new order (a replayed voucher)", async function () {
      const input = sampleInput(fx.scenario.model, 31);
      const upto = offered.find((r) => r.scheme === "upto" && r.extra.tier === "TEE")!;
      const client = fx.scenario.clients[1];
      const provider = await fx.scenario.provider.getAddress();
      const session = await VoucherSession.fromChain(
        fx.scenario.system.settlement,
        client,
        fx.scenario.domain,
        provider,
      );
      const { order } = await orderFor(upto, input);
      const mine = { ...order, client: await client.getAddress() };
      const stale = await session.authorize({ ...mine, requestId: new RequestIdAllocator().next() });
      const header = encodePaymentSignatureHeader({
        x402Version: X402_VERSION,
        accepted: upto,
        payload: { order: orderToWire(mine), voucher: voucherToWire(stale) },
      });
      const response = await post(fx.url, { input: input.map(String) }, { "PAYMENT-SIGNATURE": header });
      expect(response.status).to.equal(402);
      expect(await refusal(response)).to.match(/^invalid_voucher/);
    });

    it("pays nothing when the wanted tier costs more than the client's maxPrice", async function () {
      const error = await payForInference({
        url: fx.url,
        tier: Tier.ZK,
        input: sampleInput(fx.scenario.model, 3),
        signer: fx.scenario.clients[0],
        maxPrice: SCENARIO_PRICES[Tier.ZK] - 1n,
      }).catch((e: Error) => e);
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.match(/could not pay for tier ZK/);
    });

    it("answers 402 naming the mismatch for a payment of another amount, asset, network or payee", async function () {
      const input = sampleInput(fx.scenario.model, 4);
      const zk = requirements[0];
      const cases: [Partial<PaymentRequirements>, RegExp][] = [
        [{ amount: "1" }, /^amount_mismatch/],
        [{ asset: "0x000000000000000000000000000000000000dEaD" }, /^asset_mismatch/],
        [{ network: "eip155:1" }, /^network_mismatch/],
        [{ payTo: "0x000000000000000000000000000000000000dEaD" }, /^payee_mismatch/],
      ];
      for (const [change, expected] of cases) {
        const { order, client, domain } = await orderFor(zk, input);
        const header = await paymentHeader(client, { ...zk, ...change }, order, domain);
        const response = await post(fx.url, { input: input.map(String) }, { "PAYMENT-SIGNATURE": header });
        expect(response.status, JSON.stringify(change)).to.equal(402);
        expect(await refusal(response)).to.match(expected);
        expect(decodePaymentRequiredHeader(response.headers.get("PAYMENT-REQUIRED")!).accepts).to.have.length(9);
      }
    });

    it("answers 402 for an order of another tier than the requirement it pays", async function () {
      const input = sampleInput(fx.scenario.model, 5);
      const [, tee] = requirements;
      const { order, client, domain } = await orderFor(tee, input, { tier: Tier.ZK });
      const response = await post(
        fx.url,
        { input: input.map(String) },
        { "PAYMENT-SIGNATURE": await paymentHeader(client, tee, order, domain) },
      );
      expect(response.status).to.equal(402);
      expect(await refusal(response)).to.match(
        /^tier_mismatch: the order asks for tier ZK but pays the TEE requirement/,
      );
    });

    it("answers 402 for an expired authorisation, a bad signature and a replayed one", async function () {
      const input = sampleInput(fx.scenario.model, 6);
      const signed = requirements[2];
      const latest = await fx.scenario.connection.ethers.provider.getBlock("latest");

      const expired = await orderFor(signed, input, { deadline: BigInt(latest!.timestamp) - 1n });
      let response = await post(
        fx.url,
        { input: input.map(String) },
        {
          "PAYMENT-SIGNATURE": await paymentHeader(expired.client, signed, expired.order, expired.domain),
        },
      );
      expect(response.status).to.equal(402);
      expect(await refusal(response)).to.match(/^authorization_expired/);

      const forged = await orderFor(signed, input);
      response = await post(
        fx.url,
        { input: input.map(String) },
        {
          "PAYMENT-SIGNATURE": await paymentHeader(fx.scenario.clients[1], signed, forged.order, forged.domain),
        },
      );
      expect(response.status).to.equal(402);
      expect(await refusal(response)).to.match(/^invalid_signature/);

      const good = await orderFor(signed, input);
      const header = await paymentHeader(good.client, signed, good.order, good.domain);
      response = await post(fx.url, { input: input.map(String) }, { "PAYMENT-SIGNATURE": header });
      expect(response.status).to.equal(200);
      expect(decodePaymentResponseHeader(response.headers.get("PAYMENT-RESPONSE")!).success).to.equal(true);
      response = await post(fx.url, { input: input.map(String) }, { "PAYMENT-SIGNATURE": header });
      expect(response.status).to.equal(402);
      expect(await refusal(response)).to.match(/^replayed_authorization/);
    });

    it("answers 400 and charges nothing when the input is not the one the order committed to", async function () {
      const input = sampleInput(fx.scenario.model, 7);
      const { order, client, domain } = await orderFor(requirements[2], input);
      const other = sampleInput(fx.scenario.model, 8);
      expect(commitVector(other)).to.not.equal(order.inputHash);
      const before = fx.facilitator.queue.all().length;
      const response = await post(
        fx.url,
        { input: other.map(String) },
        {
          "PAYMENT-SIGNATURE": await paymentHeader(client, requirements[2], order, domain),
        },
      );
      expect(response.status).to.equal(400);
      expect(await refusal(response)).to.match(/inputHash.*nothing is charged/);
      expect(fx.facilitator.queue.all().length).to.equal(before);
    });

    it("settles the queued results of all tiers and schemes in one Partial batch; balances move by the exact prices", async function () {
      const { settlement, token } = fx.scenario.system;
      const entries = fx.facilitator.queue.all().filter((e) => e.status === "queued");
      expect(new Set(entries.map((e) => e.item.tier))).to.deep.equal(new Set(ALL_TIERS));
      expect(new Set(entries.map((e) => e.item.payment))).to.deep.equal(
        new Set([Payment.Escrow, Payment.Exact, Payment.Voucher]),
      );
      const provider = await fx.scenario.provider.getAddress();
      const clients = [...new Set(entries.map((e) => e.item.client))];
      const depositsBefore = await Promise.all(clients.map((c) => settlement.depositOf(c)));
      const walletsBefore = await Promise.all(clients.map((c) => token.balanceOf(c)));
      const earningsBefore = await providerCredit(settlement, provider);

      await fx.facilitator.settler.flush();

      const after = fx.facilitator.queue.all().filter((e) => entries.some((q) => q.id === e.id));
      expect(after.map((e) => e.status)).to.deep.equal(entries.map(() => "settled"));
      expect(new Set(after.map((e) => e.transaction)).size).to.equal(1);
      for (const [i, client] of clients.entries()) {
        const spent = (exact: boolean) =>
          entries
            .filter((e) => e.item.client === client && (e.item.payment === Payment.Exact) === exact)
            .reduce((s, e) => s + e.item.price, 0n);
        expect(await settlement.depositOf(client)).to.equal(depositsBefore[i] - spent(false));
        expect(await token.balanceOf(client)).to.equal(walletsBefore[i] - spent(true));
      }
      const total = entries.reduce((s, e) => s + e.item.price, 0n);
      expect(await providerCredit(settlement, provider)).to.equal(earningsBefore + total);
      for (const entry of entries)
        expect(await settlement.isRequestSettled(entry.item.client, entry.item.requestId)).to.equal(true);
    });

    it("InferenceRefused carries the status of a refusal", async function () {
      const error = await payForInference({
        url: fx.url,
        tier: Tier.SIGNED,
        input: [1n, 2n, 3n],
        signer: fx.scenario.clients[0],
      }).catch((e: Error) => e);
      expect(error).to.be.instanceOf(InferenceRefused);
      expect((error as InferenceRefused).status).to.equal(400);
    });
  });
});
