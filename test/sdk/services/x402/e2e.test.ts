import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { JsonRpcProvider, Wallet } from "ethers";
import { network } from "hardhat";

import { sampleInput } from "../../../../sdk/testing/local/scenario.js";
import { Payment } from "../../../../sdk/lib/settlement/item.js";
import { VoucherSession } from "../../../../sdk/lib/settlement/vouchers.js";
import { ALL_TIERS, Tier } from "../../../../sdk/lib/tiers.js";
import { checkResult } from "../../../../sdk/lib/x402/checkResult.js";
import { payForInference, type PaidInference, type VoucherSessions } from "../../../../sdk/lib/x402/client.js";
import { confirmSettlement } from "../../../../sdk/lib/x402/confirm.js";
import { startFacilitator, type RunningFacilitator } from "../../../../sdk/services/x402/facilitator.js";
import type { RunningGateway } from "../../../../sdk/services/x402/gateway.js";
import { ALL_SCHEMES, SCHEME_PAYMENTS } from "../../../../sdk/lib/x402/payload.js";
import { deployX402, providerCredit, startGatewayFor } from "./fixture.js";
import { startHardhatNode } from "../../../../sdk/testing/local/hardhatNode.js";
import { hardhatAccountKey, spawnNode, waitFor } from "./node.js";
import { REPO_ROOT, repositoryCircuit } from "../../../../sdk/tooling/zk/circuitFiles.js";

const CLIENTS = 12;
const REQUESTS_PER_CLIENT = 2;

describe("x402 end to end over HTTP against a real hardhat node on 127.0.0.1", function () {
  this.timeout(300_000);
  let node: Awaited<ReturnType<typeof startHardhatNode>> | undefined;
  let facilitator: RunningFacilitator | undefined;
  let gateway: RunningGateway | undefined;
  let rpc: JsonRpcProvider | undefined;
  let queueDir: string | undefined;
  let deployment: Awaited<ReturnType<typeof deployX402>> | undefined;

  after(async function () {
    await gateway?.close();
    await facilitator?.close();
    rpc?.destroy();
    await node?.stop();
    if (queueDir !== undefined) rmSync(queueDir, { recursive: true, force: true });
  });

  it(`${CLIENTS} concurrent clients pay ${CLIENTS * REQUESTS_PER_CLIENT} inferences in all tiers and schemes; one batch settles them; balances are exact`, async function () {
    node = await startHardhatNode();
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    deployment = await deployX402(connection, CLIENTS);
    const { scenario } = deployment;
    const { settlement, token } = scenario.system;
    const total = CLIENTS * REQUESTS_PER_CLIENT;

    // The facilitator sends its batch from its own key over JSON-RPC, as a separate service would.
    rpc = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, pollingInterval: 100 });
    queueDir = mkdtempSync(path.join(tmpdir(), "tierproof-x402-e2e-"));
    facilitator = await startFacilitator({
      submitter: new Wallet(hardhatAccountKey(19), rpc),
      settlement: deployment.settlement,
      queuePath: path.join(queueDir, "queue.sqlite"),
      policy: { batchSize: total, maxWaitMs: 600_000 },
    });
    gateway = await startGatewayFor(deployment, facilitator.url);
    const url = gateway.inferUrl(scenario.modelId);

    const providerAddress = await scenario.provider.getAddress();
    const clients = await Promise.all(scenario.clients.map((c) => c.getAddress()));
    const deposits = await Promise.all(clients.map((c) => settlement.depositOf(c)));
    const wallets = await Promise.all(clients.map((c) => token.balanceOf(c)));
    const earnings = await providerCredit(settlement, providerAddress);
    const held = await token.balanceOf(deployment.settlement);

    // Client i pays with scheme i mod 3; its requests walk through the tiers.
    const paid: PaidInference[][] = await Promise.all(
      scenario.clients.map(async (signer, i) => {
        const scheme = ALL_SCHEMES[i % ALL_SCHEMES.length];
        const sessions: VoucherSessions = new Map();
        if (scheme === "upto") {
          const session = await VoucherSession.fromChain(settlement, signer, scenario.domain, providerAddress);
          sessions.set(providerAddress.toLowerCase(), session);
        }
        const results: PaidInference[] = [];
        for (let r = 0; r < REQUESTS_PER_CLIENT; r++) {
          const tier = ALL_TIERS[(i + r) % ALL_TIERS.length];
          const input = sampleInput(scenario.model, 1000 + i * REQUESTS_PER_CLIENT + r);
          const result = await payForInference({ url, tier, scheme, input, signer, sessions });
          expect(result.output).to.deep.equal(scenario.infer(input));
          const check = await checkResult(
            {
              order: result.order,
              output: result.output,
              outputHash: result.response.outputHash,
              proof: result.response.proof,
              circuit: repositoryCircuit(result.offer.circuit),
              domain: result.domain,
            },
            deployment!.chain,
          );
          expect(check.tier).to.equal(tier);
          results.push(result);
        }
        return results;
      }),
    );
    const all = paid.flat();
    expect(all).to.have.length(total);
    expect(new Set(all.map((p) => p.order.tier))).to.deep.equal(new Set(ALL_TIERS));

    await waitFor(() => facilitator!.queue.counts().settled === total, "the batch to settle", 60_000);
    expect(facilitator.settler.reports).to.have.length(1);
    const [report] = facilitator.settler.reports;
    expect(report).to.include({ settled: total, rejected: 0 });

    for (const result of all) {
      const status = await confirmSettlement(deployment.chain, result.order.client, result.order.requestId);
      expect(status).to.deep.include({ settled: true, transaction: report.transaction, price: result.order.price });
    }
    const spent = (client: string, exact: boolean) =>
      all
        .filter(
          (p) =>
            p.order.client === client &&
            (SCHEME_PAYMENTS[p.requirements.scheme as "exact"] === Payment.Exact) === exact,
        )
        .reduce((sum, p) => sum + p.order.price, 0n);
    for (const [i, client] of clients.entries()) {
      expect(await settlement.depositOf(client), `deposit of client ${i}`).to.equal(deposits[i] - spent(client, false));
      expect(await token.balanceOf(client), `wallet of client ${i}`).to.equal(wallets[i] - spent(client, true));
    }
    const sum = all.reduce((s, p) => s + p.order.price, 0n);
    const pulled = clients.reduce((s, c) => s + spent(c, true), 0n);
    expect(await providerCredit(settlement, providerAddress)).to.equal(earnings + sum);
    expect(await token.balanceOf(deployment.settlement)).to.equal(held + pulled);
    const perTier = ALL_TIERS.map((tier) => all.filter((p) => p.order.tier === tier).length);
    expect(
      perTier.every((n) => n > 0),
      `per tier: ${perTier.map((n, t) => `${Tier[t]} ${n}`).join(", ")}`,
    ).to.equal(true);
  });

  it("the infer CLI pays a ZK inference by upto voucher, checks the proof and confirms settlement on chain", async function () {
    const { scenario } = deployment!;
    const input = sampleInput(scenario.model, 77);
    const cli = spawnNode(
      [
        "--import",
        "tsx",
        path.join(REPO_ROOT, "scripts", "x402", "infer.ts"),
        "--gateway",
        gateway!.url,
        "--model",
        scenario.modelId,
        "--tier",
        "ZK",
        "--scheme",
        "upto",
        "--input",
        input.join(","),
        "--rpc",
        node!.url,
        "--session",
        path.join(queueDir!, "session.json"),
        "--confirm",
        "--wait",
        "60",
      ],
      // Client 1 (account 3) pays by voucher; its earlier vouchers are settled, so its session starts from the chain.
      { TIERPROOF_CLIENT_KEY: hardhatAccountKey(3) },
    );
    const queued = facilitator!.queue.counts().settled + 1;
    await waitFor(() => facilitator!.queue.all().length === queued, "the CLI's paid result to be queued", 60_000);
    await facilitator!.settler.flush();
    await new Promise<void>((resolve) => cli.child.once("exit", () => resolve()));
    expect(cli.child.exitCode, cli.output()).to.equal(0);
    const printed = JSON.parse(cli.output().slice(cli.output().indexOf("{"))) as {
      tier: string;
      output: string[];
      proofChecked: { onChain: string[] };
      settlement: { settled: boolean; transaction: string };
    };
    expect(printed.tier).to.equal("ZK");
    expect(printed.output).to.deep.equal(scenario.infer(input).map(String));
    expect(printed.proofChecked.onChain).to.include("verifying key hash = ModelRegistry's");
    expect(printed.settlement.settled).to.equal(true);
    expect(facilitator!.settler.reports.at(-1)?.transaction).to.equal(printed.settlement.transaction);
  });
});
