import { expect } from "chai";
import { Signature, ZeroAddress, id, verifyTypedData, type Signer, type TypedDataDomain } from "ethers";
import { network } from "hardhat";

import { deployLocalSystem } from "../../sdk/testing/local/deploy.js";
import { TestERC1271Wallet__factory } from "../../typechain-types/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/** The fields shared by the two EIP-3009 transfer types. */
const AUTHORIZATION_FIELDS = [
  { name: "from", type: "address" },
  { name: "to", type: "address" },
  { name: "value", type: "uint256" },
  { name: "validAfter", type: "uint256" },
  { name: "validBefore", type: "uint256" },
  { name: "nonce", type: "bytes32" },
];
const CANCEL_TYPES = {
  CancelAuthorization: [
    { name: "authorizer", type: "address" },
    { name: "nonce", type: "bytes32" },
  ],
};
const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};
const NONCE = id("authorization nonce");

type Kind = "TransferWithAuthorization" | "ReceiveWithAuthorization";

interface Authorization {
  from: string;
  to: string;
  value: bigint;
  validAfter: bigint;
  validBefore: bigint;
  nonce: string;
}

/**
 * The named fixture: the test token deployed by the Ignition module (owned by account 0), `holder` with 1,000 units,
 * an ERC-1271 contract account owned by `holder`'s key with 1,000 units, and the token's EIP-712 domain.
 */
async function deployedTestToken() {
  const { token } = await deployLocalSystem(connection);
  const [owner, holder, payee, relayer, stranger] = await ethers.getSigners();
  await (await token.mint(holder.address, 1_000n)).wait();
  const wallet = await new TestERC1271Wallet__factory(owner).deploy(holder.address);
  await wallet.waitForDeployment();
  await (await token.mint(await wallet.getAddress(), 1_000n)).wait();
  const [, name, version, chainId, verifyingContract] = await token.eip712Domain();
  const domain: TypedDataDomain = { name, version, chainId, verifyingContract };
  return { token, owner, holder, payee, relayer, stranger, wallet, domain };
}

type Fixture = Awaited<ReturnType<typeof deployedTestToken>>;

/** The latest block's timestamp. */
async function now(): Promise<bigint> {
  return BigInt(await networkHelpers.time.latest());
}

/**
 * An EIP-3009 authorization of `kind` (100 units from `holder` to `payee`, valid for an hour, nonce NONCE unless
 * overridden), signed by `signer` (the holder by default) in `domain` (the token's by default).
 */
async function authorize(
  f: Fixture,
  kind: Kind,
  overrides: Partial<Authorization> = {},
  signer: Signer = f.holder,
  domain: TypedDataDomain = f.domain,
) {
  const message: Authorization = {
    from: f.holder.address,
    to: f.payee.address,
    value: 100n,
    validAfter: 0n,
    validBefore: (await now()) + 3600n,
    nonce: NONCE,
    ...overrides,
  };
  const signature = await signer.signTypedData(domain, { [kind]: AUTHORIZATION_FIELDS }, message);
  return { message, signature, args: argsOf(message, signature) };
}

/** The call arguments of `transferWithAuthorization` / `receiveWithAuthorization`. */
function argsOf(m: Authorization, signature: string) {
  return [m.from, m.to, m.value, m.validAfter, m.validBefore, m.nonce, signature] as const;
}

/** A cancellation of `nonce` of `authorizer`, signed by `signer`. */
async function cancellation(f: Fixture, signer: Signer, authorizer = f.holder.address, nonce = NONCE) {
  return signer.signTypedData(f.domain, CANCEL_TYPES, { authorizer, nonce });
}

describe("TestToken", function () {
  describe("decimals", function () {
    it("is six, like USDC", async function () {
      const { token } = await networkHelpers.loadFixture(deployedTestToken);
      expect(await token.decimals()).to.equal(6n);
    });
  });

  describe("mint", function () {
    it("mints to the account and emits a Transfer from the zero address", async function () {
      const { token, stranger } = await networkHelpers.loadFixture(deployedTestToken);
      const tx = token.mint(stranger.address, 5n);
      await expect(tx).to.emit(token, "Transfer").withArgs(ZeroAddress, stranger.address, 5n);
      await expect(tx).to.changeTokenBalance(ethers, token, stranger, 5n);
    });

    it("reverts when the caller is not the owner", async function () {
      const { token, stranger } = await networkHelpers.loadFixture(deployedTestToken);
      await expect(token.connect(stranger).mint(stranger.address, 1n))
        .to.be.revertedWithCustomError(token, "OwnableUnauthorizedAccount")
        .withArgs(stranger.address);
    });
  });

  describe("permit", function () {
    async function signPermit(f: Fixture, signer: Signer, overrides: { nonce?: bigint; deadline?: bigint } = {}) {
      const permit = {
        owner: f.holder.address,
        spender: f.payee.address,
        value: 5n,
        nonce: 0n,
        deadline: (await now()) + 3600n,
        ...overrides,
      };
      const signature = await signer.signTypedData(f.domain, PERMIT_TYPES, permit);
      const { v, r, s } = Signature.from(signature);
      return {
        permit,
        signature,
        args: [permit.owner, permit.spender, permit.value, permit.deadline, v, r, s] as const,
      };
    }

    it("sets the allowance from the holder's signature, emits Approval and uses the nonce", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const { args } = await signPermit(f, f.holder);
      await expect(f.token.connect(f.relayer).permit(...args))
        .to.emit(f.token, "Approval")
        .withArgs(f.holder.address, f.payee.address, 5n);
      expect(await f.token.allowance(f.holder.address, f.payee.address)).to.equal(5n);
      expect(await f.token.nonces(f.holder.address)).to.equal(1n);
      await expect(f.token.connect(f.payee).transferFrom(f.holder.address, f.payee.address, 5n)).to.changeTokenBalances(
        ethers,
        f.token,
        [f.holder, f.payee],
        [-5n, 5n],
      );
    });

    it("reverts when the deadline has passed", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const deadline = await now();
      const { args } = await signPermit(f, f.holder, { deadline });
      await expect(f.token.permit(...args))
        .to.be.revertedWithCustomError(f.token, "ERC2612ExpiredSignature")
        .withArgs(deadline);
    });

    it("reverts when the signature is not the holder's", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const { args } = await signPermit(f, f.stranger);
      await expect(f.token.permit(...args))
        .to.be.revertedWithCustomError(f.token, "ERC2612InvalidSigner")
        .withArgs(f.stranger.address, f.holder.address);
    });

    it("reverts when the permit is replayed", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const { permit, signature, args } = await signPermit(f, f.holder);
      await (await f.token.permit(...args)).wait();
      // The token now expects nonce 1, so the same signature recovers to some other address.
      const recovered = verifyTypedData(f.domain, PERMIT_TYPES, { ...permit, nonce: 1n }, signature);
      await expect(f.token.permit(...args))
        .to.be.revertedWithCustomError(f.token, "ERC2612InvalidSigner")
        .withArgs(recovered, f.holder.address);
    });
  });

  describe("transferWithAuthorization", function () {
    it("moves the value from the authorizer to the payee, whoever submits it", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const { args } = await authorize(f, "TransferWithAuthorization");
      const tx = f.token.connect(f.relayer).transferWithAuthorization(...args);
      await expect(tx).to.emit(f.token, "AuthorizationUsed").withArgs(f.holder.address, NONCE);
      await expect(tx).to.emit(f.token, "Transfer").withArgs(f.holder.address, f.payee.address, 100n);
      await expect(tx).to.changeTokenBalances(ethers, f.token, [f.holder, f.payee, f.relayer], [-100n, 100n, 0n]);
    });

    it("marks the nonce used", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const { args } = await authorize(f, "TransferWithAuthorization");
      expect(await f.token.authorizationState(f.holder.address, NONCE)).to.equal(false);
      await (await f.token.transferWithAuthorization(...args)).wait();
      expect(await f.token.authorizationState(f.holder.address, NONCE)).to.equal(true);
    });

    it("accepts the authorization from the second after validAfter", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const validAfter = (await now()) + 100n;
      const { args } = await authorize(f, "TransferWithAuthorization", { validAfter });
      await networkHelpers.time.setNextBlockTimestamp(validAfter + 1n);
      await expect(f.token.transferWithAuthorization(...args)).to.emit(f.token, "AuthorizationUsed");
    });

    it("reverts when the block time is before validAfter", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const validAfter = (await now()) + 100n;
      const { args } = await authorize(f, "TransferWithAuthorization", { validAfter });
      await expect(f.token.transferWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009NotYetValid")
        .withArgs(validAfter);
    });

    it("reverts when the block time equals validAfter", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const validAfter = (await now()) + 100n;
      const { args } = await authorize(f, "TransferWithAuthorization", { validAfter });
      await networkHelpers.time.setNextBlockTimestamp(validAfter);
      await expect(f.token.transferWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009NotYetValid")
        .withArgs(validAfter);
    });

    it("accepts the authorization until the second before validBefore", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const validBefore = (await now()) + 100n;
      const { args } = await authorize(f, "TransferWithAuthorization", { validBefore });
      await networkHelpers.time.setNextBlockTimestamp(validBefore - 1n);
      await expect(f.token.transferWithAuthorization(...args)).to.emit(f.token, "AuthorizationUsed");
    });

    it("reverts when the block time equals validBefore", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const validBefore = (await now()) + 100n;
      const { args } = await authorize(f, "TransferWithAuthorization", { validBefore });
      await networkHelpers.time.setNextBlockTimestamp(validBefore);
      await expect(f.token.transferWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009Expired")
        .withArgs(validBefore);
    });

    it("reverts when the authorization has expired", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const validBefore = (await now()) - 10n;
      const { args } = await authorize(f, "TransferWithAuthorization", { validBefore });
      await expect(f.token.transferWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009Expired")
        .withArgs(validBefore);
    });

    it("reverts when the authorization is replayed", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const { args } = await authorize(f, "TransferWithAuthorization");
      await (await f.token.transferWithAuthorization(...args)).wait();
      await expect(f.token.transferWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009AuthorizationUsed")
        .withArgs(f.holder.address, NONCE);
    });

    it("reverts when another authorization reuses a used nonce", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      await (await f.token.transferWithAuthorization(...(await authorize(f, "TransferWithAuthorization")).args)).wait();
      const second = await authorize(f, "TransferWithAuthorization", { value: 50n, to: f.stranger.address });
      await expect(f.token.transferWithAuthorization(...second.args))
        .to.be.revertedWithCustomError(f.token, "ERC3009AuthorizationUsed")
        .withArgs(f.holder.address, NONCE);
    });

    it("reverts when the signature is by another key than the authorizer's", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const { args } = await authorize(f, "TransferWithAuthorization", {}, f.stranger);
      await expect(f.token.transferWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009InvalidSignature")
        .withArgs(f.holder.address);
    });

    it("reverts when the value was changed after signing", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const { message, signature } = await authorize(f, "TransferWithAuthorization");
      await expect(f.token.transferWithAuthorization(...argsOf({ ...message, value: 101n }, signature)))
        .to.be.revertedWithCustomError(f.token, "ERC3009InvalidSignature")
        .withArgs(f.holder.address);
    });

    it("reverts when the payee was changed after signing", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const { message, signature } = await authorize(f, "TransferWithAuthorization");
      await expect(f.token.transferWithAuthorization(...argsOf({ ...message, to: f.relayer.address }, signature)))
        .to.be.revertedWithCustomError(f.token, "ERC3009InvalidSignature")
        .withArgs(f.holder.address);
    });

    it("reverts when the signature is of a receive authorization", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const { args } = await authorize(f, "ReceiveWithAuthorization");
      await expect(f.token.transferWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009InvalidSignature")
        .withArgs(f.holder.address);
    });

    it("reverts when the signature is for another chain", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const { args } = await authorize(f, "TransferWithAuthorization", {}, f.holder, { ...f.domain, chainId: 1n });
      await expect(f.token.transferWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009InvalidSignature")
        .withArgs(f.holder.address);
    });

    it("reverts when the value exceeds the balance, leaving the nonce unused", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const { args } = await authorize(f, "TransferWithAuthorization", { value: 1_001n });
      await expect(f.token.transferWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC20InsufficientBalance")
        .withArgs(f.holder.address, 1_000n, 1_001n);
      expect(await f.token.authorizationState(f.holder.address, NONCE)).to.equal(false);
    });

    it("accepts the authorization of a contract account (ERC-1271) signed by its owner key", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const wallet = await f.wallet.getAddress();
      const { args } = await authorize(f, "TransferWithAuthorization", { from: wallet });
      const tx = f.token.connect(f.relayer).transferWithAuthorization(...args);
      await expect(tx).to.emit(f.token, "AuthorizationUsed").withArgs(wallet, NONCE);
      await expect(tx).to.changeTokenBalances(ethers, f.token, [wallet, f.payee.address], [-100n, 100n]);
    });

    it("reverts when a contract account's authorization is signed by another key", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const wallet = await f.wallet.getAddress();
      const { args } = await authorize(f, "TransferWithAuthorization", { from: wallet }, f.stranger);
      await expect(f.token.transferWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009InvalidSignature")
        .withArgs(wallet);
    });
  });

  describe("receiveWithAuthorization", function () {
    it("lets the payee pull the value", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const { args } = await authorize(f, "ReceiveWithAuthorization");
      const tx = f.token.connect(f.payee).receiveWithAuthorization(...args);
      await expect(tx).to.emit(f.token, "AuthorizationUsed").withArgs(f.holder.address, NONCE);
      await expect(tx).to.changeTokenBalances(ethers, f.token, [f.holder, f.payee], [-100n, 100n]);
      expect(await f.token.authorizationState(f.holder.address, NONCE)).to.equal(true);
    });

    it("reverts when the caller is not the payee", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const { args } = await authorize(f, "ReceiveWithAuthorization");
      await expect(f.token.connect(f.relayer).receiveWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009CallerNotPayee")
        .withArgs(f.relayer.address, f.payee.address);
    });

    it("reverts when the caller is the authorizer, not the payee", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const { args } = await authorize(f, "ReceiveWithAuthorization");
      await expect(f.token.connect(f.holder).receiveWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009CallerNotPayee")
        .withArgs(f.holder.address, f.payee.address);
    });

    it("reverts when the signature is of a transfer authorization", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const { args } = await authorize(f, "TransferWithAuthorization");
      await expect(f.token.connect(f.payee).receiveWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009InvalidSignature")
        .withArgs(f.holder.address);
    });

    it("reverts when the nonce was used by a transfer authorization", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      await (await f.token.transferWithAuthorization(...(await authorize(f, "TransferWithAuthorization")).args)).wait();
      const { args } = await authorize(f, "ReceiveWithAuthorization");
      await expect(f.token.connect(f.payee).receiveWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009AuthorizationUsed")
        .withArgs(f.holder.address, NONCE);
    });

    it("reverts when the authorization is not valid yet", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const validAfter = (await now()) + 100n;
      const { args } = await authorize(f, "ReceiveWithAuthorization", { validAfter });
      await expect(f.token.connect(f.payee).receiveWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009NotYetValid")
        .withArgs(validAfter);
    });

    it("reverts when the authorization has expired", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const validBefore = await now();
      const { args } = await authorize(f, "ReceiveWithAuthorization", { validBefore });
      await expect(f.token.connect(f.payee).receiveWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009Expired")
        .withArgs(validBefore);
    });
  });

  describe("cancelAuthorization", function () {
    it("cancels an unused nonce and emits AuthorizationCanceled", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      await expect(
        f.token.connect(f.relayer).cancelAuthorization(f.holder.address, NONCE, await cancellation(f, f.holder)),
      )
        .to.emit(f.token, "AuthorizationCanceled")
        .withArgs(f.holder.address, NONCE);
      expect(await f.token.authorizationState(f.holder.address, NONCE)).to.equal(true);
    });

    it("makes the canceled transfer and receive authorizations unusable", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const transfer = await authorize(f, "TransferWithAuthorization");
      const receive = await authorize(f, "ReceiveWithAuthorization");
      await (await f.token.cancelAuthorization(f.holder.address, NONCE, await cancellation(f, f.holder))).wait();
      await expect(f.token.transferWithAuthorization(...transfer.args))
        .to.be.revertedWithCustomError(f.token, "ERC3009AuthorizationUsed")
        .withArgs(f.holder.address, NONCE);
      await expect(f.token.connect(f.payee).receiveWithAuthorization(...receive.args))
        .to.be.revertedWithCustomError(f.token, "ERC3009AuthorizationUsed")
        .withArgs(f.holder.address, NONCE);
    });

    it("reverts when the cancellation is signed by another key than the authorizer's", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      await expect(f.token.cancelAuthorization(f.holder.address, NONCE, await cancellation(f, f.stranger)))
        .to.be.revertedWithCustomError(f.token, "ERC3009InvalidSignature")
        .withArgs(f.holder.address);
    });

    it("reverts when the cancellation is signed for another nonce", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const otherNonce = await cancellation(f, f.holder, f.holder.address, id("another nonce"));
      await expect(f.token.cancelAuthorization(f.holder.address, NONCE, otherNonce))
        .to.be.revertedWithCustomError(f.token, "ERC3009InvalidSignature")
        .withArgs(f.holder.address);
    });

    it("reverts when the nonce was used", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      await (await f.token.transferWithAuthorization(...(await authorize(f, "TransferWithAuthorization")).args)).wait();
      await expect(f.token.cancelAuthorization(f.holder.address, NONCE, await cancellation(f, f.holder)))
        .to.be.revertedWithCustomError(f.token, "ERC3009AuthorizationUsed")
        .withArgs(f.holder.address, NONCE);
    });

    it("reverts when the nonce was canceled already", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const signature = await cancellation(f, f.holder);
      await (await f.token.cancelAuthorization(f.holder.address, NONCE, signature)).wait();
      await expect(f.token.cancelAuthorization(f.holder.address, NONCE, signature))
        .to.be.revertedWithCustomError(f.token, "ERC3009AuthorizationUsed")
        .withArgs(f.holder.address, NONCE);
    });

    it("accepts the cancellation of a contract account (ERC-1271) signed by its owner key", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      const wallet = await f.wallet.getAddress();
      await expect(f.token.cancelAuthorization(wallet, NONCE, await cancellation(f, f.holder, wallet)))
        .to.emit(f.token, "AuthorizationCanceled")
        .withArgs(wallet, NONCE);
    });
  });

  describe("authorizationState", function () {
    it("is false for an unused nonce and tracked per authorizer", async function () {
      const f = await networkHelpers.loadFixture(deployedTestToken);
      await (await f.token.transferWithAuthorization(...(await authorize(f, "TransferWithAuthorization")).args)).wait();
      expect(await f.token.authorizationState(f.holder.address, NONCE)).to.equal(true);
      expect(await f.token.authorizationState(f.stranger.address, NONCE)).to.equal(false);
      expect(await f.token.authorizationState(f.holder.address, id("another nonce"))).to.equal(false);
    });
  });
});
