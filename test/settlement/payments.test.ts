import { expect } from "chai";
import { Wallet, id } from "ethers";
import { network } from "hardhat";

import { requestInference, sampleInput, setUpScenario, type Scenario } from "../../sdk/local/scenario.js";
import { Payment, type SettlementItem } from "../../sdk/settlement/item.js";
import {
  authorizeExactPayment,
  decodeExactAuthorization,
  encodeExactAuthorization,
  exactPaymentNonce,
  signReceiveAuthorization,
} from "../../sdk/settlement/payments.js";
import { submitBatch } from "../../sdk/settlement/submit.js";
import { orderDigest } from "../../sdk/settlement/typedData.js";
import {
  EMPTY_ORDERS_HEAD,
  VoucherBatcher,
  chainOrders,
  readVoucherState,
  signVoucher,
  voucherDigest,
  type Voucher,
} from "../../sdk/settlement/vouchers.js";
import { Mode, Tier } from "../../sdk/tiers.js";

const connection = await network.create();
const { networkHelpers } = connection;

/** The named fixture: one provider on all tiers, three clients with deposits and token balances of their own. */
async function paymentSystem(): Promise<Scenario> {
  const scenario = await setUpScenario(connection, { clientCount: 3, deposit: 1_000_000n });
  for (const client of scenario.clients) {
    await (await scenario.system.token.mint(await client.getAddress(), 1_000_000n)).wait();
  }
  return scenario;
}

/** Every balance settlement may touch: deposits and token balances of the clients, earnings, tokens held. */
async function balances(scenario: Scenario) {
  const { settlement, token } = scenario.system;
  const clients = await Promise.all(scenario.clients.map((c) => c.getAddress()));
  return {
    deposits: await Promise.all(clients.map((c) => settlement.depositOf(c))),
    wallets: await Promise.all(clients.map((c) => token.balanceOf(c))),
    earnings: await settlement.earningsOf(await scenario.provider.getAddress()),
    held: await token.balanceOf(await settlement.getAddress()),
  };
}

async function exactItem(scenario: Scenario, tier: Tier, seed = 0, client = 0): Promise<SettlementItem> {
  const { item } = await requestInference(scenario, {
    client: scenario.clients[client],
    tier,
    input: sampleInput(scenario.model, seed),
    payment: Payment.Exact,
  });
  return item;
}

async function voucherItem(scenario: Scenario, tier: Tier, seed = 0, client = 0) {
  const { item, voucher } = await requestInference(scenario, {
    client: scenario.clients[client],
    tier,
    input: sampleInput(scenario.model, seed),
    payment: Payment.Voucher,
  });
  return { item, voucher: voucher! };
}

describe("InferenceSettlement payments", function () {
  describe("exact (EIP-3009 receiveWithAuthorization, nonce = order digest)", function () {
    it("pulls exactly the price of each verified item from the client's wallet and credits the provider", async function () {
      const scenario = await networkHelpers.loadFixture(paymentSystem);
      const { settlement, token } = scenario.system;
      const items = [
        await exactItem(scenario, Tier.ZK, 1, 0),
        await exactItem(scenario, Tier.TEE, 2, 1),
        await exactItem(scenario, Tier.SIGNED, 3, 2),
      ];
      const before = await balances(scenario);

      const { outcomes } = await submitBatch(settlement, items, Mode.Atomic);

      expect(outcomes.every((o) => o.settled)).to.equal(true);
      const after = await balances(scenario);
      expect(after.deposits).to.deep.equal(before.deposits);
      for (let c = 0; c < 3; c++) expect(before.wallets[c] - after.wallets[c]).to.equal(items[c].price);
      const total = items.reduce((sum, it) => sum + it.price, 0n);
      expect(after.earnings - before.earnings).to.equal(total);
      expect(after.held - before.held).to.equal(total);
      for (const it of items) {
        expect(await token.authorizationState(it.client, exactPaymentNonce(scenario.domain, it))).to.equal(true);
        expect(await settlement.isRequestSettled(it.client, it.requestId)).to.equal(true);
      }
    });
  });

  describe("vouchers (batched, x402 upto)", function () {
    it("pays a batch of several clients' orders with one voucher per client and provider", async function () {
      const scenario = await networkHelpers.loadFixture(paymentSystem);
      const { settlement } = scenario.system;
      const provider = await scenario.provider.getAddress();
      const batcher = new VoucherBatcher(scenario.domain);
      for (let i = 0; i < 6; i++) {
        const { item, voucher } = await voucherItem(scenario, [Tier.ZK, Tier.TEE, Tier.SIGNED][i % 3], i, i % 2);
        batcher.add(item, voucher, await readVoucherState(settlement, item.client, provider));
      }
      const { items, vouchers } = batcher.drain();
      expect(vouchers.length).to.equal(2);
      const before = await balances(scenario);

      const { outcomes } = await submitBatch(settlement, items, Mode.Atomic, vouchers);

      expect(outcomes.every((o) => o.settled)).to.equal(true);
      const after = await balances(scenario);
      for (const voucher of vouchers) {
        const c = scenario.clients.findIndex(
          (_, k) => before.deposits[k] !== after.deposits[k] && items.some((it) => it.client === voucher.client),
        );
        expect(c).to.be.greaterThanOrEqual(0);
        const state = await readVoucherState(settlement, voucher.client, provider);
        expect(state.ordersHead).to.equal(voucher.ordersHead);
        const paid = items.filter((it) => it.client === voucher.client).reduce((sum, it) => sum + it.price, 0n);
        expect(state.paid).to.equal(paid);
      }
      const total = items.reduce((sum, it) => sum + it.price, 0n);
      expect(after.earnings - before.earnings).to.equal(total);
      expect(after.held).to.equal(before.held);
    });
  });
});
