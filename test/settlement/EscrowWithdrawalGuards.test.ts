import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { network } from "hardhat";

import { setUpScenario } from "../../sdk/testing/local/scenario.js";

const connection = await network.create();
const { networkHelpers } = connection;

/** The named fixture: the local scenario (system through Ignition, disputes wired), one client with a deposit. */
async function fundedClient() {
  return setUpScenario(connection, { clientCount: 1, deposit: 50_000n });
}

describe("InferenceSettlement: withdrawal requests and dispute wiring", function () {
  it("requestWithdrawal reverts on a zero amount, and records the amount and the time it is ready", async function () {
    const scenario = await networkHelpers.loadFixture(fundedClient);
    const { settlement } = scenario.system;
    const client = scenario.clients[0];
    const address = await client.getAddress();
    await expect(settlement.connect(client).requestWithdrawal(0n)).to.be.revertedWithCustomError(
      settlement,
      "SettlementZeroAmount",
    );
    expect(await settlement.pendingWithdrawal(address)).to.deep.equal([0n, 0n]);

    await (await settlement.connect(client).requestWithdrawal(20_000n)).wait();
    const readyAt = BigInt(await networkHelpers.time.latest()) + (await settlement.withdrawalDelay());
    expect(await settlement.pendingWithdrawal(address)).to.deep.equal([20_000n, readyAt]);
  });

  it("withdraw reverts when the recipient is the zero address, and leaves the request pending", async function () {
    const scenario = await networkHelpers.loadFixture(fundedClient);
    const { settlement } = scenario.system;
    const client = scenario.clients[0];
    await (await settlement.connect(client).requestWithdrawal(20_000n)).wait();
    await networkHelpers.time.increase(await settlement.withdrawalDelay());
    await expect(settlement.connect(client).withdraw(ZeroAddress)).to.be.revertedWithCustomError(
      settlement,
      "SettlementZeroAddress",
    );
    expect((await settlement.pendingWithdrawal(await client.getAddress()))[0]).to.equal(20_000n);
  });

  it("names the dispute contract the deployment wired and takes its challenge window", async function () {
    const { disputes, settlement } = (await networkHelpers.loadFixture(fundedClient)).system;
    expect(await settlement.disputes()).to.equal(await disputes.getAddress());
    const window = await disputes.challengeWindow();
    expect(window).to.be.greaterThan(0n);
    expect(await settlement.challengeWindow()).to.equal(window);
  });
});
