import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import { sampleInput } from "../../../../sdk/testing/local/scenario.js";
import { Mode, Tier } from "../../../../sdk/lib/tiers.js";
import { BatchSettler } from "../../../../sdk/services/x402/batcher.js";
import { payForInference } from "../../../../sdk/lib/x402/client.js";
import { DuplicateRequestError } from "../../../../sdk/lib/x402/facilitatorQueue.js";
import { SettlementQueue } from "../../../../sdk/services/x402/queue.js";
import { startX402, type X402Fixture } from "./fixture.js";

describe("x402 SettlementQueue and BatchSettler recovery", function () {
  this.timeout(120_000);
  let fx: X402Fixture;

  before(async function () {
    fx = await startX402(await network.create());
    for (const [i, scheme] of (["exact", "tierproof-escrow", "exact"] as const).entries()) {
      await payForInference({
        url: fx.url,
        tier: Tier.SIGNED,
        scheme,
        input: sampleInput(fx.scenario.model, 200 + i),
        signer: fx.scenario.clients[i],
      });
    }
  });
  after(async function () {
    await fx?.close();
  });

  it("keeps results across a reopen of its file, refuses a duplicate, and reserves per source of funds", function () {
    const file = path.join(fx.queueDir, "copy.sqlite");
    const entries = fx.facilitator.queue.all();
    expect(entries).to.have.length(3);
    const queue = new SettlementQueue(file);
    for (const entry of entries) queue.enqueue(entry.item);
    queue.close();

    const reopened = new SettlementQueue(file);
    try {
      expect(reopened.all().map((e) => e.item)).to.deep.equal(entries.map((e) => e.item));
      expect(() => reopened.enqueue(entries[0].item)).to.throw(DuplicateRequestError);
      const client0 = entries[0].item.client;
      expect(reopened.reserved(client0, "wallet")).to.equal(entries[0].item.price);
      expect(reopened.reserved(client0, "deposit")).to.equal(0n);
      expect(reopened.reserved(entries[1].item.client, "deposit")).to.equal(entries[1].item.price);
    } finally {
      reopened.close();
    }
  });

  it("puts a batch back in the queue when its nonce was never used, and sends it once", async function () {
    const dir = mkdtempSync(path.join(tmpdir(), "tierproof-x402-queue-"));
    const queue = new SettlementQueue(path.join(dir, "q.sqlite"));
    try {
      for (const entry of fx.facilitator.queue.all().slice(0, 2)) queue.enqueue(entry.item);
      const signers = await fx.scenario.connection.ethers.getSigners();
      const submitter = signers[signers.length - 2];
      const opened = queue.openBatch(10)!;
      queue.reserveNonce(opened.batch.id, await submitter.getNonce("pending"));

      const settler = new BatchSettler(queue, fx.scenario.system.settlement, submitter, {
        batchSize: 10,
        maxWaitMs: 0,
      });
      await settler.recover();
      expect(queue.counts()).to.deep.include({ queued: 2, batched: 0 });
      await settler.flush();
      expect(queue.counts()).to.deep.include({ settled: 2 });
      expect(settler.reports).to.have.length(1);
    } finally {
      queue.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("resolves from the chain a batch sent without its hash recorded (crash between send and record), sending nothing", async function () {
    const dir = mkdtempSync(path.join(tmpdir(), "tierproof-x402-queue-"));
    const queue = new SettlementQueue(path.join(dir, "q.sqlite"));
    try {
      const [entry] = fx.facilitator.queue.all().slice(2);
      queue.enqueue(entry.item);
      const signers = await fx.scenario.connection.ethers.getSigners();
      const submitter = signers[signers.length - 2];
      const opened = queue.openBatch(10)!;
      const nonce = await submitter.getNonce("pending");
      queue.reserveNonce(opened.batch.id, nonce);
      // The transaction goes out, then the process "dies" before markSent.
      await (
        await fx.scenario.system.settlement.connect(submitter).settle([entry.item], Mode.Partial, { nonce })
      ).wait();

      const settler = new BatchSettler(queue, fx.scenario.system.settlement, submitter, {
        batchSize: 10,
        maxWaitMs: 0,
      });
      await settler.recover();
      expect(queue.counts()).to.deep.include({ settled: 1, queued: 0, batched: 0 });
      await settler.flush();
      expect(settler.reports).to.have.length(0);
      expect(await submitter.getNonce("pending")).to.equal(nonce + 1);
    } finally {
      queue.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
