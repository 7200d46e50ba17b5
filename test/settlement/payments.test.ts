import { expect } from "chai";
import { Wallet, id } from "ethers";
import { network } from "hardhat";

import { challengeSignedResult, proveContradiction } from "../../sdk/lib/disputes/challenge.js";
import { heldSignedEarnings, signedBatchesFromLogs } from "../../sdk/lib/disputes/records.js";
import {
  SCENARIO_CIRCUIT,
  requestInference,
  sampleInput,
  setUpScenario,
  type Scenario,
} from "../../sdk/testing/local/scenario.js";
import { inferLinear } from "../../sdk/lib/models/linear.js";
import { Payment, type Hex, type SettlementItem } from "../../sdk/lib/settlement/item.js";
import {
  authorizeExactPayment,
  decodeExactAuthorization,
  encodeExactAuthorization,
  exactPaymentNonce,
  signReceiveAuthorization,
  type ReceiveAuthorization,
} from "../../sdk/lib/settlement/payments.js";
import { submitBatch } from "../../sdk/lib/settlement/submit.js";
import { orderDigest } from "../../sdk/lib/settlement/typedData.js";
import {
  EMPTY_ORDERS_HEAD,
  VoucherBatcher,
  chainOrders,
  readVoucherState,
  signVoucher,
  voucherDigest,
  type Voucher,
} from "../../sdk/lib/settlement/vouchers.js";
import { Mode, Tier } from "../../sdk/lib/tiers.js";
import { releaseProverThreads } from "../../sdk/lib/zk/prove.js";
import { fulfilOrder } from "../../sdk/lib/settlement/fulfil.js";
import { buildOrder } from "../../sdk/lib/settlement/order.js";
import { RequestIdAllocator } from "../../sdk/lib/settlement/requestIds.js";
import { TestERC1271Wallet__factory } from "../../typechain-types/index.js";
import { repositoryCircuit } from "../../sdk/tooling/zk/circuitFiles.js";

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

/** The fixture, with the clients' voucher sessions restarted from the (reverted) chain. */
async function fresh(): Promise<Scenario> {
  const scenario = await networkHelpers.loadFixture(paymentSystem);
  scenario.voucherSessions.clear();
  return scenario;
}

/** The provider's withdrawable earnings plus its SIGNED earnings held for the challenge window. */
async function providerCredit(scenario: Scenario): Promise<bigint> {
  const { settlement } = scenario.system;
  const provider = await scenario.provider.getAddress();
  return (await settlement.earningsOf(provider)) + (await heldSignedEarnings(settlement, provider));
}

/** Every balance settlement may touch: deposits and token balances of the clients, earnings (withdrawable or held
 * for the SIGNED challenge window), tokens held. */
async function balances(scenario: Scenario) {
  const { settlement, token } = scenario.system;
  const clients = await Promise.all(scenario.clients.map((c) => c.getAddress()));
  return {
    deposits: await Promise.all(clients.map((c) => settlement.depositOf(c))),
    wallets: await Promise.all(clients.map((c) => token.balanceOf(c))),
    earnings: await providerCredit(scenario),
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

/** Re-signs an exact item's EIP-3009 authorisation with some fields changed (as its client, unless `signer` given). */
async function reauthorize(
  scenario: Scenario,
  it: SettlementItem,
  change: Partial<ReceiveAuthorization>,
  signer = scenario.clients[0],
): Promise<SettlementItem> {
  const auth = await signReceiveAuthorization(signer, scenario.tokenDomain, {
    from: it.client,
    to: await scenario.system.settlement.getAddress(),
    value: it.price,
    validAfter: 0n,
    validBefore: it.deadline,
    nonce: orderDigest(scenario.domain, it),
    ...change,
  });
  return { ...it, clientSignature: encodeExactAuthorization(auth) };
}

/** The revert data of a token error, as `SettlementPaymentFailed` carries it. */
function tokenError(scenario: Scenario, name: string, args: unknown[]): string {
  return scenario.system.token.interface.encodeErrorResult(name, args);
}

/** `count` voucher items of client `client`, and the voucher its session signed last (covering all of them). */
async function voucherBatch(scenario: Scenario, count: number, client = 0, firstSeed = 0) {
  const items: SettlementItem[] = [];
  let voucher: Voucher | undefined;
  for (let i = 0; i < count; i++) {
    const made = await voucherItem(scenario, [Tier.SIGNED, Tier.TEE, Tier.ZK][i % 3], firstSeed + i, client);
    items.push(made.item);
    voucher = made.voucher;
  }
  return { items, voucher: voucher! };
}

describe("InferenceSettlement payments", function () {
  after(releaseProverThreads);

  describe("exact (EIP-3009 receiveWithAuthorization, nonce = order digest)", function () {
    it("pulls exactly the price of each verified item from the client's wallet and credits the provider", async function () {
      const scenario = await fresh();
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

    it("accepts the SDK's encoding and nonce: orderDigest on chain is the EIP-3009 nonce", async function () {
      const scenario = await fresh();
      const it = await exactItem(scenario, Tier.SIGNED);
      const decoded = decodeExactAuthorization(it.clientSignature);
      expect(decoded.validBefore).to.equal(it.deadline);
      expect(decoded.signature.length).to.equal(2 + 130);
      expect(await scenario.system.settlement.orderDigest(it)).to.equal(exactPaymentNonce(scenario.domain, it));
      const auth = await authorizeExactPayment(scenario.clients[0], scenario.domain, scenario.tokenDomain, it, {
        validBefore: it.deadline,
      });
      expect(auth.to).to.equal(await scenario.system.settlement.getAddress());
      expect(auth.value).to.equal(it.price);
    });

    /** Each misuse of an exact authorisation, the inner token error it meets, and that nothing moves. */
    const misuses: {
      name: string;
      build: (s: Scenario) => Promise<SettlementItem>;
      inner: (s: Scenario, it: SettlementItem) => Promise<[string, unknown[]]> | [string, unknown[]];
    }[] = [
      {
        name: "the authorisation's nonce is not the order's digest",
        build: async (s) => reauthorize(s, await exactItem(s, Tier.SIGNED), { nonce: id("random nonce") as Hex }),
        inner: (_s, it) => ["ERC3009InvalidSignature", [it.client]],
      },
      {
        name: "the authorisation pays another payee (the provider directly)",
        build: async (s) => reauthorize(s, await exactItem(s, Tier.SIGNED), { to: await s.provider.getAddress() }),
        inner: (_s, it) => ["ERC3009InvalidSignature", [it.client]],
      },
      {
        name: "the authorisation is for less than the price",
        build: async (s) => {
          const it = await exactItem(s, Tier.SIGNED);
          return reauthorize(s, it, { value: it.price - 1n });
        },
        inner: (_s, it) => ["ERC3009InvalidSignature", [it.client]],
      },
      {
        name: "the authorisation was made for another order of the client (request id changed)",
        build: async (s) => {
          const it = await exactItem(s, Tier.SIGNED, 1);
          const other = await exactItem(s, Tier.SIGNED, 1);
          return { ...other, clientSignature: it.clientSignature };
        },
        inner: (_s, it) => ["ERC3009InvalidSignature", [it.client]],
      },
      {
        name: "the authorisation is signed by someone other than the client",
        build: async (s) => {
          const it = await exactItem(s, Tier.SIGNED);
          const stranger = new Wallet(id("stranger"));
          const auth = await signReceiveAuthorization(stranger, s.tokenDomain, {
            from: stranger.address,
            to: await s.system.settlement.getAddress(),
            value: it.price,
            validAfter: 0n,
            validBefore: it.deadline,
            nonce: orderDigest(s.domain, it),
          });
          return { ...it, clientSignature: encodeExactAuthorization(auth) };
        },
        inner: (_s, it) => ["ERC3009InvalidSignature", [it.client]],
      },
      {
        name: "the authorisation has expired",
        build: async (s) => {
          const now = BigInt(await networkHelpers.time.latest());
          const { item } = await requestInference(s, {
            client: s.clients[0],
            tier: Tier.SIGNED,
            input: sampleInput(s.model, 0),
            payment: Payment.Exact,
            validBefore: now + 30n,
          });
          await networkHelpers.time.increase(60);
          return item;
        },
        inner: (_s, it) => ["ERC3009Expired", [decodeExactAuthorization(it.clientSignature).validBefore]],
      },
      {
        name: "the authorisation is not valid yet",
        build: async (s) => {
          const it = await exactItem(s, Tier.SIGNED);
          return reauthorize(s, it, { validAfter: it.deadline - 10n, validBefore: it.deadline });
        },
        inner: (_s, it) => ["ERC3009NotYetValid", [it.deadline - 10n]],
      },
      {
        name: "the client cancelled the authorisation before settlement",
        build: async (s) => {
          const it = await exactItem(s, Tier.SIGNED);
          const nonce = orderDigest(s.domain, it);
          const signature = await s.clients[0].signTypedData(
            s.tokenDomain,
            {
              CancelAuthorization: [
                { name: "authorizer", type: "address" },
                { name: "nonce", type: "bytes32" },
              ],
            },
            { authorizer: it.client, nonce },
          );
          await (await s.system.token.cancelAuthorization(it.client, nonce, signature)).wait();
          return it;
        },
        inner: (s, it) => ["ERC3009AuthorizationUsed", [it.client, orderDigest(s.domain, it)]],
      },
    ];

    for (const misuse of misuses) {
      it(`reverts in Atomic mode with SettlementPaymentFailed, moving nothing, when ${misuse.name}`, async function () {
        const scenario = await fresh();
        const { settlement } = scenario.system;
        const bad = await misuse.build(scenario);
        const good = await exactItem(scenario, Tier.TEE, 9, 1);
        const before = await balances(scenario);
        const [name, args] = await misuse.inner(scenario, bad);

        await expect(settlement.settle([good, bad], Mode.Atomic))
          .to.be.revertedWithCustomError(settlement, "SettlementPaymentFailed")
          .withArgs(bad.requestId, tokenError(scenario, name, args));

        expect(await balances(scenario)).to.deep.equal(before);
        expect(await settlement.isRequestSettled(good.client, good.requestId)).to.equal(false);
      });
    }

    it("in Partial mode skips items whose authorisation fails and settles the rest", async function () {
      const scenario = await fresh();
      const { settlement } = scenario.system;
      const bads = [];
      for (const misuse of misuses.filter((m) => !/expired|cancelled/.test(m.name)))
        bads.push(await misuse.build(scenario));
      const goods = [await exactItem(scenario, Tier.ZK, 11, 1), await exactItem(scenario, Tier.TEE, 12, 2)];
      const before = await balances(scenario);

      const { outcomes } = await submitBatch(settlement, [goods[0], ...bads, goods[1]], Mode.Partial);

      expect(outcomes.filter((o) => o.settled).map((o) => o.requestId)).to.deep.equal(goods.map((g) => g.requestId));
      for (const o of outcomes.filter((o) => !o.settled)) expect(o.reason).to.match(/^SettlementPaymentFailed\(/);
      const after = await balances(scenario);
      expect(after.wallets[0]).to.equal(before.wallets[0]);
      expect(after.earnings - before.earnings).to.equal(goods[0].price + goods[1].price);
    });

    it("pulls nothing for an item whose result does not verify, and the authorisation stays unused", async function () {
      const scenario = await fresh();
      const { settlement, token } = scenario.system;
      const it = await exactItem(scenario, Tier.SIGNED, 3);
      const forged = { ...it, outputHash: (await exactItem(scenario, Tier.SIGNED, 4)).outputHash };
      const before = await balances(scenario);

      const { outcomes } = await submitBatch(settlement, [forged], Mode.Partial);

      expect(outcomes[0].settled).to.equal(false);
      expect(outcomes[0].reason).to.match(/^SettlementUnknownSigner\(/);
      expect(await balances(scenario)).to.deep.equal(before);
      expect(await token.authorizationState(it.client, orderDigest(scenario.domain, it))).to.equal(false);
      // The genuine result still settles with the same authorisation.
      expect((await submitBatch(settlement, [it], Mode.Atomic)).outcomes[0].settled).to.equal(true);
    });

    it("refuses a replayed item (the request id is spent) and a direct pull of the authorisation by anyone else", async function () {
      const scenario = await fresh();
      const { settlement, token } = scenario.system;
      const it = await exactItem(scenario, Tier.TEE);
      await (await settlement.settle([it], Mode.Atomic)).wait();
      const before = await balances(scenario);

      await expect(settlement.settle([it], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementRequestAlreadySettled")
        .withArgs(it.client, it.requestId);
      const { validAfter, validBefore, signature } = decodeExactAuthorization(it.clientSignature);
      const settlementAddress = await settlement.getAddress();
      await expect(
        token
          .connect(scenario.provider)
          .receiveWithAuthorization(
            it.client,
            settlementAddress,
            it.price,
            validAfter,
            validBefore,
            orderDigest(scenario.domain, it),
            signature,
          ),
      )
        .to.be.revertedWithCustomError(token, "ERC3009CallerNotPayee")
        .withArgs(await scenario.provider.getAddress(), settlementAddress);
      expect(await balances(scenario)).to.deep.equal(before);
    });

    it("rejects an authorisation too short to hold its validity window", async function () {
      const scenario = await fresh();
      const { settlement } = scenario.system;
      const it = { ...(await exactItem(scenario, Tier.SIGNED)), clientSignature: `0x${"00".repeat(63)}` as Hex };
      await expect(settlement.settle([it], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementMalformedPayment")
        .withArgs(it.requestId);
    });
  });

  describe("vouchers (batched, x402 upto)", function () {
    it("pays a batch of several clients' orders with one voucher per client and provider", async function () {
      const scenario = await fresh();
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
      for (const [c, voucher] of vouchers.entries()) {
        const paid = items.filter((it) => it.client === voucher.client).reduce((sum, it) => sum + it.price, 0n);
        expect(before.deposits[c] - after.deposits[c]).to.equal(paid);
        expect(await readVoucherState(settlement, voucher.client, provider)).to.deep.equal({
          paid,
          ordersHead: voucher.ordersHead,
        });
      }
      const total = items.reduce((sum, it) => sum + it.price, 0n);
      expect(after.earnings - before.earnings).to.equal(total);
      expect(after.held).to.equal(before.held);
    });

    it("voucherDigest and the order chain match the SDK", async function () {
      const scenario = await fresh();
      const { items, voucher } = await voucherBatch(scenario, 2);
      expect(voucher.ordersHead).to.equal(chainOrders(EMPTY_ORDERS_HEAD, items));
      expect(await scenario.system.settlement.voucherDigest(voucher)).to.equal(voucherDigest(scenario.domain, voucher));
      expect(voucher.cumulativeAmount).to.equal(items[0].price + items[1].price);
    });

    it("settles the next batch from the stored head with a later voucher of the same session", async function () {
      const scenario = await fresh();
      const { settlement } = scenario.system;
      const first = await voucherBatch(scenario, 3, 0, 0);
      // The client keeps ordering while the first batch settles: its later voucher chains onto the first one.
      const second = await voucherBatch(scenario, 2, 0, 10);
      await submitBatch(settlement, first.items, Mode.Atomic, [first.voucher]);
      const before = await balances(scenario);

      await expect(settlement.settleWithVouchers(second.items, [second.voucher], Mode.Atomic))
        .to.emit(settlement, "VoucherRedeemed")
        .withArgs(
          second.voucher.client,
          second.voucher.provider,
          second.voucher.cumulativeAmount,
          second.items[0].price + second.items[1].price,
          second.voucher.cumulativeAmount,
          second.voucher.ordersHead,
        );
      const after = await balances(scenario);
      expect(before.deposits[0] - after.deposits[0]).to.equal(second.items[0].price + second.items[1].price);
    });

    it("refuses a replayed voucher: its items are spent, and it does not start from the stored head", async function () {
      const scenario = await fresh();
      const { settlement } = scenario.system;
      const first = await voucherBatch(scenario, 2, 0, 0);
      await submitBatch(settlement, first.items, Mode.Atomic, [first.voucher]);
      const next = await voucherBatch(scenario, 2, 0, 10);
      const before = await balances(scenario);

      await expect(settlement.settleWithVouchers(first.items, [first.voucher], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementRequestAlreadySettled")
        .withArgs(first.items[0].client, first.items[0].requestId);
      // The old voucher offered with new orders of the client: the chain from the stored head does not reach it.
      await expect(settlement.settleWithVouchers(next.items, [first.voucher], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementVoucherChainMismatch")
        .withArgs(first.voucher.client, first.voucher.provider, next.voucher.ordersHead, first.voucher.ordersHead);
      expect(await balances(scenario)).to.deep.equal(before);
    });

    it("refuses a rollback: a voucher whose cumulative amount is below what was paid", async function () {
      const scenario = await fresh();
      const { settlement } = scenario.system;
      const first = await voucherBatch(scenario, 2, 0, 0);
      await submitBatch(settlement, first.items, Mode.Atomic, [first.voucher]);
      const next = await voucherBatch(scenario, 1, 0, 10);
      const rolledBack = await signVoucher(scenario.clients[0], scenario.domain, {
        ...next.voucher,
        cumulativeAmount: first.voucher.cumulativeAmount - 1n,
      });
      const before = await balances(scenario);

      await expect(settlement.settleWithVouchers(next.items, [rolledBack], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementVoucherRollback")
        .withArgs(rolledBack.client, rolledBack.provider, rolledBack.cumulativeAmount, first.voucher.cumulativeAmount);
      expect(await balances(scenario)).to.deep.equal(before);
    });

    it("refuses a voucher signed for another provider", async function () {
      const scenario = await fresh();
      const { settlement } = scenario.system;
      const { items, voucher } = await voucherBatch(scenario, 2);
      const [, , , , , other] = await connection.ethers.getSigners();
      const forOther = await signVoucher(scenario.clients[0], scenario.domain, {
        ...voucher,
        provider: await other.getAddress(),
      });

      // Relabelled as ours, its signature no longer holds...
      await expect(settlement.settleWithVouchers(items, [{ ...forOther, provider: voucher.provider }], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementInvalidVoucherSignature")
        .withArgs(voucher.client, voucher.provider);
      // ...and as it is, it pays none of our items.
      await expect(settlement.settleWithVouchers(items, [forOther], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementVoucherUnused")
        .withArgs(forOther.client, forOther.provider);
      await expect(settlement.settle(items, Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementNoVoucher")
        .withArgs(items[0].requestId, items[0].client, items[0].provider);
    });

    it("refuses a voucher signed by someone other than the client", async function () {
      const scenario = await fresh();
      const { settlement } = scenario.system;
      const { items, voucher } = await voucherBatch(scenario, 1);
      const forged = { ...voucher, signature: (await voucherBatch(scenario, 1, 1)).voucher.signature };
      await expect(settlement.settleWithVouchers(items, [forged], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementInvalidVoucherSignature")
        .withArgs(voucher.client, voucher.provider);
    });

    it("pays no more than the voucher: the item beyond its amount is rejected", async function () {
      const scenario = await fresh();
      const { settlement } = scenario.system;
      const { items, voucher } = await voucherBatch(scenario, 3);
      const capped = await signVoucher(scenario.clients[0], scenario.domain, {
        ...voucher,
        cumulativeAmount: items[0].price + items[1].price,
      });

      await expect(settlement.settleWithVouchers(items, [capped], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementVoucherExceeded")
        .withArgs(items[2].requestId, 0n, items[2].price);
      const before = await balances(scenario);
      const { outcomes } = await submitBatch(settlement, items, Mode.Partial, [capped]);
      expect(outcomes.map((o) => o.settled)).to.deep.equal([true, true, false]);
      expect(before.deposits[0] - (await balances(scenario)).deposits[0]).to.equal(capped.cumulativeAmount);
      expect((await readVoucherState(settlement, voucher.client, voucher.provider)).paid).to.equal(
        capped.cumulativeAmount,
      );
    });

    it("pays nothing for a rejected item and consumes its order; the others of the voucher are paid", async function () {
      const scenario = await fresh();
      const { settlement } = scenario.system;
      const { items, voucher } = await voucherBatch(scenario, 3);
      // A forged SIGNED result for the first order (another output): it cannot verify.
      const forged = { ...items[0], proof: items[1].proof };
      const batch = [forged, items[1], items[2]];
      const before = await balances(scenario);

      const { outcomes } = await submitBatch(settlement, batch, Mode.Partial, [voucher]);

      expect(outcomes.map((o) => o.settled)).to.deep.equal([false, true, true]);
      const paid = items[1].price + items[2].price;
      const after = await balances(scenario);
      expect(before.deposits[0] - after.deposits[0]).to.equal(paid);
      expect(after.earnings - before.earnings).to.equal(paid);
      const state = await readVoucherState(settlement, voucher.client, voucher.provider);
      expect(state).to.deep.equal({ paid, ordersHead: voucher.ordersHead });
      expect(await settlement.isRequestSettled(forged.client, forged.requestId)).to.equal(false);
      // The consumed order cannot be paid under the voucher again.
      await expect(settlement.settleWithVouchers([items[0]], [voucher], Mode.Atomic)).to.be.revertedWithCustomError(
        settlement,
        "SettlementVoucherChainMismatch",
      );
    });

    it("refuses a batch that drops, reorders or adds an order of the voucher's chain", async function () {
      const scenario = await fresh();
      const { settlement } = scenario.system;
      const { items, voucher } = await voucherBatch(scenario, 3);
      const extra = await voucherBatch(scenario, 1, 0, 20);
      for (const batch of [
        [items[0], items[2]],
        [items[1], items[0], items[2]],
        [...items, extra.items[0]],
      ]) {
        await expect(settlement.settleWithVouchers(batch, [voucher], Mode.Atomic)).to.be.revertedWithCustomError(
          settlement,
          "SettlementVoucherChainMismatch",
        );
      }
      const before = await balances(scenario);
      const { outcomes } = await submitBatch(settlement, [items[0], items[2]], Mode.Partial, [voucher]);
      expect(outcomes.every((o) => !o.settled && /^SettlementVoucherChainMismatch\(/.test(o.reason!))).to.equal(true);
      expect(await balances(scenario)).to.deep.equal(before);
      expect((await readVoucherState(settlement, voucher.client, voucher.provider)).ordersHead).to.equal(
        EMPTY_ORDERS_HEAD,
      );
    });

    it("refuses an order whose price was raised after the client chained it", async function () {
      const scenario = await fresh();
      const { settlement } = scenario.system;
      const { items, voucher } = await voucherBatch(scenario, 2);
      await expect(
        settlement.settleWithVouchers([items[0], { ...items[1], price: items[1].price + 1n }], [voucher], Mode.Atomic),
      ).to.be.revertedWithCustomError(settlement, "SettlementVoucherChainMismatch");
    });

    it("refuses a voucher item the escrow cannot cover", async function () {
      const scenario = await fresh();
      const { settlement } = scenario.system;
      const client = scenario.clients[0];
      const address = await client.getAddress();
      const deposit = await settlement.depositOf(address);
      await (await settlement.connect(client).requestWithdrawal(deposit)).wait();
      await networkHelpers.time.increase(await settlement.withdrawalDelay());
      await (await settlement.connect(client).withdraw(address)).wait();
      const { items, voucher } = await voucherBatch(scenario, 1);
      await expect(settlement.settleWithVouchers(items, [voucher], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementInsufficientDeposit")
        .withArgs(address, 0n, items[0].price);
    });

    it("reverts on two vouchers for one pair", async function () {
      const scenario = await fresh();
      const { settlement } = scenario.system;
      const { items, voucher } = await voucherBatch(scenario, 1);
      await expect(settlement.settleWithVouchers(items, [voucher, voucher], Mode.Partial))
        .to.be.revertedWithCustomError(settlement, "SettlementDuplicateVoucher")
        .withArgs(voucher.client, voucher.provider);
    });

    it("settles escrow, exact and voucher items together in one batch", async function () {
      const scenario = await fresh();
      const { settlement } = scenario.system;
      const escrow = (
        await requestInference(scenario, {
          client: scenario.clients[1],
          tier: Tier.ZK,
          input: sampleInput(scenario.model, 1),
        })
      ).item;
      const exact = await exactItem(scenario, Tier.TEE, 2, 2);
      const vouchered = await voucherBatch(scenario, 2, 0, 3);
      const before = await balances(scenario);

      const { outcomes } = await submitBatch(
        settlement,
        [escrow, vouchered.items[0], exact, vouchered.items[1]],
        Mode.Atomic,
        [vouchered.voucher],
      );

      expect(outcomes.every((o) => o.settled)).to.equal(true);
      const after = await balances(scenario);
      expect(before.deposits[1] - after.deposits[1]).to.equal(escrow.price);
      expect(before.wallets[2] - after.wallets[2]).to.equal(exact.price);
      expect(before.deposits[0] - after.deposits[0]).to.equal(vouchered.voucher.cumulativeAmount);
    });

    it("accepts a voucher of a contract client (ERC-1271)", async function () {
      const scenario = await fresh();
      const { settlement, token } = scenario.system;
      const owner = new Wallet(id("contract client owner"));
      const wallet = await new TestERC1271Wallet__factory(scenario.system.admin).deploy(owner.address);
      const walletAddress = await wallet.getAddress();
      await (await token.mint(await scenario.system.admin.getAddress(), 10_000n)).wait();
      await (await token.approve(await settlement.getAddress(), 10_000n)).wait();
      await (await settlement.depositFor(walletAddress, 10_000n)).wait();
      const latest = await connection.ethers.provider.getBlock("latest");
      const ids = new RequestIdAllocator();
      const items: SettlementItem[] = [];
      for (let i = 0; i < 2; i++) {
        const input = sampleInput(scenario.model, i);
        const order = buildOrder({
          requestId: ids.next(),
          modelId: scenario.modelId,
          client: walletAddress,
          provider: await scenario.provider.getAddress(),
          tier: Tier.SIGNED,
          input,
          price: 1_000n,
          deadline: BigInt(latest!.timestamp) + 3600n,
        });
        items.push(
          (await fulfilOrder(order, "0x", input, scenario.infer, scenario.provers[Tier.SIGNED], Payment.Voucher)).item,
        );
      }
      const terms = {
        client: walletAddress,
        provider: await scenario.provider.getAddress(),
        cumulativeAmount: 2_000n,
        ordersHead: chainOrders(EMPTY_ORDERS_HEAD, items),
      };
      const voucher = {
        ...terms,
        signature: owner.signingKey.sign(voucherDigest(scenario.domain, terms)).serialized as Hex,
      };

      const stranger = new Wallet(id("not the owner"));
      const forged = {
        ...voucher,
        signature: stranger.signingKey.sign(voucherDigest(scenario.domain, terms)).serialized as Hex,
      };
      await expect(settlement.settleWithVouchers(items, [forged], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementInvalidVoucherSignature")
        .withArgs(walletAddress, terms.provider);

      const { outcomes } = await submitBatch(settlement, items, Mode.Atomic, [voucher]);

      expect(outcomes.every((o) => o.settled)).to.equal(true);
      expect(await settlement.depositOf(walletAddress)).to.equal(8_000n);
    });

    it("VoucherBatcher refuses a voucher that does not chain the item or is not the client's", async function () {
      const scenario = await fresh();
      const start = { paid: 0n, ordersHead: EMPTY_ORDERS_HEAD };
      const { items, voucher } = await voucherBatch(scenario, 2);
      const batcher = new VoucherBatcher(scenario.domain);
      expect(() => batcher.add(items[1], voucher, start)).to.throw(/does not chain/);
      const other = await voucherBatch(scenario, 1, 1);
      expect(() =>
        batcher.add(
          items[0],
          { ...other.voucher, client: items[0].client, ordersHead: chainOrders(EMPTY_ORDERS_HEAD, [items[0]]) },
          start,
        ),
      ).to.throw(/not signed/);
    });
  });

  describe("SIGNED results paid by authorisation or voucher (held for disputes)", function () {
    it("commits every paid SIGNED item in the batch's results hash and holds its price, whatever paid it", async function () {
      const scenario = await fresh();
      const { settlement, disputes } = scenario.system;
      const provider = await scenario.provider.getAddress();
      const exact = await exactItem(scenario, Tier.SIGNED, 1, 0);
      const vouchered = await voucherBatch(scenario, 2, 1, 6); // SIGNED (seed 6), then TEE (seed 7)
      const escrow = (
        await requestInference(scenario, {
          client: scenario.clients[2],
          tier: Tier.SIGNED,
          input: sampleInput(scenario.model, 3),
        })
      ).item;
      const items = [exact, vouchered.items[0], escrow, vouchered.items[1]];
      const signed = [exact, vouchered.items[0], escrow];
      const signedTotal = signed.reduce((sum, it) => sum + it.price, 0n);

      const { receipt, outcomes } = await submitBatch(settlement, items, Mode.Atomic, [vouchered.voucher]);

      expect(outcomes.every((o) => o.settled)).to.equal(true);
      const batches = signedBatchesFromLogs(settlement.interface, receipt.logs);
      expect(batches).to.have.length(1);
      const [batch] = batches;
      expect(batch.records.map((r) => r.requestId)).to.deep.equal(signed.map((it) => it.requestId));
      expect(batch.batchId).to.equal(BigInt(batch.resultsHash));
      expect((await settlement.heldEarnings(batch.batchId, provider)).amount).to.equal(signedTotal);
      // Only the TEE item is withdrawable at once; the voucher still counts both of its items as paid.
      expect(await settlement.earningsOf(provider)).to.equal(vouchered.items[1].price);
      expect((await readVoucherState(settlement, vouchered.voucher.client, provider)).paid).to.equal(
        vouchered.voucher.cumulativeAmount,
      );

      await networkHelpers.time.increase(await disputes.challengeWindow());
      await (await settlement.releaseSignedEarnings(batch.batchId, provider)).wait();
      expect(await settlement.earningsOf(provider)).to.equal(vouchered.items[1].price + signedTotal);
    });

    it("reverses a wrong SIGNED result paid by voucher into the client's deposit; the session goes on", async function () {
      const scenario = await fresh();
      const { settlement, disputes } = scenario.system;
      const provider = await scenario.provider.getAddress();
      const dishonest: Scenario = { ...scenario, infer: (input) => [inferLinear(scenario.model, [...input]) + 1n] };
      const input = sampleInput(scenario.model, 4);
      const { item, voucher } = await requestInference(dishonest, {
        client: scenario.clients[0],
        tier: Tier.SIGNED,
        input,
        payment: Payment.Voucher,
      });
      const { receipt } = await submitBatch(settlement, [item], Mode.Atomic, [voucher!]);
      const [batch] = signedBatchesFromLogs(settlement.interface, receipt.logs);
      const depositBefore = await settlement.depositOf(item.client);

      const contradiction = await proveContradiction(repositoryCircuit(SCENARIO_CIRCUIT), batch, 0, input);
      expect(contradiction.contradicts).to.equal(true);
      await challengeSignedResult(disputes, batch, 0, contradiction);

      expect(await settlement.depositOf(item.client)).to.equal(depositBefore + item.price);
      expect((await settlement.heldEarnings(batch.batchId, provider)).amount).to.equal(0n);
      // The voucher's `paid` keeps the reversed item: the session's next voucher starts from it and settles.
      expect((await readVoucherState(settlement, item.client, provider)).paid).to.equal(item.price);
      const next = await voucherItem(scenario, Tier.TEE, 5, 0);
      const { outcomes } = await submitBatch(settlement, [next.item], Mode.Atomic, [next.voucher]);
      expect(outcomes[0].settled).to.equal(true);
      expect(await settlement.earningsOf(provider)).to.equal(next.item.price);
    });
  });
});
