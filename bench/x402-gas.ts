/**
 * Gas per settled item for each payment scheme (escrow with signed orders, x402 `exact` = EIP-3009, batched x402
 * `upto` = vouchers), in one 100-item batch per tier, on the in-process network. Writes bench/x402-gas.md.
 * Run: `npm run bench:x402-gas`.
 *
 * Every (tier, payment) pair settles two consecutive batches from the same state (a snapshot taken after set-up,
 * restored before each pair): the first creates each client's request-id bitmap word and voucher state, the second
 * is the steady state. The orders and results of one tier are the same in every scheme (a payment is not part of the
 * order); only the client's authorisation differs.
 */
import { writeFileSync } from "node:fs";

import { network } from "hardhat";

import { setUpScenario } from "../sdk/testing/local/scenario.js";
import { Payment } from "../sdk/lib/settlement/item.js";
import { submitBatch } from "../sdk/lib/settlement/submit.js";
import { ALL_TIERS, Mode, Tier } from "../sdk/lib/tiers.js";
import { releaseProverThreads } from "../sdk/lib/zk/prove.js";

import { BATCH, CLIENTS, authorised, provenBatches } from "./x402Batches.js";

const OUTPUT = new URL("./x402-gas.md", import.meta.url);
const PAYMENTS = [Payment.Escrow, Payment.Exact, Payment.Voucher] as const;

const connection = await network.create();
const scenario = await setUpScenario(connection, { clientCount: CLIENTS });
const { settlement, token } = scenario.system;
for (const client of scenario.clients) await (await token.mint(await client.getAddress(), 1_000_000_000n)).wait();
const snapshot = await connection.networkHelpers.takeSnapshot();

const rows: string[] = [];
const perItem: Record<string, bigint> = {};
for (const tier of ALL_TIERS) {
  await snapshot.restore();
  const escrowItems = await provenBatches(scenario, tier);
  const cells: string[] = [];
  for (const payment of PAYMENTS) {
    await snapshot.restore();
    const { first, next, vouchers } = await authorised(scenario, escrowItems, payment);
    const gas: bigint[] = [];
    for (const [k, batch] of [first, next].entries()) {
      const { receipt, outcomes } = await submitBatch(settlement, batch, Mode.Atomic, vouchers[k]);
      if (!outcomes.every((o) => o.settled)) throw new Error(`${Tier[tier]}/${Payment[payment]}: rejected items`);
      gas.push(receipt.gasUsed / BigInt(BATCH));
    }
    perItem[`${Tier[tier]}/${Payment[payment]}`] = gas[1];
    cells.push(`${gas[1]} (${gas[0]})`);
    console.log(`${Tier[tier]} ${Payment[payment]}: ${gas[1]} per item (first batch ${gas[0]})`);
  }
  rows.push(`| ${Tier[tier]} | ${cells.join(" | ")} |`);
}
await releaseProverThreads();

const target = (tier: Tier) => perItem[`${Tier[tier]}/Voucher`] <= 20_000n;
const table = `# x402 payments: gas per settled item

Produced by \`npm run bench:x402-gas\` (bench/x402-gas.ts) on ${new Date().toISOString().slice(0, 10)}: Hardhat 3 in-process
network (EDR, default hardfork), solc 0.8.30 with the optimizer at 200 runs, circuit \`Linear_4\`.

For each tier and payment scheme, two consecutive ${BATCH}-item batches (${CLIENTS} clients, one provider; a client's
request ids consecutive and its items together in the batch) are settled with \`settle\` / \`settleWithVouchers\` in \`Atomic\` mode, starting from the same
state. Gas per item is the whole transaction's gas (21,000 base and calldata included) divided by ${BATCH}. The main
figure is the second batch, a facilitator's steady state (each client's request-id bitmap word, voucher state and
balances already written once); the first batch, in parentheses, also pays for creating those storage slots
(20,000 gas each).

| tier | escrow (signed order per item) | \`exact\` (EIP-3009 per item) | batched (one voucher per client and provider per batch) |
|---|---|---|---|
${rows.join("\n")}

Target for batched payments in a ${BATCH}-item batch, ≤ 20,000 gas per SIGNED or TEE item (steady state):
SIGNED ${target(Tier.SIGNED) ? "met" : "NOT met"}, TEE ${target(Tier.TEE) ? "met" : "NOT met"}.

- escrow: per item the client's order signature (ecrecover) and the escrow debit.
- \`exact\`: per item a \`receiveWithAuthorization\` call to the token (its ecrecover, a new nonce slot, two balance
  writes) instead of the order signature; no escrow needed.
- batched: per item only the order's link in the pair's hash chain (one keccak); per (client, provider) one voucher
  signature and one write of the pair's state.
- SIGNED, in every scheme: the deployment wires the dispute path, so what SIGNED items pay is held per (batch,
  provider) for the challenge window: per batch one held entry per provider, keyed by the batch's results hash (one
  new storage word here), per item one leaf hash in memory (\`bench/disputes-gas.md\`).
- Where a steady-state batched item's gas goes (TEE; \`npm run bench:x402-gas-trace\` traces the batch):
  calldata ≈ 5,370 (an ABI-encoded \`Item\` is ~590 bytes), the \`ItemSettled\` log ≈ 3,150 (three indexed topics,
  five data words), the result signature's ecrecover ≈ 3,220, the rest is the item's checks and bookkeeping (order
  and result hashes, voucher chain, caches) plus its share of the per-batch storage writes (voucher states, deposits,
  request-id bitmap words, tier statistics). The statistics epoch is emitted once per batch (\`BatchSettled\`), not
  per item.
`;
writeFileSync(OUTPUT, table);
console.log(table);
