import { expect } from "chai";
import {
  BaseContract,
  Interface,
  AbiCoder,
  Wallet,
  ZeroAddress,
  ZeroHash,
  concat,
  dataSlice,
  getBytes,
  hexlify,
  id,
  toBeHex,
  zeroPadValue,
} from "ethers";
import { network } from "hardhat";

import { libraryLinks, type LocalSystem } from "../../sdk/testing/local/deploy.js";
import { requestInference, sampleInput, setUpScenario, type Scenario } from "../../sdk/testing/local/scenario.js";
import { Payment, toBytes32, type Hex, type SettlementItem } from "../../sdk/lib/settlement/item.js";
import { signKeyConsent } from "../../sdk/lib/settlement/signerKeys.js";
import { readDomain, signOrder } from "../../sdk/lib/settlement/typedData.js";
import type { Voucher } from "../../sdk/lib/settlement/vouchers.js";
import { submitBatch } from "../../sdk/lib/settlement/submit.js";
import { Mode, Tier } from "../../sdk/lib/tiers.js";
import { proveInference, releaseProverThreads } from "../../sdk/lib/zk/prove.js";
import { InferenceSettlement__factory, LinearPrivate_4Verifier__factory } from "../../typechain-types/index.js";
import { BN254_Q, BN254_R, SECP256K1_N } from "./abiFuzz.js";
import { repositoryCircuit } from "../../sdk/tooling/zk/circuitFiles.js";

const connection = await network.create();
const { networkHelpers } = connection;
const MAX_UINT256 = (1n << 256n) - 1n;
const MAX_UINT64 = (1n << 64n) - 1n;

/** The named fixture: the local system, one provider on all tiers, two funded clients. */
async function onboardedSystem(): Promise<Scenario> {
  return setUpScenario(connection, { clientCount: 2, deposit: 1_000_000n });
}

async function item(scenario: Scenario, tier: Tier, seed = 0, options: { client?: number; payment?: Payment } = {}) {
  return requestInference(scenario, {
    client: scenario.clients[options.client ?? 0],
    tier,
    input: sampleInput(scenario.model, seed),
    payment: options.payment,
  });
}

/** Everything money- and replay-related settlement may touch, to compare before and after. */
async function state(scenario: Scenario, items: readonly SettlementItem[] = []) {
  const { settlement, token } = scenario.system;
  const provider = await scenario.provider.getAddress();
  return {
    deposits: await Promise.all(scenario.clients.map(async (c) => settlement.depositOf(await c.getAddress()))),
    earnings: await settlement.earningsOf(provider),
    held: await token.balanceOf(await settlement.getAddress()),
    clientTokens: await Promise.all(scenario.clients.map(async (c) => token.balanceOf(await c.getAddress()))),
    signedBatches: (await settlement.queryFilter(settlement.filters.SignedBatchCommitted())).length,
    settled: await Promise.all(items.map((it) => settlement.isRequestSettled(it.client, it.requestId))),
  };
}

/** The malleable twin of a 65-byte `r || s || v` secp256k1 signature: s' = n - s, v flipped. */
function highS(signature: string): Hex {
  const bytes = getBytes(signature);
  if (bytes.length !== 65) throw new Error(`expected a 65-byte signature, got ${bytes.length}`);
  const s = BigInt(hexlify(bytes.slice(32, 64)));
  expect(s <= SECP256K1_N / 2n, "the SDK signs low-s").to.equal(true);
  return hexlify(
    concat([bytes.slice(0, 32), toBeHex(SECP256K1_N - s, 32), Uint8Array.of(bytes[64] === 27 ? 28 : 27)]),
  ) as Hex;
}

/** A client re-signs its order after a field changed (so only the changed field can be what is refused). */
async function resign(scenario: Scenario, it: SettlementItem, client = 0): Promise<SettlementItem> {
  return { ...it, clientSignature: await signOrder(scenario.clients[client], scenario.domain, it) };
}

/** Settlement's constructor arguments, read from the deployed system (one place to change with the constructor). */
async function settlementArgs(system: LocalSystem) {
  const { settlement } = system;
  return [
    await settlement.token(),
    await settlement.modelRegistry(),
    await settlement.signerRegistry(),
    await settlement.teeRegistry(),
    await settlement.epochLength(),
    await settlement.withdrawalDelay(),
    await system.pauseGuard.getAddress(),
  ] as const;
}

describe("Malformed input, by class (issue 8)", function () {
  after(releaseProverThreads);
  describe("public inputs and proof coordinates outside their fields", function () {
    for (const field of ["inputHash", "outputHash"] as const) {
      it(`rejects a ZK item whose ${field} is its proven value plus the BN254 scalar field order (an alias)`, async function () {
        const scenario = await networkHelpers.loadFixture(onboardedSystem);
        const { settlement } = scenario.system;
        const good = (await item(scenario, Tier.ZK, 1)).item;
        const aliased = await resign(scenario, { ...good, [field]: toBytes32(BigInt(good[field]) + BN254_R) });
        const before = await state(scenario, [good]);

        await expect(settlement.settle([aliased], Mode.Atomic))
          .to.be.revertedWithCustomError(settlement, "SettlementInvalidZkProof")
          .withArgs(good.requestId);
        // Batched with a valid proof of the same model (one batch pairing check): still refused, the other settles.
        const other = (await item(scenario, Tier.ZK, 2)).item;
        await expect(settlement.settle([other, aliased], Mode.Atomic))
          .to.be.revertedWithCustomError(settlement, "SettlementInvalidZkProof")
          .withArgs(good.requestId);
        expect(await state(scenario, [good])).to.deep.equal(before);
        const { outcomes } = await submitBatch(settlement, [other, aliased], Mode.Partial);
        expect(outcomes.map((o) => o.settled)).to.deep.equal([true, false]);
        expect(outcomes[1].reason).to.match(/^SettlementInvalidZkProof/);
        expect(await settlement.isRequestSettled(good.client, good.requestId)).to.equal(false);
      });
    }

    it("refuses a request id aliased by the field order, so a settled request cannot be replayed under its alias", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const good = (await item(scenario, Tier.ZK, 3)).item;
      await (await settlement.settle([good], Mode.Atomic)).wait();
      const alias = toBytes32(BigInt(good.requestId) + BN254_R);
      const replay = await resign(scenario, { ...good, requestId: alias });
      const before = await state(scenario, [replay]);
      await expect(settlement.settle([replay], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementRequestIdOutOfField")
        .withArgs(alias);
      expect(await state(scenario, [replay])).to.deep.equal(before);
    });

    it("rejects a ZK proof with a coordinate at or above the base field order, alone or batched", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const good = (await item(scenario, Tier.ZK, 4)).item;
      const other = (await item(scenario, Tier.ZK, 5)).item;
      const words = [...(AbiCoder.defaultAbiCoder().decode(["uint256[8]"], good.proof)[0] as bigint[])];
      const before = await state(scenario, [good, other]);
      for (let k = 0; k < 8; k++) {
        const bad = [...words];
        bad[k] += BN254_Q; // the same point in non-canonical form, or no point at all
        const proof = AbiCoder.defaultAbiCoder().encode(["uint256[8]"], [bad]) as Hex;
        for (const batch of [[{ ...good, proof }], [other, { ...good, proof }]]) {
          await expect(settlement.settle(batch, Mode.Atomic))
            .to.be.revertedWithCustomError(settlement, "SettlementInvalidZkProof")
            .withArgs(good.requestId);
        }
      }
      expect(await state(scenario, [good, other])).to.deep.equal(before);
    });

    /** Out-of-field public signals (each + r, each pushed to 2^256 - 1) and coordinates (each + q): false or a revert. */
    async function expectOutOfFieldRefused(verifier: BaseContract, words: bigint[], signals: bigint[]) {
      const single = (w: bigint[], sig: bigint[]) =>
        verifier.getFunction("verifyProof").staticCall(
          [w[0], w[1]],
          [
            [w[2], w[3]],
            [w[4], w[5]],
          ],
          [w[6], w[7]],
          sig,
        ) as Promise<boolean>;
      const batch = (proofs: bigint[][], sig: bigint[]) =>
        verifier.getFunction("verifyProofs").staticCall(proofs, sig) as Promise<boolean>;
      /** false or a revert: never true. */
      const refused = async (answer: Promise<boolean>) => {
        try {
          return !(await answer);
        } catch {
          return true;
        }
      };
      expect(await single(words, signals)).to.equal(true);
      expect(await batch([words], signals)).to.equal(true);
      for (let j = 0; j < signals.length; j++) {
        for (const shift of [BN254_R, MAX_UINT256 - signals[j]]) {
          const bad = [...signals];
          bad[j] += shift;
          expect(await refused(single(words, bad)), `signal ${j} + ${shift}`).to.equal(true);
          expect(await refused(batch([words], bad))).to.equal(true);
          expect(await refused(batch([words, words], [...signals, ...bad]))).to.equal(true);
        }
      }
      for (let k = 0; k < 8; k++) {
        const bad = [...words];
        bad[k] += BN254_Q;
        expect(await refused(single(bad, signals)), `coordinate ${k} + q`).to.equal(true);
        expect(await refused(batch([bad], signals))).to.equal(true);
        expect(await refused(batch([words, bad], [...signals, ...signals]))).to.equal(true);
      }
    }

    it("a generated verifier (3 public signals) never accepts out-of-field inputs or coordinates, alone or batched", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const good = (await item(scenario, Tier.ZK, 6)).item;
      const words = [...(AbiCoder.defaultAbiCoder().decode(["uint256[8]"], good.proof)[0] as bigint[])];
      const signals = [BigInt(good.inputHash), BigInt(good.outputHash), BigInt(good.requestId)];
      await expectOutOfFieldRefused(scenario.system.linear4Verifier as unknown as BaseContract, words, signals);
    });

    it("a generated private-weights verifier (4 public signals) never accepts them either", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const verifier = await new LinearPrivate_4Verifier__factory(scenario.system.admin).deploy();
      const { proof, publicSignals } = await proveInference(
        repositoryCircuit("LinearPrivate_4"),
        sampleInput(scenario.model, 7),
        42n,
      );
      const words = [proof.a[0], proof.a[1], proof.b[0][0], proof.b[0][1], proof.b[1][0], proof.b[1][1], ...proof.c];
      const signals = [
        publicSignals.inputHash,
        publicSignals.outputHash,
        publicSignals.weightsCommitment!,
        publicSignals.requestId,
      ];
      await expectOutOfFieldRefused(verifier, words, signals);
    });
  });

  describe("malleable (high-s) secp256k1 signatures", function () {
    it("rejects a TEE result signature in its high-s form", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const good = (await item(scenario, Tier.TEE, 1)).item;
      const before = await state(scenario, [good]);
      await expect(settlement.settle([{ ...good, proof: highS(good.proof) }], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementInvalidResultSignature")
        .withArgs(good.requestId);
      expect(await state(scenario, [good])).to.deep.equal(before);
    });

    it("rejects a client's order signature in its high-s form", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const good = (await item(scenario, Tier.SIGNED, 2)).item;
      const before = await state(scenario, [good]);
      await expect(settlement.settle([{ ...good, clientSignature: highS(good.clientSignature) }], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementInvalidClientSignature")
        .withArgs(good.requestId, good.client);
      expect(await state(scenario, [good])).to.deep.equal(before);
    });

    it("rejects an EIP-3009 authorisation (Exact payment) in its high-s form: the token refuses it, nothing moves", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const good = (await item(scenario, Tier.SIGNED, 3, { payment: Payment.Exact })).item;
      const malleated = concat([dataSlice(good.clientSignature, 0, 64), highS(dataSlice(good.clientSignature, 64))]);
      const before = await state(scenario, [good]);
      await expect(
        settlement.settle([{ ...good, clientSignature: malleated as Hex }], Mode.Atomic),
      ).to.be.revertedWithCustomError(settlement, "SettlementPaymentFailed");
      expect(await state(scenario, [good])).to.deep.equal(before);
    });

    it("rejects a voucher signature in its high-s form", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const { item: good, voucher } = await item(scenario, Tier.TEE, 4, { payment: Payment.Voucher });
      const v = voucher!;
      const before = await state(scenario, [good]);
      const malleated: Voucher = { ...v, signature: highS(v.signature) };
      await expect(settlement.settleWithVouchers([good], [malleated], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementInvalidVoucherSignature")
        .withArgs(v.client, v.provider);
      expect(await state(scenario, [good])).to.deep.equal(before);
      expect((await settlement.voucherState(v.client, v.provider)).ordersHead).to.equal(ZeroHash);
    });

    it("rejects a signer key's registration consent in its high-s form", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { signerRegistry } = scenario.system;
      const provider = await scenario.provider.getAddress();
      const key = new Wallet(id("fuzz/rotated key"));
      const consent = await signKeyConsent(key, await readDomain(signerRegistry), provider);
      const before = await signerRegistry.getProvider(provider);
      await expect(signerRegistry.connect(scenario.provider).rotateSigner(key.address, highS(consent)))
        .to.be.revertedWithCustomError(signerRegistry, "SignerRegistryInvalidKeyProof")
        .withArgs(key.address);
      expect(await signerRegistry.getProvider(provider)).to.deep.equal(before);
      await expect(signerRegistry.connect(scenario.provider).rotateSigner(key.address, consent)).to.emit(
        signerRegistry,
        "SignerRotated",
      );
    });

    it("rejects an enclave heartbeat in its high-s form", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { teeRegistry } = scenario.system;
      const latest = (await connection.ethers.provider.getBlock("latest"))!;
      const heartbeat = await scenario.enclave.signHeartbeat(
        await readDomain(teeRegistry),
        latest.number,
        latest.hash as Hex,
      );
      const before = await teeRegistry.getEnclave(scenario.enclave.address);
      await expect(
        teeRegistry.heartbeat(scenario.enclave.address, latest.number, highS(heartbeat)),
      ).to.be.revertedWithCustomError(teeRegistry, "TeeRegistryInvalidHeartbeat");
      expect(await teeRegistry.getEnclave(scenario.enclave.address)).to.deep.equal(before);
      await expect(teeRegistry.heartbeat(scenario.enclave.address, latest.number, heartbeat)).to.emit(
        teeRegistry,
        "EnclaveHeartbeat",
      );
    });
  });

  describe("0 and max values", function () {
    it("rejects a price of 2^256 - 1 without overflow, whatever the payment, and a price of 0 below the model's", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const escrow = await resign(scenario, { ...(await item(scenario, Tier.SIGNED, 1)).item, price: MAX_UINT256 });
      const before = await state(scenario, [escrow]);
      await expect(settlement.settle([escrow], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementInsufficientDeposit")
        .withArgs(escrow.client, before.deposits[0], MAX_UINT256);

      const exact = (
        await requestInference(scenario, {
          client: scenario.clients[0],
          tier: Tier.SIGNED,
          input: sampleInput(scenario.model, 2),
          price: MAX_UINT256,
          payment: Payment.Exact,
        })
      ).item;
      await expect(settlement.settle([exact], Mode.Atomic)).to.be.revertedWithCustomError(
        settlement,
        "SettlementPaymentFailed",
      );

      const free = await resign(scenario, { ...(await item(scenario, Tier.ZK, 3)).item, price: 0n });
      await expect(settlement.settle([free], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementPriceBelowModelPrice")
        .withArgs(free.requestId, 0n, 3_000n);
      expect(await state(scenario, [escrow])).to.deep.equal(before);
    });

    it("rejects a deadline of 0 as expired and settles one of 2^64 - 1", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const base = (await item(scenario, Tier.TEE, 4)).item;
      const expired = await resign(scenario, { ...base, deadline: 0n });
      await expect(settlement.settle([expired], Mode.Atomic))
        .to.be.revertedWithCustomError(settlement, "SettlementOrderExpired")
        .withArgs(base.requestId, 0n);
      const forever = (
        await requestInference(scenario, {
          client: scenario.clients[0],
          tier: Tier.TEE,
          input: sampleInput(scenario.model, 5),
          deadline: MAX_UINT64,
        })
      ).item;
      const { outcomes } = await submitBatch(settlement, [forever], Mode.Atomic);
      expect(outcomes.map((o) => o.settled)).to.deep.equal([true]);
    });

    it("depositFor names the overflow of a deposit past 2^256 - 1 instead of panicking", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const client = await scenario.clients[0].getAddress();
      const balance = await settlement.depositOf(client);
      const amount = MAX_UINT256 - balance + 1n;
      await expect(settlement.connect(scenario.clients[1]).depositFor(client, amount))
        .to.be.revertedWithCustomError(settlement, "SettlementDepositOverflow")
        .withArgs(client, balance, amount);
      await expect(settlement.connect(scenario.clients[1]).depositFor(client, MAX_UINT256))
        .to.be.revertedWithCustomError(settlement, "SettlementDepositOverflow")
        .withArgs(client, balance, MAX_UINT256);
      expect(await settlement.depositOf(client)).to.equal(balance);
      // Up to the limit the token decides: the caller does not hold that much.
      await expect(
        settlement.connect(scenario.clients[1]).depositFor(client, amount - 1n),
      ).to.be.revertedWithCustomError(scenario.system.token, "ERC20InsufficientAllowance");
    });

    it("requestWithdrawal of 2^256 - 1 is refused with the balance", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const client = scenario.clients[0];
      const balance = await settlement.depositOf(await client.getAddress());
      await expect(settlement.connect(client).requestWithdrawal(MAX_UINT256))
        .to.be.revertedWithCustomError(settlement, "SettlementInsufficientBalance")
        .withArgs(await client.getAddress(), balance, MAX_UINT256);
    });

    it("epochOf reverts with SafeCast's error instead of truncating an epoch past 2^64 - 1", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const length = await settlement.epochLength();
      expect(await settlement.epochOf(length * (MAX_UINT64 + 1n) - 1n)).to.equal(MAX_UINT64);
      await expect(settlement.epochOf(length * (MAX_UINT64 + 1n)))
        .to.be.revertedWithCustomError(settlement, "SafeCastOverflowedUintDowncast")
        .withArgs(64, MAX_UINT64 + 1n);
      await expect(settlement.epochOf(MAX_UINT256)).to.be.revertedWithCustomError(
        settlement,
        "SafeCastOverflowedUintDowncast",
      );
    });

    it("getTierStats answers up to 1024 epochs and names a longer range instead of running out of memory", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      // The longest range answers (checked by gas estimate: decoding 1024 × 3 stats in ethers is slow), also at the top.
      expect(await settlement.getTierStats.estimateGas(MAX_UINT64 - 1023n, MAX_UINT64)).to.be.below(16_000_000n);
      expect(await settlement.getTierStats(MAX_UINT64 - 1n, MAX_UINT64)).to.have.length(2);
      for (const [from, to] of [
        [0n, 1024n],
        [0n, MAX_UINT64],
        [1n, 0n],
      ]) {
        await expect(settlement.getTierStats(from, to))
          .to.be.revertedWithCustomError(settlement, "SettlementInvalidEpochRange")
          .withArgs(from, to);
      }
    });

    it("TestToken.mint names a total supply overflow instead of panicking", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { token } = scenario.system;
      const supply = await token.totalSupply();
      await expect(token.mint(await scenario.clients[0].getAddress(), MAX_UINT256))
        .to.be.revertedWithCustomError(token, "TestTokenSupplyOverflow")
        .withArgs(supply, MAX_UINT256);
      expect(await token.totalSupply()).to.equal(supply);
    });
  });

  describe("ABI decoding of malformed voucher calldata", function () {
    /** The calldata of `call` with the first voucher's signature length word set to `length`. */
    function withSignatureLength(data: string, signature: string, length: bigint): string {
      const bytes = getBytes(data);
      const sig = getBytes(signature);
      // The signature's length word is the 32 bytes right before its (unique) bytes.
      const hex = hexlify(bytes);
      const at = (hex.indexOf(hexlify(sig).slice(2)) - 2) / 2 - 32;
      expect(BigInt(hexlify(bytes.slice(at, at + 32)))).to.equal(BigInt(sig.length));
      bytes.set(getBytes(zeroPadValue(toBeHex(length), 32)), at);
      return hexlify(bytes);
    }

    it("reverts without data (the decoder's rejection), never with a Panic, on a voucher signature length near 2^64", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { settlement } = scenario.system;
      const { item: good, voucher } = await item(scenario, Tier.TEE, 7, { payment: Payment.Voucher });
      const v = voucher!;
      const iface = new Interface(InferenceSettlement__factory.abi);
      const to = await settlement.getAddress();
      const from = await scenario.clients[0].getAddress();
      const tuple = [v.client, v.provider, v.cumulativeAmount, v.ordersHead, v.signature];
      const calls = [
        iface.encodeFunctionData("voucherDigest", [tuple]),
        iface.encodeFunctionData("settleWithVouchers", [
          [
            [
              good.requestId,
              good.modelId,
              good.client,
              good.provider,
              good.tier,
              good.inputHash,
              good.outputHash,
              good.price,
              good.deadline,
              good.proof,
              good.clientSignature,
              good.payment,
            ],
          ],
          [tuple],
          Mode.Partial,
        ]),
      ];
      for (const data of calls) {
        for (const length of [MAX_UINT64, MAX_UINT64 - 100n, 1n << 64n, MAX_UINT256, 1n << 32n]) {
          let revertData: unknown = "no revert";
          try {
            await connection.provider.request({
              method: "eth_call",
              params: [{ from, to, data: withSignatureLength(data, v.signature, length) }, "latest"],
            });
          } catch (error) {
            revertData = (error as { data?: unknown }).data;
          }
          expect(revertData, `length ${length}`).to.equal("0x");
        }
      }
      expect(await settlement.voucherDigest(v)).to.match(/^0x[0-9a-f]{64}$/);
    });
  });

  describe("zero addresses and zero parameters in constructors", function () {
    it("InferenceSettlement refuses a zero token, registry, pause guard or epoch length", async function () {
      const scenario = await networkHelpers.loadFixture(onboardedSystem);
      const { admin } = scenario.system;
      const factory = new InferenceSettlement__factory(libraryLinks(scenario.system), admin);
      const args = await settlementArgs(scenario.system);
      expect(await (await factory.deploy(...args)).getAddress()).to.match(/^0x[0-9a-fA-F]{40}$/);
      for (const k of [0, 1, 2, 3, 6]) {
        const bad = [...args] as unknown as Parameters<typeof factory.deploy>;
        bad[k] = ZeroAddress;
        await expect(factory.deploy(...bad)).to.be.revertedWithCustomError(factory, "SettlementZeroAddress");
      }
      const zeroEpoch = [...args] as unknown as Parameters<typeof factory.deploy>;
      zeroEpoch[4] = 0n;
      await expect(factory.deploy(...zeroEpoch))
        .to.be.revertedWithCustomError(factory, "SettlementInvalidParameter")
        .withArgs("epochLength");
    });
  });
});
