import { expect } from "chai";
import { ZeroAddress, ZeroHash, id } from "ethers";
import { network } from "hardhat";

import { deployLocalSystem } from "../../sdk/local/deploy.js";
import { Tier, tierMask } from "../../sdk/tiers.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const MODEL_ID = id("registry test model");

/** The named fixture: the deployed system and a valid ZK + SIGNED model configuration (not yet registered). */
async function deployedRegistry() {
  const system = await deployLocalSystem(connection);
  const [, owner, stranger] = await ethers.getSigners();
  const config = {
    verifier: await system.linear4Verifier.getAddress(),
    verifyingKeyHash: await system.linear4Verifier.verifyingKeyHash(),
    weightsCommitment: id("weights"),
    inputSize: 4,
    outputSize: 1,
    fracBits: 8,
    acceptedTiers: tierMask([Tier.ZK, Tier.SIGNED]),
    prices: [30n, 20n, 10n] as [bigint, bigint, bigint],
  };
  return { system, registry: system.modelRegistry.connect(owner), owner, stranger, config };
}

async function registeredModel() {
  const fixture = await deployedRegistry();
  await (await fixture.registry.registerModel(MODEL_ID, fixture.config)).wait();
  return fixture;
}

describe("ModelRegistry", function () {
  describe("registerModel", function () {
    it("registers a model owned by the caller and emits its configuration", async function () {
      const { registry, owner, config } = await networkHelpers.loadFixture(deployedRegistry);
      await expect(registry.registerModel(MODEL_ID, config))
        .to.emit(registry, "ModelRegistered")
        .withArgs(
          MODEL_ID,
          owner.address,
          config.verifier,
          config.verifyingKeyHash,
          config.weightsCommitment,
          config.acceptedTiers,
          config.prices,
        );
      const model = await registry.getModel(MODEL_ID);
      expect(model.owner).to.equal(owner.address);
      expect(model.retired).to.equal(false);
      expect(model.prices).to.deep.equal(config.prices);
    });

    it("accepts a model without a ZK verifier when it does not accept the ZK tier", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedRegistry);
      await expect(
        registry.registerModel(MODEL_ID, {
          ...config,
          verifier: ZeroAddress,
          verifyingKeyHash: ZeroHash,
          acceptedTiers: tierMask([Tier.TEE]),
        }),
      ).to.emit(registry, "ModelRegistered");
    });

    it("reverts when the model id is zero", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedRegistry);
      await expect(registry.registerModel(ZeroHash, config)).to.be.revertedWithCustomError(
        registry,
        "ModelRegistryZeroModelId",
      );
    });

    it("reverts when the id is taken", async function () {
      const { registry, stranger, config } = await networkHelpers.loadFixture(registeredModel);
      await expect(registry.connect(stranger).registerModel(MODEL_ID, config))
        .to.be.revertedWithCustomError(registry, "ModelRegistryModelExists")
        .withArgs(MODEL_ID);
    });

    it("reverts when the tier mask is empty or names a tier that does not exist", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedRegistry);
      for (const acceptedTiers of [0, 8, 0xff]) {
        await expect(registry.registerModel(MODEL_ID, { ...config, acceptedTiers }))
          .to.be.revertedWithCustomError(registry, "ModelRegistryInvalidTiers")
          .withArgs(acceptedTiers);
      }
    });

    it("reverts when the input or output size is zero", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedRegistry);
      await expect(registry.registerModel(MODEL_ID, { ...config, inputSize: 0 }))
        .to.be.revertedWithCustomError(registry, "ModelRegistryInvalidShape")
        .withArgs(0, 1);
      await expect(registry.registerModel(MODEL_ID, { ...config, outputSize: 0 }))
        .to.be.revertedWithCustomError(registry, "ModelRegistryInvalidShape")
        .withArgs(4, 0);
    });

    it("reverts when the ZK verifier has no code", async function () {
      const { registry, stranger, config } = await networkHelpers.loadFixture(deployedRegistry);
      await expect(registry.registerModel(MODEL_ID, { ...config, verifier: stranger.address }))
        .to.be.revertedWithCustomError(registry, "ModelRegistryVerifierHasNoCode")
        .withArgs(stranger.address);
    });

    it("reverts when the verifier answers another verifying-key hash", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedRegistry);
      const wrong = id("another key");
      await expect(registry.registerModel(MODEL_ID, { ...config, verifyingKeyHash: wrong }))
        .to.be.revertedWithCustomError(registry, "ModelRegistryVerifierMismatch")
        .withArgs(config.verifier, wrong, config.verifyingKeyHash);
    });
  });

  describe("setPrice", function () {
    it("changes one tier's price and emits old and new", async function () {
      const { registry } = await networkHelpers.loadFixture(registeredModel);
      await expect(registry.setPrice(MODEL_ID, Tier.SIGNED, 11n))
        .to.emit(registry, "ModelPriceUpdated")
        .withArgs(MODEL_ID, Tier.SIGNED, 10n, 11n);
      expect((await registry.terms(MODEL_ID, Tier.SIGNED)).price).to.equal(11n);
    });

    it("reverts for an unknown model, a caller who is not the owner, and a retired model", async function () {
      const { registry, stranger } = await networkHelpers.loadFixture(registeredModel);
      await expect(registry.setPrice(id("unknown"), Tier.ZK, 1n))
        .to.be.revertedWithCustomError(registry, "ModelRegistryUnknownModel")
        .withArgs(id("unknown"));
      await expect(registry.connect(stranger).setPrice(MODEL_ID, Tier.ZK, 1n))
        .to.be.revertedWithCustomError(registry, "ModelRegistryNotModelOwner")
        .withArgs(MODEL_ID, stranger.address);
      await (await registry.retireModel(MODEL_ID)).wait();
      await expect(registry.setPrice(MODEL_ID, Tier.ZK, 1n))
        .to.be.revertedWithCustomError(registry, "ModelRegistryModelRetired")
        .withArgs(MODEL_ID);
    });
  });

  describe("retireModel", function () {
    it("retires for good: terms no longer accept any tier", async function () {
      const { registry } = await networkHelpers.loadFixture(registeredModel);
      expect((await registry.terms(MODEL_ID, Tier.ZK)).accepted).to.equal(true);
      await expect(registry.retireModel(MODEL_ID)).to.emit(registry, "ModelRetired").withArgs(MODEL_ID);
      expect((await registry.terms(MODEL_ID, Tier.ZK)).accepted).to.equal(false);
      await expect(registry.retireModel(MODEL_ID)).to.be.revertedWithCustomError(registry, "ModelRegistryModelRetired");
    });

    it("reverts when the caller is not the owner", async function () {
      const { registry, stranger } = await networkHelpers.loadFixture(registeredModel);
      await expect(registry.connect(stranger).retireModel(MODEL_ID))
        .to.be.revertedWithCustomError(registry, "ModelRegistryNotModelOwner")
        .withArgs(MODEL_ID, stranger.address);
    });
  });

  describe("terms and getModel", function () {
    it("report unknown models and tiers the model does not accept without reverting", async function () {
      const { registry, config } = await networkHelpers.loadFixture(registeredModel);
      expect((await registry.terms(id("unknown"), Tier.ZK)).accepted).to.equal(false);
      const tee = await registry.terms(MODEL_ID, Tier.TEE);
      expect(tee.accepted).to.equal(false);
      const zk = await registry.terms(MODEL_ID, Tier.ZK);
      expect([zk.accepted, zk.price, zk.verifier]).to.deep.equal([true, 30n, config.verifier]);
      await expect(registry.getModel(id("unknown"))).to.be.revertedWithCustomError(
        registry,
        "ModelRegistryUnknownModel",
      );
    });
  });
});
