import { expect } from "chai";
import { ZeroAddress, ZeroHash, id } from "ethers";
import { network } from "hardhat";

import { deployLocalSystem } from "../../sdk/testing/local/deploy.js";
import { modelIdFor } from "../../sdk/lib/settlement/modelIds.js";
import { ALL_TIERS, Tier, tierMask } from "../../sdk/lib/tiers.js";
import { SNARK_SCALAR_FIELD } from "../../sdk/lib/zk/field.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const [, ownerAccount, strangerAccount] = await ethers.getSigners();
/** The model the fixture registers: it accepts ZK and SIGNED, not TEE. */
const MODEL_ID = modelIdFor(ownerAccount.address, "registry test model");
/** Ids nobody registered, in the owner's and in the stranger's name. */
const NEW_ID = modelIdFor(ownerAccount.address, "registry test model 2");
const STRANGER_ID = modelIdFor(strangerAccount.address, "registry test model 2");

/**
 * The named fixture: the system deployed by the Ignition module, and MODEL_ID registered by `owner` with the deployed
 * Linear_4 verifier. `config` is that model's configuration, reusable for new ids.
 */
async function deployedModelRegistry() {
  const system = await deployLocalSystem(connection);
  const [admin, owner, stranger] = await ethers.getSigners();
  const config = {
    verifier: await system.linear4Verifier.getAddress(),
    verifyingKeyHash: await system.linear4Verifier.verifyingKeyHash(),
    weightsCommitment: id("weights"),
    privateWeights: false,
    inputSize: 4,
    outputSize: 1,
    fracBits: 8,
    acceptedTiers: tierMask([Tier.ZK, Tier.SIGNED]),
    prices: [30n, 20n, 10n] as [bigint, bigint, bigint],
  };
  const registry = system.modelRegistry.connect(owner);
  await (await registry.registerModel(MODEL_ID, config)).wait();
  return { system, registry, admin, owner, stranger, config };
}

describe("ModelRegistry", function () {
  describe("registerModel", function () {
    it("registers a ZK model owned by the caller and emits its configuration", async function () {
      const { registry, stranger, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(registry.connect(stranger).registerModel(STRANGER_ID, config))
        .to.emit(registry, "ModelRegistered")
        .withArgs(
          STRANGER_ID,
          stranger.address,
          config.verifier,
          config.verifyingKeyHash,
          config.weightsCommitment,
          config.privateWeights,
          config.acceptedTiers,
          config.prices,
        );
    });

    it("records every field of the configuration, not retired", async function () {
      const { registry, stranger, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      const custom = {
        ...config,
        inputSize: 7,
        outputSize: 3,
        fracBits: 12,
        prices: [1n, 2n, 3n] as [bigint, bigint, bigint],
      };
      await (await registry.connect(stranger).registerModel(STRANGER_ID, custom)).wait();
      const model = await registry.getModel(STRANGER_ID);
      expect(model.owner).to.equal(stranger.address);
      expect(model.acceptedTiers).to.equal(BigInt(custom.acceptedTiers));
      expect(model.retired).to.equal(false);
      expect([model.inputSize, model.outputSize, model.fracBits]).to.deep.equal([7n, 3n, 12n]);
      expect(model.verifier).to.equal(custom.verifier);
      expect(model.verifyingKeyHash).to.equal(custom.verifyingKeyHash);
      expect(model.weightsCommitment).to.equal(custom.weightsCommitment);
      expect(model.prices).to.deep.equal([1n, 2n, 3n]);
    });

    it("accepts every non-empty mask of existing tiers", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      for (let acceptedTiers = 1; acceptedTiers <= 7; acceptedTiers++) {
        const modelId = modelIdFor(ownerAccount.address, `mask ${acceptedTiers}`);
        await (await registry.registerModel(modelId, { ...config, acceptedTiers })).wait();
        expect((await registry.getModel(modelId)).acceptedTiers).to.equal(BigInt(acceptedTiers));
      }
    });

    it("accepts a model with no verifier when it does not accept the ZK tier", async function () {
      const { registry, owner, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      const noZk = {
        ...config,
        verifier: ZeroAddress,
        verifyingKeyHash: ZeroHash,
        acceptedTiers: tierMask([Tier.TEE, Tier.SIGNED]),
      };
      await expect(registry.registerModel(NEW_ID, noZk))
        .to.emit(registry, "ModelRegistered")
        .withArgs(
          NEW_ID,
          owner.address,
          ZeroAddress,
          ZeroHash,
          config.weightsCommitment,
          false,
          noZk.acceptedTiers,
          config.prices,
        );
      expect((await registry.terms(NEW_ID, Tier.TEE)).accepted).to.equal(true);
    });

    it("reverts when the model id is zero", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(registry.registerModel(ZeroHash, config)).to.be.revertedWithCustomError(
        registry,
        "ModelRegistryZeroModelId",
      );
    });

    it("reverts when the id does not start with the caller's address, so ids cannot be squatted", async function () {
      const { registry, stranger, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      for (const modelId of [MODEL_ID, NEW_ID]) {
        await expect(registry.connect(stranger).registerModel(modelId, config))
          .to.be.revertedWithCustomError(registry, "ModelRegistryModelIdNotOwned")
          .withArgs(modelId, stranger.address);
      }
    });

    it("reverts when the id is registered", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(registry.registerModel(MODEL_ID, config))
        .to.be.revertedWithCustomError(registry, "ModelRegistryModelExists")
        .withArgs(MODEL_ID);
    });

    it("reverts when the id belongs to a retired model", async function () {
      const { registry, stranger, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      await (await registry.retireModel(MODEL_ID)).wait();
      await expect(registry.registerModel(MODEL_ID, config))
        .to.be.revertedWithCustomError(registry, "ModelRegistryModelExists")
        .withArgs(MODEL_ID);
    });

    it("reverts when the tier mask is empty", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(registry.registerModel(NEW_ID, { ...config, acceptedTiers: 0 }))
        .to.be.revertedWithCustomError(registry, "ModelRegistryInvalidTiers")
        .withArgs(0);
    });

    it("reverts when the tier mask names a tier that does not exist", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      for (const acceptedTiers of [8, 9, 0x0f, 0x80, 0xff]) {
        await expect(registry.registerModel(NEW_ID, { ...config, acceptedTiers }))
          .to.be.revertedWithCustomError(registry, "ModelRegistryInvalidTiers")
          .withArgs(acceptedTiers);
      }
    });

    it("reverts when the input size is zero", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(registry.registerModel(NEW_ID, { ...config, inputSize: 0 }))
        .to.be.revertedWithCustomError(registry, "ModelRegistryInvalidShape")
        .withArgs(0, config.outputSize);
    });

    it("reverts when the output size is zero", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(registry.registerModel(NEW_ID, { ...config, outputSize: 0 }))
        .to.be.revertedWithCustomError(registry, "ModelRegistryInvalidShape")
        .withArgs(config.inputSize, 0);
    });

    it("reverts when the ZK tier is accepted and the verifier is the zero address", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(registry.registerModel(NEW_ID, { ...config, verifier: ZeroAddress }))
        .to.be.revertedWithCustomError(registry, "ModelRegistryVerifierHasNoCode")
        .withArgs(ZeroAddress);
    });

    it("reverts when the ZK tier is accepted and the verifier is an account without code", async function () {
      const { registry, stranger, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(registry.registerModel(NEW_ID, { ...config, verifier: stranger.address }))
        .to.be.revertedWithCustomError(registry, "ModelRegistryVerifierHasNoCode")
        .withArgs(stranger.address);
    });

    it("reverts when the verifier answers another verifying-key hash", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      const wrong = id("another verifying key");
      await expect(registry.registerModel(NEW_ID, { ...config, verifyingKeyHash: wrong }))
        .to.be.revertedWithCustomError(registry, "ModelRegistryVerifierMismatch")
        .withArgs(config.verifier, wrong, config.verifyingKeyHash);
    });

    it("reverts when a ZK-only model names a verifier with another hash", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(
        registry.registerModel(NEW_ID, { ...config, verifyingKeyHash: ZeroHash, acceptedTiers: tierMask([Tier.ZK]) }),
      )
        .to.be.revertedWithCustomError(registry, "ModelRegistryVerifierMismatch")
        .withArgs(config.verifier, ZeroHash, config.verifyingKeyHash);
    });

    it("reverts when the verifier is a contract that is not a ZK verifier", async function () {
      const { system, registry, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      const notAVerifier = await system.token.getAddress();
      await expect(registry.registerModel(NEW_ID, { ...config, verifier: notAVerifier })).to.be.revertedWithoutReason(
        ethers,
      );
    });
  });

  describe("setPrice", function () {
    it("changes one tier's price and emits the old and new price", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(registry.setPrice(MODEL_ID, Tier.SIGNED, 11n))
        .to.emit(registry, "ModelPriceUpdated")
        .withArgs(MODEL_ID, Tier.SIGNED, 10n, 11n);
      expect((await registry.getModel(MODEL_ID)).prices).to.deep.equal([30n, 20n, 11n]);
      expect((await registry.terms(MODEL_ID, Tier.SIGNED)).price).to.equal(11n);
    });

    it("emits the previous price on a second change", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedModelRegistry);
      await (await registry.setPrice(MODEL_ID, Tier.ZK, 31n)).wait();
      await expect(registry.setPrice(MODEL_ID, Tier.ZK, 0n))
        .to.emit(registry, "ModelPriceUpdated")
        .withArgs(MODEL_ID, Tier.ZK, 31n, 0n);
    });

    it("reverts when the model is unknown", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(registry.setPrice(NEW_ID, Tier.ZK, 1n))
        .to.be.revertedWithCustomError(registry, "ModelRegistryUnknownModel")
        .withArgs(NEW_ID);
    });

    it("reverts when the caller is not the owner", async function () {
      const { registry, stranger } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(registry.connect(stranger).setPrice(MODEL_ID, Tier.ZK, 1n))
        .to.be.revertedWithCustomError(registry, "ModelRegistryNotModelOwner")
        .withArgs(MODEL_ID, stranger.address);
    });

    it("reverts when the caller is the deployer of the system but not the owner", async function () {
      const { registry, admin } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(registry.connect(admin).setPrice(MODEL_ID, Tier.ZK, 1n))
        .to.be.revertedWithCustomError(registry, "ModelRegistryNotModelOwner")
        .withArgs(MODEL_ID, admin.address);
    });

    it("reverts when the model is retired", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedModelRegistry);
      await (await registry.retireModel(MODEL_ID)).wait();
      await expect(registry.setPrice(MODEL_ID, Tier.ZK, 1n))
        .to.be.revertedWithCustomError(registry, "ModelRegistryModelRetired")
        .withArgs(MODEL_ID);
    });
  });

  describe("retireModel", function () {
    it("retires the model and emits ModelRetired", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(registry.retireModel(MODEL_ID)).to.emit(registry, "ModelRetired").withArgs(MODEL_ID);
      expect((await registry.getModel(MODEL_ID)).retired).to.equal(true);
    });

    it("reverts when the model is unknown", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(registry.retireModel(NEW_ID))
        .to.be.revertedWithCustomError(registry, "ModelRegistryUnknownModel")
        .withArgs(NEW_ID);
    });

    it("reverts when the caller is not the owner", async function () {
      const { registry, stranger } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(registry.connect(stranger).retireModel(MODEL_ID))
        .to.be.revertedWithCustomError(registry, "ModelRegistryNotModelOwner")
        .withArgs(MODEL_ID, stranger.address);
    });

    it("reverts when the model is retired already", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedModelRegistry);
      await (await registry.retireModel(MODEL_ID)).wait();
      await expect(registry.retireModel(MODEL_ID))
        .to.be.revertedWithCustomError(registry, "ModelRegistryModelRetired")
        .withArgs(MODEL_ID);
    });
  });

  describe("getModel", function () {
    it("reverts when the model is unknown", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(registry.getModel(NEW_ID))
        .to.be.revertedWithCustomError(registry, "ModelRegistryUnknownModel")
        .withArgs(NEW_ID);
    });
  });

  describe("registerModel with private weights", function () {
    it("records the flag and hands the commitment to settlement as the weights binding", async function () {
      const { registry, stranger, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      const commitment = `0x${"00".repeat(31)}2a`;
      const privateConfig = { ...config, privateWeights: true, weightsCommitment: commitment };
      await expect(registry.connect(stranger).registerModel(STRANGER_ID, privateConfig))
        .to.emit(registry, "ModelRegistered")
        .withArgs(
          STRANGER_ID,
          stranger.address,
          config.verifier,
          config.verifyingKeyHash,
          commitment,
          true,
          config.acceptedTiers,
          config.prices,
        );
      expect((await registry.getModel(STRANGER_ID)).privateWeights).to.equal(true);
      expect(await registry.terms(STRANGER_ID, Tier.ZK)).to.deep.equal([true, 30n, config.verifier, commitment]);
    });

    it("reverts when a private-weights model has no commitment", async function () {
      const { registry, stranger, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      await expect(
        registry
          .connect(stranger)
          .registerModel(STRANGER_ID, { ...config, privateWeights: true, weightsCommitment: ZeroHash }),
      )
        .to.be.revertedWithCustomError(registry, "ModelRegistryInvalidWeightsCommitment")
        .withArgs(ZeroHash);
    });

    it("reverts when a private-weights commitment is not below the SNARK field, so no proof could output it", async function () {
      const { registry, stranger, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      const outOfField = `0x${SNARK_SCALAR_FIELD.toString(16)}`;
      await expect(
        registry
          .connect(stranger)
          .registerModel(STRANGER_ID, { ...config, privateWeights: true, weightsCommitment: outOfField }),
      )
        .to.be.revertedWithCustomError(registry, "ModelRegistryInvalidWeightsCommitment")
        .withArgs(outOfField);
    });
  });

  describe("terms", function () {
    it("accepts a tier in the model's mask, with its price and verifier", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      expect(await registry.terms(MODEL_ID, Tier.ZK)).to.deep.equal([true, 30n, config.verifier, ZeroHash]);
      expect(await registry.terms(MODEL_ID, Tier.SIGNED)).to.deep.equal([true, 10n, config.verifier, ZeroHash]);
    });

    it("does not accept a tier outside the model's mask", async function () {
      const { registry, config } = await networkHelpers.loadFixture(deployedModelRegistry);
      expect(await registry.terms(MODEL_ID, Tier.TEE)).to.deep.equal([false, 20n, config.verifier, ZeroHash]);
    });

    it("does not accept any tier of an unknown model, without reverting", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedModelRegistry);
      for (const tier of ALL_TIERS) {
        expect(await registry.terms(NEW_ID, tier)).to.deep.equal([false, 0n, ZeroAddress, ZeroHash]);
      }
    });

    it("does not accept any tier of a retired model", async function () {
      const { registry } = await networkHelpers.loadFixture(deployedModelRegistry);
      await (await registry.retireModel(MODEL_ID)).wait();
      for (const tier of ALL_TIERS) {
        expect((await registry.terms(MODEL_ID, tier)).accepted).to.equal(false);
      }
    });
  });
});
