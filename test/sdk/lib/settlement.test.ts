import { expect } from "chai";
import { Wallet, id } from "ethers";

import { SNARK_SCALAR_FIELD, toBytes32, type Hex } from "../../../sdk/lib/settlement/item.js";
import { buildOrder, commitVector, type OrderRequest } from "../../../sdk/lib/settlement/order.js";
import { fulfilOrder } from "../../../sdk/lib/settlement/fulfil.js";
import { SignerProver } from "../../../sdk/lib/settlement/provers.js";
import { RequestIdAllocator } from "../../../sdk/lib/settlement/requestIds.js";
import { parseTier, Tier, tierMask } from "../../../sdk/lib/tiers.js";

const domain = {
  name: "InferenceSettlement",
  version: "1",
  chainId: 31337n,
  verifyingContract: Wallet.createRandom().address,
};

function request(overrides: Partial<OrderRequest> = {}): OrderRequest {
  return {
    requestId: toBytes32(1n),
    modelId: id("model") as Hex,
    client: Wallet.createRandom().address,
    provider: Wallet.createRandom().address,
    tier: Tier.SIGNED,
    input: [1n, -2n, 3n, -4n],
    price: 1_000n,
    deadline: 2_000_000_000n,
    ...overrides,
  };
}

describe("sdk/lib/settlement", function () {
  describe("RequestIdAllocator", function () {
    it("hands out consecutive ids below the field that share one bitmap word", function () {
      const ids = new RequestIdAllocator();
      const first = BigInt(ids.next());
      const rest = Array.from({ length: 255 }, () => BigInt(ids.next()));
      expect(first % 256n).to.equal(0n);
      expect(rest.at(-1)! - first).to.equal(255n);
      for (const value of [first, ...rest]) {
        expect(value < SNARK_SCALAR_FIELD).to.equal(true);
        expect(value >> 8n).to.equal(first >> 8n);
      }
    });

    it("refuses a base outside the field", function () {
      expect(() => new RequestIdAllocator(SNARK_SCALAR_FIELD)).to.throw(RangeError, /below the field/);
    });
  });

  describe("buildOrder", function () {
    it("commits to the input with the Poseidon vector hash and checksums addresses", function () {
      const r = request();
      const order = buildOrder({ ...r, client: r.client.toLowerCase() });
      expect(order.inputHash).to.equal(commitVector(r.input));
      expect(order.client).to.equal(r.client);
    });

    it("rejects a negative price, a deadline beyond uint64, an empty input and an unknown tier", function () {
      expect(() => buildOrder(request({ price: -1n }))).to.throw(RangeError, /price/);
      expect(() => buildOrder(request({ deadline: 1n << 64n }))).to.throw(RangeError, /deadline/);
      expect(() => buildOrder(request({ input: [] }))).to.throw(/input must not be empty/);
      expect(() => buildOrder(request({ tier: 7 as Tier }))).to.throw(/unknown tier/);
      expect(() => buildOrder(request({ client: "0x1234" }))).to.throw(/invalid address/);
    });
  });

  describe("fulfilOrder", function () {
    const signer = new Wallet(id("unit signer"));

    it("refuses a prover of another tier and an input that is not the committed one", async function () {
      const order = buildOrder(request({ tier: Tier.TEE }));
      const infer = (x: readonly bigint[]) => [x.reduce((a, b) => a + b, 0n)];
      await expect(
        fulfilOrder(order, "0x", [1n, -2n, 3n, -4n], infer, new SignerProver(signer, domain)),
      ).to.be.rejectedWith(/asks for tier 1/);
      const signedOrder = buildOrder(request());
      await expect(
        fulfilOrder(signedOrder, "0x", [9n, 9n, 9n, 9n], infer, new SignerProver(signer, domain)),
      ).to.be.rejectedWith(/does not match the input hash/);
    });

    it("hashes the output and signs it in the order's tier", async function () {
      const order = buildOrder(request());
      const infer = (x: readonly bigint[]) => [x.reduce((a, b) => a + b, 0n)];
      const { item, output } = await fulfilOrder(
        order,
        "0x",
        [1n, -2n, 3n, -4n],
        infer,
        new SignerProver(signer, domain),
      );
      expect(output).to.deep.equal([-2n]);
      expect(item.outputHash).to.equal(commitVector([-2n]));
      expect(item.proof).to.match(/^0x[0-9a-f]{130}$/);
    });
  });

  describe("tiers", function () {
    it("parses tier names and builds masks", function () {
      expect(parseTier("zk")).to.equal(Tier.ZK);
      expect(parseTier("SIGNED")).to.equal(Tier.SIGNED);
      expect(() => parseTier("gold")).to.throw(/unknown tier "gold"/);
      expect(tierMask([Tier.ZK, Tier.SIGNED])).to.equal(0b101);
    });
  });

  describe("toBytes32", function () {
    it("pads to 32 bytes and refuses values that do not fit", function () {
      expect(toBytes32(255n)).to.equal(`0x${"00".repeat(31)}ff`);
      expect(() => toBytes32(-1n)).to.throw(RangeError);
      expect(() => toBytes32(1n << 256n)).to.throw(RangeError);
    });
  });
});
