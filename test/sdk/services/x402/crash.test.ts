import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import { sampleInput } from "../../../../sdk/testing/local/scenario.js";
import { VoucherSession } from "../../../../sdk/lib/settlement/vouchers.js";
import { ALL_TIERS } from "../../../../sdk/lib/tiers.js";
import { payForInference, type PaidInference, type VoucherSessions } from "../../../../sdk/lib/x402/client.js";
import { confirmSettlement } from "../../../../sdk/lib/x402/confirm.js";
import type { RunningGateway } from "../../../../sdk/services/x402/gateway.js";
import { ALL_SCHEMES } from "../../../../sdk/lib/x402/payload.js";
import { SettlementQueue } from "../../../../sdk/services/x402/queue.js";
import { deployX402, providerCredit, startGatewayFor, type X402Deployment } from "./fixture.js";
import { freePort, startHardhatNode } from "../../../../sdk/testing/local/hardhatNode.js";
import { hardhatAccountKey, startFacilitatorProcess, waitFor, type Child } from "./node.js";

describe("x402 facilitator crash and restart (child process killed with SIGKILL, real hardhat node)", function () {
  this.timeout(300_000);
  let node: Awaited<ReturnType<typeof startHardhatNode>> | undefined;
  let facilitator: (Child & { url: string }) | undefined;
  let gateway: RunningGateway | undefined;
  let queueDir: string | undefined;

  after(async function () {
    await gateway?.close();
    await facilitator?.stop("SIGKILL");
    await node?.stop();
    if (queueDir !== undefined) rmSync(queueDir, { recursive: true, force: true });
  });

  it("loses no paid result and settles nothing twice when killed before a batch and while its transaction is pending", async function () {
    node = await startHardhatNode();
    const connection = await network.create({ network: "localhost", override: { url: node.url } });
    const deployment: X402Deployment = await deployX402(connection, 3);
    const { scenario } = deployment;
    const provider = connection.ethers.provider;
    const deployBlock = await provider.getBlockNumber();
    queueDir = mkdtempSync(path.join(tmpdir(), "tierproof-x402-crash-"));
    const queuePath = path.join(queueDir, "queue.sqlite");
    const port = await freePort();
    const start = () =>
      startFacilitatorProcess({
        rpc: node!.url,
        settlement: deployment.settlement,
        queue: queuePath,
        key: hardhatAccountKey(19),
        batchSize: 6,
        maxWaitMs: 600_000,
        port,
      });
    const readQueue = <T>(read: (queue: SettlementQueue) => T): T => {
      const queue = new SettlementQueue(queuePath);
      try {
        return read(queue);
      } finally {
        queue.close();
      }
    };

    facilitator = await start();
    gateway = await startGatewayFor(deployment, facilitator.url);
    const url = gateway.inferUrl(scenario.modelId);
    const providerAddress = await scenario.provider.getAddress();
    // Client i pays with scheme i (exact, upto, tierproof-escrow); the upto client keeps its voucher session.
    const sessions: VoucherSessions = new Map([
      [
        providerAddress.toLowerCase(),
        await VoucherSession.fromChain(
          scenario.system.settlement,
          scenario.clients[1],
          scenario.domain,
          providerAddress,
        ),
      ],
    ]);
    const pay = (i: number) =>
      payForInference({
        url,
        tier: ALL_TIERS[i % 3],
        scheme: ALL_SCHEMES[Math.floor(i / 2) % 3],
        input: sampleInput(scenario.model, 100 + i),
        signer: scenario.clients[Math.floor(i / 2) % 3],
        sessions,
      });
    const paid: PaidInference[] = [];
    const earningsBefore = await providerCredit(scenario.system.settlement, providerAddress);

    // Three paid results wait in the queue (batch size 6): the process dies before any batch.
    for (const i of [0, 2, 4]) paid.push(await pay(i));
    await facilitator.stop("SIGKILL");
    expect(readQueue((q) => q.counts())).to.deep.include({ queued: 3, batched: 0 });

    // Restarted on the same queue: three more fill the batch, whose transaction stays pending (no mining).
    facilitator = await start();
    await provider.send("evm_setAutomine", [false]);
    for (const i of [1, 3, 5]) paid.push(await pay(i));
    await waitFor(
      () => readQueue((q) => q.unfinishedBatches().some(({ batch }) => batch.status === "sent")),
      "the batch transaction to be sent",
      30_000,
    );
    const [{ batch, items }] = readQueue((q) => q.unfinishedBatches());
    expect(items).to.have.length(6);
    await facilitator.stop("SIGKILL");

    // The transaction is mined while the facilitator is down; the restarted one finishes the batch, sends nothing.
    await provider.send("evm_mine", []);
    await provider.send("evm_setAutomine", [true]);
    facilitator = await start();
    await waitFor(
      () => readQueue((q) => q.counts().settled === 6),
      "the restarted facilitator to finish the batch",
      30_000,
    );

    const entries = readQueue((q) => q.all());
    expect(entries.map((e) => e.status)).to.deep.equal(Array(6).fill("settled"));
    expect(new Set(entries.map((e) => e.transaction))).to.deep.equal(new Set([batch.transaction]));
    const batches = await scenario.system.settlement.queryFilter(
      scenario.system.settlement.filters.BatchSettled(),
      deployBlock + 1,
    );
    expect(batches.map((e) => e.transactionHash)).to.deep.equal([batch.transaction]);
    expect(batches[0].args.settled).to.equal(6n);
    for (const result of paid) {
      const status = await confirmSettlement(deployment.chain, result.order.client, result.order.requestId);
      expect(status).to.deep.include({ settled: true, transaction: batch.transaction, price: result.order.price });
    }
    const total = paid.reduce((sum, result) => sum + result.order.price, 0n);
    expect(await providerCredit(scenario.system.settlement, providerAddress)).to.equal(earningsBefore + total);
  });
});
