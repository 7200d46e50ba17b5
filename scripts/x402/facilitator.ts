/**
 * The x402 facilitator as a process: `tsx scripts/x402/facilitator.ts --rpc URL --settlement ADDRESS --queue FILE`.
 * The account that sends settlement transactions comes from TIERPROOF_FACILITATOR_KEY (a private key). It listens on
 * 127.0.0.1 and prints `facilitator listening on <url>`; SIGTERM/SIGINT stop it after the batch in flight.
 */
import { Command } from "commander";
import { JsonRpcProvider, Wallet } from "ethers";

import { startFacilitator } from "../../sdk/services/x402/facilitator.js";

const program = new Command()
  .name("facilitator")
  .requiredOption("--rpc <url>", "JSON-RPC endpoint of the chain")
  .requiredOption("--settlement <address>", "the InferenceSettlement contract")
  .requiredOption("--queue <file>", "SQLite file of the persisted queue")
  .option("--batch-size <n>", "send a batch when this many results wait", "100")
  .option("--max-wait-ms <ms>", "send whatever waits once the oldest result waited this long", "30000")
  .option("--port <port>", "port on 127.0.0.1 (0: any free port)", "0")
  .parse();
const options = program.opts<{
  rpc: string;
  settlement: string;
  queue: string;
  batchSize: string;
  maxWaitMs: string;
  port: string;
}>();

const key = process.env.TIERPROOF_FACILITATOR_KEY;
if (key === undefined) throw new Error("set TIERPROOF_FACILITATOR_KEY to the private key that sends settlements");
const provider = new JsonRpcProvider(options.rpc, undefined, { staticNetwork: true, pollingInterval: 100 });
const submitter = new Wallet(key, provider);

const facilitator = await startFacilitator({
  submitter,
  settlement: options.settlement,
  queuePath: options.queue,
  policy: { batchSize: Number(options.batchSize), maxWaitMs: Number(options.maxWaitMs) },
  port: Number(options.port),
});
console.log(`facilitator listening on ${facilitator.url}`);

const stop = async () => {
  await facilitator.close();
  provider.destroy();
  process.exit(0);
};
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());
