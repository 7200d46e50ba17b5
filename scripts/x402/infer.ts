/**
 * Pays a tierproof gateway for one inference over x402, checks the proof locally, and optionally waits until the
 * result is settled on chain:
 *
 *   TIERPROOF_CLIENT_KEY=0x… tsx scripts/x402/infer.ts --gateway http://127.0.0.1:8402 --model 0x… --tier ZK \
 *     --input 12,-40,300,7 [--scheme exact|upto|tierproof-escrow] [--rpc http://127.0.0.1:8545] [--confirm]
 *
 * Or, later, only confirm: `--confirm --request-id 0x… --client 0x… --settlement 0x… --rpc …`.
 * Prints one JSON object. With `--rpc`, the proof's registry facts (verifying-key hash, enclave or signer key) are
 * checked on chain too; without it, only the proof itself (snarkjs / signature).
 */
import { readFileSync, writeFileSync, existsSync } from "node:fs";

import { Command } from "commander";
import { JsonRpcProvider, Wallet } from "ethers";

import type { Hex } from "../../sdk/lib/settlement/item.js";
import { VoucherSession } from "../../sdk/lib/settlement/vouchers.js";
import { parseTier } from "../../sdk/lib/tiers.js";
import { connectTierproof, type TierproofChain } from "../../sdk/lib/x402/chain.js";
import { checkResult } from "../../sdk/lib/x402/checkResult.js";
import { payForInference, type VoucherSessions } from "../../sdk/lib/x402/client.js";
import { confirmSettlement, type SettlementStatus } from "../../sdk/lib/x402/confirm.js";
import { parseScheme } from "../../sdk/lib/x402/payload.js";
import { releaseProverThreads } from "../../sdk/lib/zk/prove.js";
import { repositoryCircuit } from "../../sdk/tooling/zk/circuitFiles.js";

const program = new Command()
  .name("infer")
  .description("pay a tierproof gateway for one inference over x402 and check the result")
  .option("--gateway <url>", "the gateway's base URL", "http://127.0.0.1:8402")
  .option("--model <modelId>", "the model id (bytes32)")
  .option("--tier <tier>", "ZK, TEE or SIGNED")
  .option("--input <values>", "fixed-point integers: 1,2,3,4 or a JSON array")
  .option("--scheme <scheme>", "exact, upto or tierproof-escrow", "exact")
  .option("--max-price <amount>", "refuse to pay more (token units)")
  .option("--rpc <url>", "JSON-RPC endpoint: check registry facts and confirm settlement")
  .option("--session <file>", "upto: where the voucher session is kept between runs", ".tierproof-upto-session.json")
  .option("--confirm", "wait until the result is settled on chain (needs --rpc)")
  .option("--wait <seconds>", "how long --confirm waits", "120")
  .option("--request-id <id>", "with --confirm and no --input: confirm an earlier request")
  .option("--client <address>", "with --request-id: the paying client (default: TIERPROOF_CLIENT_KEY's address)")
  .option("--settlement <address>", "with --request-id: the settlement contract")
  .parse();
const options = program.opts<{
  gateway: string;
  model?: string;
  tier?: string;
  input?: string;
  scheme: string;
  maxPrice?: string;
  rpc?: string;
  session: string;
  confirm?: boolean;
  wait: string;
  requestId?: string;
  client?: string;
  settlement?: string;
}>();

function parseInput(text: string): bigint[] {
  const values: unknown[] = text.trim().startsWith("[") ? (JSON.parse(text) as unknown[]) : text.split(",");
  return values.map((value, i) => {
    const s = String(value).trim();
    if (!/^-?[0-9]+$/.test(s)) throw new Error(`input[${i}] = ${s} is not an integer`);
    return BigInt(s);
  });
}

async function waitForSettlement(chain: TierproofChain, client: string, requestId: string): Promise<SettlementStatus> {
  const deadline = Date.now() + Number(options.wait) * 1000;
  for (;;) {
    const status = await confirmSettlement(chain, client, requestId);
    if (status.settled || status.rejected !== undefined || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

const json = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2);

const rpc =
  options.rpc === undefined ? undefined : new JsonRpcProvider(options.rpc, undefined, { staticNetwork: true });
const key = process.env.TIERPROOF_CLIENT_KEY;
try {
  if (options.confirm && rpc === undefined) throw new Error("--confirm needs --rpc");
  if (options.input === undefined) {
    if (!options.confirm || options.requestId === undefined || options.settlement === undefined) {
      throw new Error("give --model, --tier and --input to pay, or --confirm --request-id --settlement to confirm");
    }
    const client = options.client ?? (key === undefined ? undefined : new Wallet(key).address);
    if (client === undefined) throw new Error("--client (or TIERPROOF_CLIENT_KEY) is needed to confirm");
    const chain = await connectTierproof(rpc!, options.settlement);
    console.log(
      json({
        requestId: options.requestId,
        client,
        settlement: await waitForSettlement(chain, client, options.requestId),
      }),
    );
  } else {
    if (options.model === undefined || options.tier === undefined) throw new Error("--model and --tier are needed");
    if (key === undefined) throw new Error("set TIERPROOF_CLIENT_KEY to the paying client's private key");
    const signer = new Wallet(key, rpc);
    const scheme = parseScheme(options.scheme);
    const tier = parseTier(options.tier);
    const input = parseInput(options.input);
    const url = `${options.gateway.replace(/\/$/, "")}/v1/models/${options.model.toLowerCase()}/infer`;

    // upto: the voucher session continues from the saved state, or starts from the chain.
    const sessions: VoucherSessions = new Map();
    let saveSession = () => {};
    if (scheme === "upto") {
      const saved = existsSync(options.session)
        ? (JSON.parse(readFileSync(options.session, "utf8")) as Record<
            string,
            { ordersHead: Hex; cumulativeAmount: string }
          >)
        : {};
      const probe = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input: input.map(String) }),
      });
      const { decodePaymentRequiredHeader } = await import("@x402/core/http");
      const header = probe.headers.get("PAYMENT-REQUIRED");
      if (header === null) throw new Error(`the gateway answered ${probe.status} without payment requirements`);
      const offer = decodePaymentRequiredHeader(header).accepts.find((r) => r.scheme === "upto");
      if (offer === undefined) throw new Error("the gateway does not offer upto");
      const provider = String(offer.extra.provider);
      const settlementAddress = offer.payTo;
      const pair = `${settlementAddress}:${signer.address}:${provider}`.toLowerCase();
      const domain = {
        ...(offer.extra.eip712 as { name: string; version: string }),
        chainId: BigInt(offer.network.split(":")[1]),
        verifyingContract: settlementAddress,
      };
      let session: VoucherSession;
      if (saved[pair] !== undefined) {
        session = new VoucherSession(signer, domain, provider, {
          ordersHead: saved[pair].ordersHead,
          cumulativeAmount: BigInt(saved[pair].cumulativeAmount),
        });
      } else {
        if (rpc === undefined) throw new Error("a first upto payment needs --rpc to read the voucher state");
        const chain = await connectTierproof(rpc, settlementAddress);
        session = await VoucherSession.fromChain(chain.settlement, signer, domain, provider);
      }
      sessions.set(provider.toLowerCase(), session);
      saveSession = () => {
        const { ordersHead, cumulativeAmount } = session.state;
        saved[pair] = { ordersHead, cumulativeAmount: cumulativeAmount.toString() };
        writeFileSync(options.session, JSON.stringify(saved, null, 2));
      };
    }

    const paid = await payForInference({
      url,
      tier,
      scheme,
      input,
      signer,
      sessions,
      maxPrice: options.maxPrice === undefined ? undefined : BigInt(options.maxPrice),
    });
    saveSession();
    const chain = rpc === undefined ? undefined : await connectTierproof(rpc, paid.requirements.payTo);
    const check = await checkResult(
      {
        order: paid.order,
        output: paid.output,
        outputHash: paid.response.outputHash,
        proof: paid.response.proof,
        circuit: repositoryCircuit(paid.offer.circuit),
        domain: paid.domain,
      },
      chain,
    );
    const settlement =
      options.confirm && chain !== undefined
        ? await waitForSettlement(chain, paid.order.client, paid.order.requestId)
        : undefined;
    console.log(
      json({
        requestId: paid.order.requestId,
        client: paid.order.client,
        tier: paid.response.tier,
        scheme,
        price: paid.order.price,
        output: paid.response.output,
        outputHash: paid.response.outputHash,
        proofChecked: { ...check, tier: paid.response.tier },
        paymentResponse: paid.payment,
        settlement,
      }),
    );
    if (settlement !== undefined && !settlement.settled) process.exitCode = 2;
  }
} catch (error) {
  console.error(`infer: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  rpc?.destroy();
  await releaseProverThreads();
}
