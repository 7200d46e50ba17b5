import { expect } from "chai";
import { Wallet, ZeroAddress, id } from "ethers";
import { network } from "hardhat";

import { deployLocalSystem } from "../../sdk/local/deploy.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

enum Status {
  None,
  Active,
  Unbonding,
  Understaked,
  Retired,
}

/** The named fixture: the deployed system, a provider holding twice the minimum stake (approved), and keys. */
async function deployedRegistry() {
  const system = await deployLocalSystem(connection);
  const [admin, provider, other] = await ethers.getSigners();
  const minStake = await system.signerRegistry.minStake();
  for (const account of [provider, other]) {
    await (await system.token.mint(account.address, 2n * minStake)).wait();
    await (await system.token.connect(account).approve(await system.signerRegistry.getAddress(), 2n * minStake)).wait();
  }
  const registry = system.signerRegistry.connect(provider);
  const keys = [new Wallet(id("signer key 1")), new Wallet(id("signer key 2"))];
  return { system, registry, token: system.token, admin, provider, other, minStake, keys };
}

/** The provider staked the minimum and registered key 1. */
async function activeSigner() {
  const fixture = await deployedRegistry();
  await (await fixture.registry.stake(fixture.minStake)).wait();
  await (await fixture.registry.registerSigner(fixture.keys[0].address)).wait();
  return fixture;
}

describe("SignerRegistry", function () {
  describe("stake", function () {
    it("pulls the tokens and emits the new stake", async function () {
      const { registry, token, provider, minStake } = await networkHelpers.loadFixture(deployedRegistry);
      const tx = registry.stake(minStake);
      await expect(tx).to.emit(registry, "Staked").withArgs(provider.address, minStake, minStake);
      await expect(tx).to.changeTokenBalances(
        ethers,
        token,
        [provider.address, await registry.getAddress()],
        [-minStake, minStake],
      );
    });

    it("reverts on zero and while unbonding", async function () {
      const { registry, provider, minStake } = await networkHelpers.loadFixture(activeSigner);
      await expect(registry.stake(0n)).to.be.revertedWithCustomError(registry, "SignerRegistryZeroAmount");
      await (await registry.beginUnbonding()).wait();
      await expect(registry.stake(minStake))
        .to.be.revertedWithCustomError(registry, "SignerRegistryUnbonding")
        .withArgs(provider.address, (v: bigint) => v > 0n);
    });
  });

  describe("registerSigner", function () {
    it("reverts on the zero key, a key of another provider, and a second key", async function () {
      const { registry, other, provider, keys } = await networkHelpers.loadFixture(activeSigner);
      await expect(registry.connect(other).registerSigner(ZeroAddress)).to.be.revertedWithCustomError(
        registry,
        "SignerRegistryZeroAddress",
      );
      await expect(registry.connect(other).registerSigner(keys[0].address))
        .to.be.revertedWithCustomError(registry, "SignerRegistryKeyTaken")
        .withArgs(keys[0].address, provider.address);
      await expect(registry.registerSigner(keys[1].address))
        .to.be.revertedWithCustomError(registry, "SignerRegistrySignerExists")
        .withArgs(provider.address, keys[0].address);
    });
  });

  describe("rotateSigner", function () {
    it("replaces the key, retires the old one for good, and emits both", async function () {
      const { registry, other, provider, keys } = await networkHelpers.loadFixture(activeSigner);
      await expect(registry.rotateSigner(keys[1].address))
        .to.emit(registry, "SignerRotated")
        .withArgs(provider.address, keys[0].address, keys[1].address);
      expect(await registry.signerStatus(keys[1].address)).to.deep.equal([provider.address, BigInt(Status.Active)]);
      expect(await registry.signerStatus(keys[0].address)).to.deep.equal([provider.address, BigInt(Status.Retired)]);
      await expect(registry.connect(other).registerSigner(keys[0].address)).to.be.revertedWithCustomError(
        registry,
        "SignerRegistryKeyTaken",
      );
      await expect(registry.rotateSigner(keys[0].address)).to.be.revertedWithCustomError(
        registry,
        "SignerRegistryKeyTaken",
      );
    });

    it("reverts when the provider has no key", async function () {
      const { registry, other, keys } = await networkHelpers.loadFixture(activeSigner);
      await expect(registry.connect(other).rotateSigner(keys[1].address))
        .to.be.revertedWithCustomError(registry, "SignerRegistryNoSigner")
        .withArgs(other.address);
    });
  });

  describe("signerStatus", function () {
    it("goes None → Active → Understaked (min stake raised) → Unbonding", async function () {
      const { registry, admin, provider, keys, minStake } = await networkHelpers.loadFixture(activeSigner);
      expect(await registry.signerStatus(keys[1].address)).to.deep.equal([ZeroAddress, BigInt(Status.None)]);
      expect(await registry.signerStatus(keys[0].address)).to.deep.equal([provider.address, BigInt(Status.Active)]);
      await (await registry.connect(admin).setMinStake(minStake + 1n)).wait();
      expect((await registry.signerStatus(keys[0].address))[1]).to.equal(BigInt(Status.Understaked));
      await (await registry.beginUnbonding()).wait();
      expect((await registry.signerStatus(keys[0].address))[1]).to.equal(BigInt(Status.Unbonding));
    });
  });

  describe("beginUnbonding and withdrawStake", function () {
    it("returns the whole stake after the delay and clears the key", async function () {
      const { registry, token, provider, keys, minStake } = await networkHelpers.loadFixture(activeSigner);
      const delay = await registry.unbondingDelay();
      await expect(registry.beginUnbonding())
        .to.emit(registry, "UnbondingStarted")
        .withArgs(provider.address, minStake, (v: bigint) => v > 0n);
      await expect(registry.withdrawStake(provider.address)).to.be.revertedWithCustomError(
        registry,
        "SignerRegistryStillLocked",
      );
      await networkHelpers.time.increase(delay);
      const tx = registry.withdrawStake(provider.address);
      await expect(tx).to.emit(registry, "StakeWithdrawn").withArgs(provider.address, provider.address, minStake);
      await expect(tx).to.changeTokenBalances(ethers, token, [provider.address], [minStake]);
      expect(await registry.getProvider(provider.address)).to.deep.equal([ZeroAddress, 0n, 0n]);
      expect((await registry.signerStatus(keys[0].address))[1]).to.equal(BigInt(Status.Retired));
    });

    it("reverts when there is no stake, when unbonding twice, when not unbonding, and to the zero address", async function () {
      const { registry, other, provider } = await networkHelpers.loadFixture(activeSigner);
      await expect(registry.connect(other).beginUnbonding())
        .to.be.revertedWithCustomError(registry, "SignerRegistryNoStake")
        .withArgs(other.address);
      await expect(registry.withdrawStake(provider.address))
        .to.be.revertedWithCustomError(registry, "SignerRegistryNotUnbonding")
        .withArgs(provider.address);
      await (await registry.beginUnbonding()).wait();
      await expect(registry.beginUnbonding()).to.be.revertedWithCustomError(registry, "SignerRegistryUnbonding");
      await expect(registry.withdrawStake(ZeroAddress)).to.be.revertedWithCustomError(
        registry,
        "SignerRegistryZeroAddress",
      );
    });
  });

  describe("slash", function () {
    it("is refused to anyone without the slasher role", async function () {
      const { registry, provider, other } = await networkHelpers.loadFixture(activeSigner);
      await expect(registry.connect(other).slash(provider.address, 1n, other.address))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(other.address, await registry.SLASHER_ROLE());
    });

    it("takes at most the stake, pays the recipient, and even reaches an unbonding provider", async function () {
      const { registry, token, admin, provider, other, minStake } = await networkHelpers.loadFixture(activeSigner);
      await (await registry.connect(admin).grantRole(await registry.SLASHER_ROLE(), other.address)).wait();
      await (await registry.beginUnbonding()).wait();
      await expect(registry.connect(other).slash(provider.address, 1n, ZeroAddress)).to.be.revertedWithCustomError(
        registry,
        "SignerRegistryZeroAddress",
      );
      const partial = registry.connect(other).slash(provider.address, 40n, other.address);
      await expect(partial)
        .to.emit(registry, "Slashed")
        .withArgs(provider.address, other.address, 40n, minStake - 40n);
      await expect(partial).to.changeTokenBalances(ethers, token, [other.address], [40n]);
      await expect(registry.connect(other).slash(provider.address, 2n * minStake, other.address))
        .to.emit(registry, "Slashed")
        .withArgs(provider.address, other.address, minStake - 40n, 0n);
    });
  });

  describe("setMinStake", function () {
    it("is admin-only and emits old and new", async function () {
      const { registry, admin, other, minStake } = await networkHelpers.loadFixture(deployedRegistry);
      await expect(registry.connect(other).setMinStake(1n)).to.be.revertedWithCustomError(
        registry,
        "AccessControlUnauthorizedAccount",
      );
      await expect(registry.connect(admin).setMinStake(1n)).to.emit(registry, "MinStakeUpdated").withArgs(minStake, 1n);
    });
  });
});
