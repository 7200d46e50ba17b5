import { expect } from "chai";
import { Signature, hexlify, randomBytes, type TypedDataDomain } from "ethers";
import { network } from "hardhat";

import { deployLocalSystem } from "../../sdk/local/deploy.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

const AUTHORIZATION = [
  { name: "from", type: "address" },
  { name: "to", type: "address" },
  { name: "value", type: "uint256" },
  { name: "validAfter", type: "uint256" },
  { name: "validBefore", type: "uint256" },
  { name: "nonce", type: "bytes32" },
];

/** The named fixture: the deployed test token, a holder with 1,000 tokens, a payee and its EIP-712 domain. */
async function fundedHolder() {
  const { token } = await deployLocalSystem(connection);
  const [owner, holder, payee, stranger] = await ethers.getSigners();
  await (await token.mint(holder.address, 1_000n)).wait();
  const [, name, version, chainId, verifyingContract] = await token.eip712Domain();
  const domain: TypedDataDomain = { name, version, chainId, verifyingContract };
  return { token, owner, holder, payee, stranger, domain };
}

type Fixture = Awaited<ReturnType<typeof fundedHolder>>;

async function authorization(
  f: Fixture,
  kind: "TransferWithAuthorization" | "ReceiveWithAuthorization",
  overrides = {},
) {
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  const message = {
    from: f.holder.address,
    to: f.payee.address,
    value: 100n,
    validAfter: now - 1n,
    validBefore: now + 3600n,
    nonce: hexlify(randomBytes(32)),
    ...overrides,
  };
  const signature = await f.holder.signTypedData(f.domain, { [kind]: AUTHORIZATION }, message);
  const args = [
    message.from,
    message.to,
    message.value,
    message.validAfter,
    message.validBefore,
    message.nonce,
    signature,
  ] as const;
  return { message, signature, args };
}

describe("TestToken", function () {
  describe("mint", function () {
    it("is owner-only and has six decimals", async function () {
      const { token, stranger } = await networkHelpers.loadFixture(fundedHolder);
      expect(await token.decimals()).to.equal(6n);
      await expect(token.connect(stranger).mint(stranger.address, 1n))
        .to.be.revertedWithCustomError(token, "OwnableUnauthorizedAccount")
        .withArgs(stranger.address);
    });
  });

  describe("permit (EIP-2612)", function () {
    it("sets an allowance from a signature", async function () {
      const f = await networkHelpers.loadFixture(fundedHolder);
      const deadline = BigInt((await ethers.provider.getBlock("latest"))!.timestamp) + 3600n;
      const types = {
        Permit: [
          { name: "owner", type: "address" },
          { name: "spender", type: "address" },
          { name: "value", type: "uint256" },
          { name: "nonce", type: "uint256" },
          { name: "deadline", type: "uint256" },
        ],
      };
      const value = { owner: f.holder.address, spender: f.payee.address, value: 5n, nonce: 0n, deadline };
      const { v, r, s } = Signature.from(await f.holder.signTypedData(f.domain, types, value));
      await (await f.token.permit(f.holder.address, f.payee.address, 5n, deadline, v, r, s)).wait();
      expect(await f.token.allowance(f.holder.address, f.payee.address)).to.equal(5n);
    });
  });

  describe("transferWithAuthorization (EIP-3009)", function () {
    it("moves the value once, marks the nonce used and emits AuthorizationUsed", async function () {
      const f = await networkHelpers.loadFixture(fundedHolder);
      const { message, args } = await authorization(f, "TransferWithAuthorization");
      const tx = f.token.connect(f.stranger).transferWithAuthorization(...args);
      await expect(tx).to.emit(f.token, "AuthorizationUsed").withArgs(f.holder.address, message.nonce);
      await expect(tx).to.changeTokenBalances(ethers, f.token, [f.holder.address, f.payee.address], [-100n, 100n]);
      expect(await f.token.authorizationState(f.holder.address, message.nonce)).to.equal(true);
      await expect(f.token.transferWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009AuthorizationUsed")
        .withArgs(f.holder.address, message.nonce);
    });

    it("reverts before validAfter, at validBefore, and for a signature by someone else", async function () {
      const f = await networkHelpers.loadFixture(fundedHolder);
      const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
      const early = await authorization(f, "TransferWithAuthorization", { validAfter: now + 100n });
      await expect(f.token.transferWithAuthorization(...early.args)).to.be.revertedWithCustomError(
        f.token,
        "ERC3009NotYetValid",
      );
      const late = await authorization(f, "TransferWithAuthorization", { validBefore: now });
      await expect(f.token.transferWithAuthorization(...late.args)).to.be.revertedWithCustomError(
        f.token,
        "ERC3009Expired",
      );
      const good = await authorization(f, "TransferWithAuthorization");
      const forged = await f.stranger.signTypedData(
        f.domain,
        { TransferWithAuthorization: AUTHORIZATION },
        good.message,
      );
      const forgedArgs = [...good.args.slice(0, 6), forged] as unknown as typeof good.args;
      await expect(f.token.transferWithAuthorization(...forgedArgs))
        .to.be.revertedWithCustomError(f.token, "ERC3009InvalidSignature")
        .withArgs(f.holder.address);
    });

    it("does not accept a receive authorization as a transfer authorization", async function () {
      const f = await networkHelpers.loadFixture(fundedHolder);
      const receive = await authorization(f, "ReceiveWithAuthorization");
      await expect(f.token.transferWithAuthorization(...receive.args)).to.be.revertedWithCustomError(
        f.token,
        "ERC3009InvalidSignature",
      );
    });
  });

  describe("receiveWithAuthorization (EIP-3009)", function () {
    it("only the payee may pull it, so nobody can front-run it elsewhere", async function () {
      const f = await networkHelpers.loadFixture(fundedHolder);
      const { args } = await authorization(f, "ReceiveWithAuthorization");
      await expect(f.token.connect(f.stranger).receiveWithAuthorization(...args))
        .to.be.revertedWithCustomError(f.token, "ERC3009CallerNotPayee")
        .withArgs(f.stranger.address, f.payee.address);
      await expect(f.token.connect(f.payee).receiveWithAuthorization(...args)).to.changeTokenBalances(
        ethers,
        f.token,
        [f.payee.address],
        [100n],
      );
    });
  });

  describe("cancelAuthorization (EIP-3009)", function () {
    it("burns an unused nonce so the authorization can no longer be used", async function () {
      const f = await networkHelpers.loadFixture(fundedHolder);
      const { message, args } = await authorization(f, "TransferWithAuthorization");
      const cancelTypes = {
        CancelAuthorization: [
          { name: "authorizer", type: "address" },
          { name: "nonce", type: "bytes32" },
        ],
      };
      const forged = await f.stranger.signTypedData(f.domain, cancelTypes, {
        authorizer: f.holder.address,
        nonce: message.nonce,
      });
      await expect(f.token.cancelAuthorization(f.holder.address, message.nonce, forged)).to.be.revertedWithCustomError(
        f.token,
        "ERC3009InvalidSignature",
      );
      const cancel = await f.holder.signTypedData(f.domain, cancelTypes, {
        authorizer: f.holder.address,
        nonce: message.nonce,
      });
      await expect(f.token.cancelAuthorization(f.holder.address, message.nonce, cancel))
        .to.emit(f.token, "AuthorizationCanceled")
        .withArgs(f.holder.address, message.nonce);
      await expect(f.token.transferWithAuthorization(...args)).to.be.revertedWithCustomError(
        f.token,
        "ERC3009AuthorizationUsed",
      );
      await expect(f.token.cancelAuthorization(f.holder.address, message.nonce, cancel)).to.be.revertedWithCustomError(
        f.token,
        "ERC3009AuthorizationUsed",
      );
    });
  });
});
