import { expect } from "chai";
import { Wallet, ZeroAddress, id } from "ethers";
import { network } from "hardhat";

import { deployLocalSystem } from "../../sdk/testing/local/deploy.js";
import { onboardSigner } from "../../sdk/testing/local/onboarding.js";
import { signKeyConsent } from "../../sdk/lib/settlement/signerKeys.js";
import { readDomain } from "../../sdk/lib/settlement/typedData.js";
import { SignerRegistry__factory, type SignerRegistry } from "../../typechain-types/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/** Mirrors `ISignerRegistry.SignerStatus`. */
enum Status {
  None,
  Active,
  Unbonding,
  Understaked,
  Retired,
}

/**
 * The named fixture: the system deployed by the Ignition module; `provider` onboarded through the SDK with the
 * minimum stake and key 0; `other` holding (and having approved) twice the minimum stake, with no stake or key yet;
 * `slasher` granted SLASHER_ROLE by the admin. Keys 1 and 2 are unregistered.
 */
async function deployedSignerRegistry() {
  const system = await deployLocalSystem(connection);
  const [admin, provider, other, slasher] = await ethers.getSigners();
  const registry = system.signerRegistry.connect(provider);
  const token = system.token;
  const minStake = await registry.minStake();
  const unbondingDelay = await registry.unbondingDelay();
  const keys = [0, 1, 2].map((i) => new Wallet(id(`signer key ${i}`)));
  await onboardSigner(token, system.signerRegistry, provider, keys[0], minStake);
  await (await token.mint(other.address, 2n * minStake)).wait();
  await (await token.connect(other).approve(await registry.getAddress(), 2n * minStake)).wait();
  const slasherRole = await registry.SLASHER_ROLE();
  await (await registry.connect(admin).grantRole(slasherRole, slasher.address)).wait();
  return { system, registry, token, admin, provider, other, slasher, slasherRole, minStake, unbondingDelay, keys };
}

type Fixture = Awaited<ReturnType<typeof deployedSignerRegistry>>;

/** `key`'s consent to vouch for `provider`, which registerSigner and rotateSigner require ("0x" for a bare address). */
async function consent(registry: SignerRegistry, key: Wallet | string, provider: { address: string }): Promise<string> {
  if (typeof key === "string") return "0x";
  return signKeyConsent(key, await readDomain(registry), provider.address);
}

/** `provider` begins unbonding; returns the time its stake unlocks. */
async function beginUnbonding({ registry, provider }: Fixture): Promise<bigint> {
  await (await registry.connect(provider).beginUnbonding()).wait();
  return (await registry.getProvider(provider.address)).unlockAt;
}

describe("SignerRegistry", function () {
  describe("constructor", function () {
    it("is deployed with the module's parameters and roles", async function () {
      const { system, registry, token, admin, minStake, unbondingDelay } =
        await networkHelpers.loadFixture(deployedSignerRegistry);
      expect(await registry.stakeToken()).to.equal(await token.getAddress());
      expect(minStake).to.equal(100_000_000n);
      expect(unbondingDelay).to.equal(7n * 24n * 3600n);
      expect(await registry.hasRole(await registry.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(true);
      expect(await registry.hasRole(await registry.SLASHER_ROLE(), admin.address)).to.equal(false);
      expect(await system.settlement.signerRegistry()).to.equal(await registry.getAddress());
      // The module gives the slasher role to the dispute contract only, whose window is shorter than the delay.
      expect(await registry.hasRole(await registry.SLASHER_ROLE(), await system.disputes.getAddress())).to.equal(true);
      expect(await system.disputes.challengeWindow()).to.be.lessThan(unbondingDelay);
    });

    it("emits the initial minimum stake", async function () {
      const { registry, token, admin } = await networkHelpers.loadFixture(deployedSignerRegistry);
      const guard = await registry.pauseGuard();
      const deployed = await new SignerRegistry__factory(admin).deploy(token, 5n, 60n, admin.address, guard);
      await expect(deployed.deploymentTransaction()).to.emit(deployed, "MinStakeUpdated").withArgs(0n, 5n);
    });

    it("reverts when the stake token is the zero address", async function () {
      const { registry, admin } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(
        new SignerRegistry__factory(admin).deploy(ZeroAddress, 5n, 60n, admin.address, await registry.pauseGuard()),
      ).to.be.revertedWithCustomError(registry, "SignerRegistryZeroAddress");
    });

    it("reverts when the admin is the zero address", async function () {
      const { registry, token, admin } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(
        new SignerRegistry__factory(admin).deploy(token, 5n, 60n, ZeroAddress, await registry.pauseGuard()),
      ).to.be.revertedWithCustomError(registry, "SignerRegistryZeroAddress");
    });

    it("reverts when the pause guard is the zero address", async function () {
      const { registry, token, admin } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(
        new SignerRegistry__factory(admin).deploy(token, 5n, 60n, admin.address, ZeroAddress),
      ).to.be.revertedWithCustomError(registry, "SignerRegistryZeroAddress");
    });
  });

  describe("stake", function () {
    it("pulls the tokens and emits the amount and the new stake", async function () {
      const { registry, token, other, minStake } = await networkHelpers.loadFixture(deployedSignerRegistry);
      const tx = registry.connect(other).stake(minStake);
      await expect(tx).to.emit(registry, "Staked").withArgs(other.address, minStake, minStake);
      await expect(tx).to.changeTokenBalances(ethers, token, [other, registry], [-minStake, minStake]);
      expect((await registry.getProvider(other.address)).stake).to.equal(minStake);
    });

    it("adds to an existing stake", async function () {
      const { registry, other } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await (await registry.connect(other).stake(40n)).wait();
      await expect(registry.connect(other).stake(60n)).to.emit(registry, "Staked").withArgs(other.address, 60n, 100n);
      expect((await registry.getProvider(other.address)).stake).to.equal(100n);
    });

    it("reverts when the amount is zero", async function () {
      const { registry, other } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(registry.connect(other).stake(0n)).to.be.revertedWithCustomError(
        registry,
        "SignerRegistryZeroAmount",
      );
    });

    it("reverts while the provider is unbonding", async function () {
      const fixture = await networkHelpers.loadFixture(deployedSignerRegistry);
      const { registry, token, provider } = fixture;
      const unlockAt = await beginUnbonding(fixture);
      await (await token.mint(provider.address, 1n)).wait();
      await (await token.connect(provider).approve(await registry.getAddress(), 1n)).wait();
      await expect(registry.connect(provider).stake(1n))
        .to.be.revertedWithCustomError(registry, "SignerRegistryUnbonding")
        .withArgs(provider.address, unlockAt);
    });

    it("reverts when the allowance does not cover the amount", async function () {
      const { registry, token, other, minStake } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(registry.connect(other).stake(2n * minStake + 1n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(await registry.getAddress(), 2n * minStake, 2n * minStake + 1n);
    });
  });

  describe("registerSigner", function () {
    it("reverts when the key did not consent to this provider, so nobody can claim a key they do not hold", async function () {
      const f = await networkHelpers.loadFixture(deployedSignerRegistry);
      const { registry, provider, other, keys } = f;
      // A consent copied from the provider's registration does not work for anyone else...
      const providersConsent = await consent(registry, keys[1], provider);
      await expect(registry.connect(other).registerSigner(keys[1].address, providersConsent))
        .to.be.revertedWithCustomError(registry, "SignerRegistryInvalidKeyProof")
        .withArgs(keys[1].address);
      // ...nor does a consent signed by another key, or a malformed one.
      for (const proof of [await consent(registry, keys[2], other), "0x", "0x1234"]) {
        await expect(registry.connect(other).registerSigner(keys[1].address, proof))
          .to.be.revertedWithCustomError(registry, "SignerRegistryInvalidKeyProof")
          .withArgs(keys[1].address);
      }
      await expect(
        registry.connect(other).registerSigner(keys[1].address, await consent(registry, keys[1], other)),
      ).to.emit(registry, "SignerRegistered");
    });

    it("registers the caller's first key and emits it", async function () {
      const { registry, other, keys } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(registry.connect(other).registerSigner(keys[1].address, await consent(registry, keys[1], other)))
        .to.emit(registry, "SignerRegistered")
        .withArgs(other.address, keys[1].address);
      expect((await registry.getProvider(other.address)).signer).to.equal(keys[1].address);
    });

    it("registers a key before any stake, which stays Understaked until staked", async function () {
      const { registry, other, keys, minStake } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await (
        await registry.connect(other).registerSigner(keys[1].address, await consent(registry, keys[1], other))
      ).wait();
      expect(await registry.signerStatus(keys[1].address)).to.deep.equal([other.address, BigInt(Status.Understaked)]);
      await (await registry.connect(other).stake(minStake)).wait();
      expect(await registry.signerStatus(keys[1].address)).to.deep.equal([other.address, BigInt(Status.Active)]);
    });

    it("reverts when the key is the zero address", async function () {
      const { registry, other } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(
        registry.connect(other).registerSigner(ZeroAddress, await consent(registry, ZeroAddress, other)),
      ).to.be.revertedWithCustomError(registry, "SignerRegistryZeroAddress");
    });

    it("reverts when the key belongs to another provider", async function () {
      const { registry, provider, other, keys } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(registry.connect(other).registerSigner(keys[0].address, await consent(registry, keys[0], other)))
        .to.be.revertedWithCustomError(registry, "SignerRegistryKeyTaken")
        .withArgs(keys[0].address, provider.address);
    });

    it("reverts when the key was retired by its provider", async function () {
      const { registry, provider, other, keys } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await (
        await registry.connect(provider).rotateSigner(keys[1].address, await consent(registry, keys[1], provider))
      ).wait();
      await expect(registry.connect(other).registerSigner(keys[0].address, await consent(registry, keys[0], other)))
        .to.be.revertedWithCustomError(registry, "SignerRegistryKeyTaken")
        .withArgs(keys[0].address, provider.address);
    });

    it("reverts when the caller has a key already", async function () {
      const { registry, provider, keys } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(
        registry.connect(provider).registerSigner(keys[1].address, await consent(registry, keys[1], provider)),
      )
        .to.be.revertedWithCustomError(registry, "SignerRegistrySignerExists")
        .withArgs(provider.address, keys[0].address);
    });

    it("reverts while the caller is unbonding", async function () {
      const { registry, other, keys, minStake } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await (await registry.connect(other).stake(minStake)).wait();
      await (await registry.connect(other).beginUnbonding()).wait();
      const { unlockAt } = await registry.getProvider(other.address);
      await expect(registry.connect(other).registerSigner(keys[1].address, await consent(registry, keys[1], other)))
        .to.be.revertedWithCustomError(registry, "SignerRegistryUnbonding")
        .withArgs(other.address, unlockAt);
    });
  });

  describe("rotateSigner", function () {
    it("reverts when the new key did not consent to this provider", async function () {
      const { registry, provider, other, keys } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(registry.connect(provider).rotateSigner(keys[1].address, await consent(registry, keys[1], other)))
        .to.be.revertedWithCustomError(registry, "SignerRegistryInvalidKeyProof")
        .withArgs(keys[1].address);
    });

    it("replaces the key and emits the old and new key", async function () {
      const { registry, provider, keys } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(registry.connect(provider).rotateSigner(keys[1].address, await consent(registry, keys[1], provider)))
        .to.emit(registry, "SignerRotated")
        .withArgs(provider.address, keys[0].address, keys[1].address);
      expect((await registry.getProvider(provider.address)).signer).to.equal(keys[1].address);
      expect(await registry.signerStatus(keys[1].address)).to.deep.equal([provider.address, BigInt(Status.Active)]);
      expect(await registry.signerStatus(keys[0].address)).to.deep.equal([provider.address, BigInt(Status.Retired)]);
    });

    it("keeps the stake", async function () {
      const { registry, provider, keys, minStake } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await (
        await registry.connect(provider).rotateSigner(keys[1].address, await consent(registry, keys[1], provider))
      ).wait();
      expect((await registry.getProvider(provider.address)).stake).to.equal(minStake);
    });

    it("reverts when the caller has no key", async function () {
      const { registry, other, keys } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(registry.connect(other).rotateSigner(keys[1].address, await consent(registry, keys[1], other)))
        .to.be.revertedWithCustomError(registry, "SignerRegistryNoSigner")
        .withArgs(other.address);
    });

    it("reverts when the new key is the zero address", async function () {
      const { registry, provider } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(
        registry.connect(provider).rotateSigner(ZeroAddress, await consent(registry, ZeroAddress, provider)),
      ).to.be.revertedWithCustomError(registry, "SignerRegistryZeroAddress");
    });

    it("reverts when the new key belongs to another provider", async function () {
      const { registry, provider, other, keys } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await (
        await registry.connect(other).registerSigner(keys[1].address, await consent(registry, keys[1], other))
      ).wait();
      await expect(registry.connect(provider).rotateSigner(keys[1].address, await consent(registry, keys[1], provider)))
        .to.be.revertedWithCustomError(registry, "SignerRegistryKeyTaken")
        .withArgs(keys[1].address, other.address);
    });

    it("reverts when the new key is the current key", async function () {
      const { registry, provider, keys } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(registry.connect(provider).rotateSigner(keys[0].address, await consent(registry, keys[0], provider)))
        .to.be.revertedWithCustomError(registry, "SignerRegistryKeyTaken")
        .withArgs(keys[0].address, provider.address);
    });

    it("reverts when rotating back to a retired key", async function () {
      const { registry, provider, keys } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await (
        await registry.connect(provider).rotateSigner(keys[1].address, await consent(registry, keys[1], provider))
      ).wait();
      await expect(registry.connect(provider).rotateSigner(keys[0].address, await consent(registry, keys[0], provider)))
        .to.be.revertedWithCustomError(registry, "SignerRegistryKeyTaken")
        .withArgs(keys[0].address, provider.address);
    });

    it("reverts while the caller is unbonding", async function () {
      const fixture = await networkHelpers.loadFixture(deployedSignerRegistry);
      const { registry, provider, keys } = fixture;
      const unlockAt = await beginUnbonding(fixture);
      await expect(registry.connect(provider).rotateSigner(keys[1].address, await consent(registry, keys[1], provider)))
        .to.be.revertedWithCustomError(registry, "SignerRegistryUnbonding")
        .withArgs(provider.address, unlockAt);
    });
  });

  describe("signerStatus", function () {
    it("reports None for a key never registered", async function () {
      const { registry, keys } = await networkHelpers.loadFixture(deployedSignerRegistry);
      expect(await registry.signerStatus(keys[1].address)).to.deep.equal([ZeroAddress, BigInt(Status.None)]);
    });

    it("reports Active for a bonded key staked at the minimum", async function () {
      const { registry, provider, keys } = await networkHelpers.loadFixture(deployedSignerRegistry);
      expect(await registry.signerStatus(keys[0].address)).to.deep.equal([provider.address, BigInt(Status.Active)]);
    });

    it("reports Understaked when the minimum stake rises above the stake", async function () {
      const { registry, admin, provider, keys, minStake } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await (await registry.connect(admin).setMinStake(minStake + 1n)).wait();
      expect(await registry.signerStatus(keys[0].address)).to.deep.equal([
        provider.address,
        BigInt(Status.Understaked),
      ]);
    });

    it("reports Understaked after a slash below the minimum", async function () {
      const { registry, slasher, provider, keys } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await (await registry.connect(slasher).slash(provider.address, 1n, slasher.address)).wait();
      expect(await registry.signerStatus(keys[0].address)).to.deep.equal([
        provider.address,
        BigInt(Status.Understaked),
      ]);
    });

    it("reports Unbonding once the provider begins unbonding, whatever its stake", async function () {
      const fixture = await networkHelpers.loadFixture(deployedSignerRegistry);
      await beginUnbonding(fixture);
      expect(await fixture.registry.signerStatus(fixture.keys[0].address)).to.deep.equal([
        fixture.provider.address,
        BigInt(Status.Unbonding),
      ]);
    });

    it("reports Retired for a key the provider rotated away from", async function () {
      const { registry, provider, keys } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await (
        await registry.connect(provider).rotateSigner(keys[1].address, await consent(registry, keys[1], provider))
      ).wait();
      expect(await registry.signerStatus(keys[0].address)).to.deep.equal([provider.address, BigInt(Status.Retired)]);
    });

    it("reports Retired for the key of a provider who withdrew its stake", async function () {
      const fixture = await networkHelpers.loadFixture(deployedSignerRegistry);
      const { registry, provider, keys } = fixture;
      await networkHelpers.time.increaseTo(await beginUnbonding(fixture));
      await (await registry.connect(provider).withdrawStake(provider.address)).wait();
      expect(await registry.signerStatus(keys[0].address)).to.deep.equal([provider.address, BigInt(Status.Retired)]);
    });
  });

  describe("beginUnbonding", function () {
    it("starts the delay and emits the stake and the unlock time", async function () {
      const { registry, provider, minStake, unbondingDelay } = await networkHelpers.loadFixture(deployedSignerRegistry);
      const now = BigInt(await networkHelpers.time.latest()) + 10n;
      await networkHelpers.time.setNextBlockTimestamp(now);
      await expect(registry.connect(provider).beginUnbonding())
        .to.emit(registry, "UnbondingStarted")
        .withArgs(provider.address, minStake, now + unbondingDelay);
      expect((await registry.getProvider(provider.address)).unlockAt).to.equal(now + unbondingDelay);
    });

    it("reverts when the caller has no stake", async function () {
      const { registry, other } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(registry.connect(other).beginUnbonding())
        .to.be.revertedWithCustomError(registry, "SignerRegistryNoStake")
        .withArgs(other.address);
    });

    it("reverts when the stake was slashed to nothing", async function () {
      const { registry, slasher, provider, minStake } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await (await registry.connect(slasher).slash(provider.address, minStake, slasher.address)).wait();
      await expect(registry.connect(provider).beginUnbonding())
        .to.be.revertedWithCustomError(registry, "SignerRegistryNoStake")
        .withArgs(provider.address);
    });

    it("reverts when the caller is unbonding already", async function () {
      const fixture = await networkHelpers.loadFixture(deployedSignerRegistry);
      const { registry, provider } = fixture;
      const unlockAt = await beginUnbonding(fixture);
      await expect(registry.connect(provider).beginUnbonding())
        .to.be.revertedWithCustomError(registry, "SignerRegistryUnbonding")
        .withArgs(provider.address, unlockAt);
    });
  });

  describe("withdrawStake", function () {
    it("sends the whole stake to the recipient after the delay and clears the record", async function () {
      const fixture = await networkHelpers.loadFixture(deployedSignerRegistry);
      const { registry, token, provider, other, minStake } = fixture;
      await networkHelpers.time.increaseTo(await beginUnbonding(fixture));
      const tx = registry.connect(provider).withdrawStake(other.address);
      await expect(tx).to.emit(registry, "StakeWithdrawn").withArgs(provider.address, other.address, minStake);
      await expect(tx).to.changeTokenBalances(ethers, token, [registry, provider, other], [-minStake, 0n, minStake]);
      expect(await registry.getProvider(provider.address)).to.deep.equal([ZeroAddress, 0n, 0n]);
    });

    it("succeeds exactly at the unlock time", async function () {
      const fixture = await networkHelpers.loadFixture(deployedSignerRegistry);
      const unlockAt = await beginUnbonding(fixture);
      await networkHelpers.time.setNextBlockTimestamp(unlockAt);
      await expect(fixture.registry.connect(fixture.provider).withdrawStake(fixture.provider.address)).to.emit(
        fixture.registry,
        "StakeWithdrawn",
      );
    });

    it("reverts one second before the unlock time", async function () {
      const fixture = await networkHelpers.loadFixture(deployedSignerRegistry);
      const { registry, provider } = fixture;
      const unlockAt = await beginUnbonding(fixture);
      await networkHelpers.time.setNextBlockTimestamp(unlockAt - 1n);
      await expect(registry.connect(provider).withdrawStake(provider.address))
        .to.be.revertedWithCustomError(registry, "SignerRegistryStillLocked")
        .withArgs(provider.address, unlockAt);
    });

    it("reverts when the caller is not unbonding", async function () {
      const { registry, provider } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(registry.connect(provider).withdrawStake(provider.address))
        .to.be.revertedWithCustomError(registry, "SignerRegistryNotUnbonding")
        .withArgs(provider.address);
    });

    it("reverts when the recipient is the zero address", async function () {
      const fixture = await networkHelpers.loadFixture(deployedSignerRegistry);
      await networkHelpers.time.increaseTo(await beginUnbonding(fixture));
      await expect(fixture.registry.connect(fixture.provider).withdrawStake(ZeroAddress)).to.be.revertedWithCustomError(
        fixture.registry,
        "SignerRegistryZeroAddress",
      );
    });

    it("withdraws nothing after a full slash, but still clears the key", async function () {
      const fixture = await networkHelpers.loadFixture(deployedSignerRegistry);
      const { registry, token, slasher, provider, keys, minStake } = fixture;
      const unlockAt = await beginUnbonding(fixture);
      await (await registry.connect(slasher).slash(provider.address, minStake, slasher.address)).wait();
      await networkHelpers.time.increaseTo(unlockAt);
      const tx = registry.connect(provider).withdrawStake(provider.address);
      await expect(tx).to.emit(registry, "StakeWithdrawn").withArgs(provider.address, provider.address, 0n);
      await expect(tx).to.changeTokenBalances(ethers, token, [registry, provider], [0n, 0n]);
      expect((await registry.signerStatus(keys[0].address))[1]).to.equal(BigInt(Status.Retired));
    });

    it("lets the provider stake again and register a new key, but never the old one", async function () {
      const fixture = await networkHelpers.loadFixture(deployedSignerRegistry);
      const { registry, token, provider, keys, minStake } = fixture;
      await networkHelpers.time.increaseTo(await beginUnbonding(fixture));
      await (await registry.connect(provider).withdrawStake(provider.address)).wait();
      await (await token.connect(provider).approve(await registry.getAddress(), minStake)).wait();
      await (await registry.connect(provider).stake(minStake)).wait();
      await expect(
        registry.connect(provider).registerSigner(keys[0].address, await consent(registry, keys[0], provider)),
      )
        .to.be.revertedWithCustomError(registry, "SignerRegistryKeyTaken")
        .withArgs(keys[0].address, provider.address);
      await (
        await registry.connect(provider).registerSigner(keys[1].address, await consent(registry, keys[1], provider))
      ).wait();
      expect(await registry.signerStatus(keys[1].address)).to.deep.equal([provider.address, BigInt(Status.Active)]);
    });
  });

  describe("slash", function () {
    it("reverts when the caller does not have the slasher role", async function () {
      const { registry, provider, other, slasherRole } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(registry.connect(other).slash(provider.address, 1n, other.address))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(other.address, slasherRole);
    });

    it("reverts when the caller is the admin without the slasher role", async function () {
      const { registry, admin, provider, slasherRole } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(registry.connect(admin).slash(provider.address, 1n, admin.address))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(admin.address, slasherRole);
    });

    it("reverts when the recipient is the zero address", async function () {
      const { registry, slasher, provider } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(registry.connect(slasher).slash(provider.address, 1n, ZeroAddress)).to.be.revertedWithCustomError(
        registry,
        "SignerRegistryZeroAddress",
      );
    });

    it("still slashes while the provider is unbonding, so a stake in its delay stays answerable", async function () {
      const fixture = await networkHelpers.loadFixture(deployedSignerRegistry);
      const { registry, slasher, provider, other, minStake } = fixture;
      const unlockAt = await beginUnbonding(fixture);
      await expect(registry.connect(slasher).slash(provider.address, 40n, other.address))
        .to.emit(registry, "Slashed")
        .withArgs(provider.address, other.address, 40n, minStake - 40n);
      expect((await registry.getProvider(provider.address)).unlockAt).to.equal(unlockAt);
    });

    it("takes the amount to the recipient and emits the new stake", async function () {
      const { registry, token, slasher, provider, other, minStake } =
        await networkHelpers.loadFixture(deployedSignerRegistry);
      expect(await registry.connect(slasher).slash.staticCall(provider.address, 40n, other.address)).to.equal(40n);
      const tx = registry.connect(slasher).slash(provider.address, 40n, other.address);
      await expect(tx)
        .to.emit(registry, "Slashed")
        .withArgs(provider.address, other.address, 40n, minStake - 40n);
      await expect(tx).to.changeTokenBalances(ethers, token, [registry, other, slasher], [-40n, 40n, 0n]);
      expect((await registry.getProvider(provider.address)).stake).to.equal(minStake - 40n);
    });

    it("takes at most the stake", async function () {
      const { registry, token, slasher, provider, minStake } = await networkHelpers.loadFixture(deployedSignerRegistry);
      const amount = 3n * minStake;
      expect(await registry.connect(slasher).slash.staticCall(provider.address, amount, slasher.address)).to.equal(
        minStake,
      );
      const tx = registry.connect(slasher).slash(provider.address, amount, slasher.address);
      await expect(tx).to.emit(registry, "Slashed").withArgs(provider.address, slasher.address, minStake, 0n);
      await expect(tx).to.changeTokenBalances(ethers, token, [registry, slasher], [-minStake, minStake]);
    });

    it("takes nothing from a provider without stake", async function () {
      const { registry, token, slasher, other } = await networkHelpers.loadFixture(deployedSignerRegistry);
      const tx = registry.connect(slasher).slash(other.address, 1n, slasher.address);
      await expect(tx).to.emit(registry, "Slashed").withArgs(other.address, slasher.address, 0n, 0n);
      await expect(tx).to.changeTokenBalances(ethers, token, [registry, slasher], [0n, 0n]);
    });

    it("reaches a provider who is unbonding", async function () {
      const fixture = await networkHelpers.loadFixture(deployedSignerRegistry);
      const { registry, slasher, provider, minStake } = fixture;
      await beginUnbonding(fixture);
      await expect(registry.connect(slasher).slash(provider.address, 40n, slasher.address))
        .to.emit(registry, "Slashed")
        .withArgs(provider.address, slasher.address, 40n, minStake - 40n);
    });
  });

  describe("setMinStake", function () {
    it("sets the minimum and emits the old and new value", async function () {
      const { registry, admin, minStake } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(registry.connect(admin).setMinStake(1n)).to.emit(registry, "MinStakeUpdated").withArgs(minStake, 1n);
      expect(await registry.minStake()).to.equal(1n);
    });

    it("reverts when the caller is not the admin", async function () {
      const { registry, other } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(registry.connect(other).setMinStake(1n))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(other.address, await registry.DEFAULT_ADMIN_ROLE());
    });

    it("reverts when the caller only has the slasher role", async function () {
      const { registry, slasher } = await networkHelpers.loadFixture(deployedSignerRegistry);
      await expect(registry.connect(slasher).setMinStake(1n))
        .to.be.revertedWithCustomError(registry, "AccessControlUnauthorizedAccount")
        .withArgs(slasher.address, await registry.DEFAULT_ADMIN_ROLE());
    });
  });
});
