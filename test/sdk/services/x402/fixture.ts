import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { encodePaymentSignatureHeader } from "@x402/core/http";
import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import type { Signer } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import { SCENARIO_CIRCUIT, setUpScenario, type Scenario } from "../../../../sdk/testing/local/scenario.js";
import type { Hex, Order } from "../../../../sdk/lib/settlement/item.js";
import { signOrder } from "../../../../sdk/lib/settlement/typedData.js";
import { connectTierproof, type TierproofChain } from "../../../../sdk/lib/x402/chain.js";
import { startFacilitator, type RunningFacilitator } from "../../../../sdk/services/x402/facilitator.js";
import { startGateway, type RunningGateway } from "../../../../sdk/services/x402/gateway.js";
import { X402_VERSION, orderToWire } from "../../../../sdk/lib/x402/payload.js";
import { heldSignedEarnings } from "../../../../sdk/lib/disputes/records.js";
import type { InferenceSettlement } from "../../../../typechain-types/index.js";
import type { BatchPolicy } from "../../../../sdk/services/x402/batcher.js";
import { loadCircuitInstance } from "../../../../sdk/tooling/zk/circuitFiles.js";

/**
 * A provider's withdrawable earnings plus its SIGNED earnings held for the dispute window (settlement holds what
 * SIGNED items pay, whatever the scheme, per batch and provider until the window ends).
 */
export async function providerCredit(settlement: InferenceSettlement, provider: string): Promise<bigint> {
  return (await settlement.earningsOf(provider)) + (await heldSignedEarnings(settlement, provider));
}

/** Tokens each client holds in its wallet (for `exact` payments) besides its escrow deposit. */
export const WALLET_FUNDS = 1_000_000_000n;

/** A deployed scenario with a facilitator and a gateway serving its model on 127.0.0.1. */
export interface X402Fixture {
  scenario: Scenario;
  chain: TierproofChain;
  facilitator: RunningFacilitator;
  gateway: RunningGateway;
  url: string;
  queueDir: string;
  close(): Promise<void>;
}

/** The local scenario deployed, with clients holding tokens in escrow and in their wallets. */
export interface X402Deployment {
  scenario: Scenario;
  chain: TierproofChain;
  settlement: string;
}

/**
 * Deploys the local scenario on `connection` (`clientCount` clients with an escrow deposit and `WALLET_FUNDS` in
 * their wallets).
 */
export async function deployX402(connection: NetworkConnection, clientCount = 3): Promise<X402Deployment> {
  const scenario = await setUpScenario(connection, { clientCount });
  // setUpScenario deposits every client's tokens in escrow (escrow and upto payments); exact pays from the wallet.
  for (const client of scenario.clients) {
    await (await scenario.system.token.mint(await client.getAddress(), WALLET_FUNDS)).wait();
  }
  const settlement = await scenario.system.settlement.getAddress();
  return { scenario, chain: await connectTierproof(connection.ethers.provider, settlement), settlement };
}

/** Starts a gateway for the deployment's model in all three tiers, talking to the facilitator at `facilitatorUrl`. */
export async function startGatewayFor(deployment: X402Deployment, facilitatorUrl: string): Promise<RunningGateway> {
  const { scenario, chain } = deployment;
  return startGateway({
    chain,
    provider: await scenario.provider.getAddress(),
    models: [{ modelId: scenario.modelId, circuit: loadCircuitInstance(SCENARIO_CIRCUIT), provers: scenario.provers }],
    facilitatorUrl,
  });
}

/**
 * Deploys the local scenario on `connection`, starts a facilitator (its queue in a fresh temporary directory, batch
 * transactions sent by `submitter`, by default the last account) and a gateway for the scenario's model.
 */
export async function startX402(
  connection: NetworkConnection,
  options: { clientCount?: number; policy?: BatchPolicy; submitter?: Signer } = {},
): Promise<X402Fixture> {
  const deployment = await deployX402(connection, options.clientCount ?? 3);
  const signers = await connection.ethers.getSigners();
  const queueDir = mkdtempSync(path.join(tmpdir(), "tierproof-x402-"));
  const facilitator = await startFacilitator({
    submitter: options.submitter ?? signers[signers.length - 1],
    settlement: deployment.settlement,
    queuePath: path.join(queueDir, "queue.sqlite"),
    policy: options.policy ?? { batchSize: 1000, maxWaitMs: 600_000 },
  });
  const gateway = await startGatewayFor(deployment, facilitator.url);
  return {
    scenario: deployment.scenario,
    chain: deployment.chain,
    facilitator,
    gateway,
    url: gateway.inferUrl(deployment.scenario.modelId),
    queueDir,
    async close() {
      await gateway.close();
      await facilitator.close();
      rmSync(queueDir, { recursive: true, force: true });
    },
  };
}

/**
 * A PAYMENT-SIGNATURE header built by hand: `accepted` is the requirement the payment claims to answer and `order`
 * what the client signs (so tests can make them disagree).
 */
export async function paymentHeader(
  client: Signer,
  accepted: PaymentRequirements,
  order: Order,
  domain: { name: string; version: string; chainId: bigint; verifyingContract: string },
): Promise<string> {
  const signature: Hex = await signOrder(client, domain, order);
  const payload: PaymentPayload = {
    x402Version: X402_VERSION,
    accepted,
    payload: { order: orderToWire(order), signature },
  };
  return encodePaymentSignatureHeader(payload);
}
