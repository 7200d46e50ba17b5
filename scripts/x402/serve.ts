/**
 * A local x402 stack to try the `infer` CLI against: deploys the local scenario (the `Linear_4` model in all three
 * tiers, a staked signer, an attested simulated enclave, funded clients), then runs the facilitator and the gateway on
 * 127.0.0.1 until Ctrl-C.
 *
 *   npx hardhat node --hostname 127.0.0.1 &
 *   npx hardhat run scripts/x402/serve.ts --network localhost
 *
 * Ports: TIERPROOF_GATEWAY_PORT (8402) and TIERPROOF_FACILITATOR_PORT (8403); the facilitator's queue is
 * TIERPROOF_QUEUE (.tierproof-x402-queue.sqlite). Settlement transactions are sent from the node's last account.
 */
import { network } from "hardhat";

import { SCENARIO_CIRCUIT, setUpScenario } from "../../sdk/testing/local/scenario.js";
import { connectTierproof } from "../../sdk/lib/x402/chain.js";
import { startFacilitator } from "../../sdk/services/x402/facilitator.js";
import { startGateway } from "../../sdk/services/x402/gateway.js";
import { loadCircuitInstance } from "../../sdk/tooling/zk/circuitFiles.js";

const connection = await network.getOrCreate();
const scenario = await setUpScenario(connection, { clientCount: 3 });
const signers = await connection.ethers.getSigners();
for (const client of scenario.clients) {
  await (await scenario.system.token.mint(await client.getAddress(), 1_000_000_000n)).wait();
}
const settlement = await scenario.system.settlement.getAddress();
const facilitator = await startFacilitator({
  submitter: signers[signers.length - 1],
  settlement,
  queuePath: process.env.TIERPROOF_QUEUE ?? ".tierproof-x402-queue.sqlite",
  policy: { batchSize: 100, maxWaitMs: 10_000 },
  port: Number(process.env.TIERPROOF_FACILITATOR_PORT ?? 8403),
});
const gateway = await startGateway({
  chain: await connectTierproof(connection.ethers.provider, settlement),
  provider: await scenario.provider.getAddress(),
  models: [{ modelId: scenario.modelId, circuit: loadCircuitInstance(SCENARIO_CIRCUIT), provers: scenario.provers }],
  facilitatorUrl: facilitator.url,
  port: Number(process.env.TIERPROOF_GATEWAY_PORT ?? 8402),
});
console.log(`settlement contract   ${settlement} (network ${connection.networkName})`);
console.log(`facilitator           ${facilitator.url}`);
console.log(`gateway               ${gateway.url}`);
console.log(`model ${SCENARIO_CIRCUIT}        ${scenario.modelId}`);
console.log(`clients (hardhat node accounts 2..4, funded in escrow and wallet):`);
for (const client of scenario.clients) console.log(`  ${await client.getAddress()}`);
console.log(`\ntry: TIERPROOF_CLIENT_KEY=<account 2's key> npm run x402:infer -- --gateway ${gateway.url} \\
       --model ${scenario.modelId} --tier SIGNED --input 100,-200,300,50 --rpc <node url> --confirm`);
await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
await gateway.close();
await facilitator.close();
