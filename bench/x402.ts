/**
 * Load run of the x402 gateway on loopback: how many paid inferences per second the gateway serves per tier and
 * payment scheme. `npm run bench:x402` (hardhat run bench/x402.ts) → bench/x402.md.
 *
 * Bounded: a fixed number of requests per row (REQUESTS, fewer for ZK), CONCURRENCY clients at a time, all on
 * 127.0.0.1; the chain is Hardhat's in-process network; the facilitator (same process) verifies every payment,
 * simulates every result with an eth_call and settles in batches of 100 (or after 1 s) while the load runs.
 * Everything shares one Node process and the machine's cores: the figures are end-to-end throughput of the whole
 * pipeline (client signing, HTTP, facilitator checks, inference and proving), not of the HTTP layer alone.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";

import { Wallet } from "ethers";
import { network } from "hardhat";

import { SCENARIO_CIRCUIT, sampleInput, setUpScenario } from "../sdk/testing/local/scenario.js";
import { VoucherSession } from "../sdk/lib/settlement/vouchers.js";
import { ALL_TIERS, Tier } from "../sdk/lib/tiers.js";
import { connectTierproof } from "../sdk/lib/x402/chain.js";
import { payForInference, type VoucherSessions } from "../sdk/lib/x402/client.js";
import { startFacilitator } from "../sdk/services/x402/facilitator.js";
import { startGateway } from "../sdk/services/x402/gateway.js";
import { ALL_SCHEMES, type TierproofScheme } from "../sdk/lib/x402/payload.js";
import { releaseProverThreads } from "../sdk/lib/zk/prove.js";
import { loadCircuitInstance } from "../sdk/tooling/zk/circuitFiles.js";

const REQUESTS: Record<Tier, number> = { [Tier.ZK]: 24, [Tier.TEE]: 120, [Tier.SIGNED]: 120 };
const CONCURRENCY = 8;
const FUNDS = 10n ** 12n;

const connection = await network.create();
const scenario = await setUpScenario(connection, { clientCount: 1 });
const { system } = scenario;
const settlementAddress = await system.settlement.getAddress();
const providerAddress = await scenario.provider.getAddress();
const [admin] = await connection.ethers.getSigners();
const signers = await connection.ethers.getSigners();

// Clients with local keys (signing in-process, as a real client would), funded in wallet and escrow.
const clients = Array.from(
  { length: CONCURRENCY },
  (_, i) => new Wallet(`0x${(i + 1).toString(16).padStart(64, "7")}`),
);
await (await system.token.mint(await admin.getAddress(), FUNDS * BigInt(CONCURRENCY))).wait();
await (await system.token.approve(settlementAddress, FUNDS * BigInt(CONCURRENCY))).wait();
for (const client of clients) {
  await (await system.token.mint(client.address, FUNDS)).wait();
  await (await system.settlement.depositFor(client.address, FUNDS)).wait();
}

const queueDir = mkdtempSync(path.join(tmpdir(), "tierproof-bench-x402-"));
const facilitator = await startFacilitator({
  submitter: signers[signers.length - 1],
  settlement: settlementAddress,
  queuePath: path.join(queueDir, "queue.sqlite"),
  policy: { batchSize: 100, maxWaitMs: 1000, pollMs: 50 },
});
const chain = await connectTierproof(connection.ethers.provider, settlementAddress);
const gateway = await startGateway({
  chain,
  provider: providerAddress,
  models: [{ modelId: scenario.modelId, circuit: loadCircuitInstance(SCENARIO_CIRCUIT), provers: scenario.provers }],
  facilitatorUrl: facilitator.url,
});
const url = gateway.inferUrl(scenario.modelId);

interface Row {
  tier: Tier;
  scheme: TierproofScheme;
  concurrency: number;
  requests: number;
  seconds: number;
  p50: number;
  p95: number;
}

async function run(tier: Tier, scheme: TierproofScheme, requests: number, concurrency = CONCURRENCY): Promise<Row> {
  const sessions = await Promise.all(
    clients.map(async (client) => {
      const map: VoucherSessions = new Map();
      if (scheme === "upto") {
        const session = await VoucherSession.fromChain(system.settlement, client, scenario.domain, providerAddress);
        map.set(providerAddress.toLowerCase(), session);
      }
      return map;
    }),
  );
  // Wait until earlier rows' vouchers are settled, so voucher sessions start from the chain.
  await facilitator.settler.flush();
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    clients.slice(0, concurrency).map(async (client, c) => {
      for (let i = next++; i < requests; i = next++) {
        const t0 = performance.now();
        await payForInference({
          url,
          tier,
          scheme,
          input: sampleInput(scenario.model, i),
          signer: client,
          sessions: sessions[c],
        });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { tier, scheme, concurrency, requests, seconds, p50: at(0.5), p95: at(0.95) };
}

const load = loadavg()[0];
const rows: Row[] = [];
// Warm-up (JIT, snarkjs curve, caches): not measured.
await run(Tier.SIGNED, "exact", CONCURRENCY);
await run(Tier.ZK, "exact", 2);
for (const tier of ALL_TIERS) {
  rows.push(await run(tier, "exact", REQUESTS[tier]));
  console.log(`${Tier[tier]} exact: ${(rows.at(-1)!.requests / rows.at(-1)!.seconds).toFixed(1)} req/s`);
}
for (const scheme of ALL_SCHEMES.filter((s) => s !== "exact")) {
  rows.push(await run(Tier.SIGNED, scheme, REQUESTS[Tier.SIGNED]));
  console.log(`SIGNED ${scheme}: ${(rows.at(-1)!.requests / rows.at(-1)!.seconds).toFixed(1)} req/s`);
}
rows.push(await run(Tier.SIGNED, "exact", 40, 1));
console.log(`SIGNED exact, one client: ${(rows.at(-1)!.requests / rows.at(-1)!.seconds).toFixed(1)} req/s`);
await facilitator.settler.flush();
const counts = facilitator.queue.counts();

const table = rows
  .map(
    (r) =>
      `| ${Tier[r.tier]} | \`${r.scheme}\` | ${r.requests} | ${r.concurrency} | ${(r.requests / r.seconds).toFixed(1)} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} |`,
  )
  .join("\n");
const markdown = `# x402 gateway: paid inferences per second

Produced by \`npm run bench:x402\` (bench/x402.ts) on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores
(${cpus()[0]?.model ?? "unknown CPU"}, shared: 1-minute load average ${load.toFixed(1)} when the run started), Node
${process.version}, model \`${SCENARIO_CIRCUIT}\`, Hardhat's in-process network.

Each row sends a fixed number of paid requests from concurrent clients (${CONCURRENCY}, or 1 in the last row) over HTTP on 127.0.0.1 to the
gateway (\`@x402/express\`), which has the facilitator verify each payment over HTTP, runs the reference inference and
the tier's prover, and has the facilitator check the result (an \`eth_call\` of \`settle\`) and queue it in SQLite; the
facilitator settles batches of 100 (or after 1 s) while the load runs. Client signing, gateway, facilitator and chain
share one Node process and the machine's cores, so these are end-to-end figures of the whole pipeline.
Latency is per paid request (402, payment, 200: two HTTP round trips).

| tier | scheme | requests | concurrency | requests/s | p50 ms | p95 ms |
|---|---|---|---|---|---|---|
${table}

Settled during the run: ${counts.settled} results, ${counts.rejected} rejected, ${counts.queued + counts.batched} left waiting.

The ZK rows are bound by Groth16 proving (snarkjs, one proof per request); TEE and SIGNED by the facilitator's per-request
checks (a signature recovery, registry reads and the \`eth_call\` simulation) and the two HTTP round trips.

Gas per settled item for \`exact\` versus batched (\`upto\`) payments is in [x402-gas.md](x402-gas.md)
(\`npm run bench:x402-gas\`).
`;
writeFileSync(new URL("./x402.md", import.meta.url), markdown);
console.log(markdown);

await gateway.close();
await facilitator.close();
rmSync(queueDir, { recursive: true, force: true });
await releaseProverThreads();
