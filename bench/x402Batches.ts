/**
 * The two consecutive 100-item batches that bench/x402-gas.ts measures and bench/x402-gas-trace.ts traces: the same
 * proven orders and results of one tier, grouped by client, authorised by escrow, `exact` or vouchers.
 */
import type { Signer } from "ethers";

import { requestInference, sampleInput, type Scenario } from "../sdk/testing/local/scenario.js";
import { Payment, type SettlementItem } from "../sdk/lib/settlement/item.js";
import { authorizeExactPayment, encodeExactAuthorization } from "../sdk/lib/settlement/payments.js";
import { VoucherSession, type Voucher } from "../sdk/lib/settlement/vouchers.js";
import { Tier } from "../sdk/lib/tiers.js";

export const BATCH = 100;
export const CLIENTS = 4;

/** Two batches of `tier` results (2 × `BATCH`, clients in turn), each grouped by client as a facilitator orders it. */
export async function provenBatches(scenario: Scenario, tier: Tier): Promise<SettlementItem[]> {
  scenario.requestIds.clear();
  const items: SettlementItem[] = [];
  for (let i = 0; i < 2 * BATCH; i++) {
    const { item } = await requestInference(scenario, {
      client: scenario.clients[i % CLIENTS],
      tier,
      input: sampleInput(scenario.model, i),
    });
    items.push(item);
    if ((i + 1) % 50 === 0) console.log(`${Tier[tier]}: ${i + 1}/${2 * BATCH} results proven`);
  }
  const clients = await Promise.all(scenario.clients.map((c) => c.getAddress()));
  // Each batch grouped by client, as a facilitator orders it (and as `VoucherBatcher.drain` hands it out).
  const byClient = (batch: SettlementItem[]) =>
    clients.flatMap((address) => batch.filter((item) => item.client === address));
  return [...byClient(items.slice(0, BATCH)), ...byClient(items.slice(BATCH))];
}

/** The same orders and results (two consecutive batches), authorised for `payment`. */
export async function authorised(scenario: Scenario, escrowItems: readonly SettlementItem[], payment: Payment) {
  const clientsByAddress = new Map<string, Signer>(
    await Promise.all(scenario.clients.map(async (c) => [await c.getAddress(), c] as const)),
  );
  const { settlement } = scenario.system;
  const items: SettlementItem[] = [];
  const vouchers: Voucher[][] = [[], []];
  const sessions = new Map<string, VoucherSession>();
  const latest = new Map<string, Voucher>();
  for (const [index, item] of escrowItems.entries()) {
    const client = clientsByAddress.get(item.client)!;
    if (payment === Payment.Escrow) {
      items.push(item);
    } else if (payment === Payment.Exact) {
      const auth = await authorizeExactPayment(client, scenario.domain, scenario.tokenDomain, item, {
        validBefore: item.deadline,
      });
      items.push({ ...item, payment, clientSignature: encodeExactAuthorization(auth) });
    } else {
      let session = sessions.get(item.client);
      if (session === undefined) {
        session = await VoucherSession.fromChain(settlement, client, scenario.domain, item.provider);
        sessions.set(item.client, session);
      }
      latest.set(item.client, await session.authorize(item));
      items.push({ ...item, payment, clientSignature: "0x" });
    }
    if (index === BATCH - 1 || index === 2 * BATCH - 1) {
      vouchers[index === BATCH - 1 ? 0 : 1] = [...latest.values()];
      latest.clear();
    }
  }
  return { first: items.slice(0, BATCH), next: items.slice(BATCH), vouchers };
}
