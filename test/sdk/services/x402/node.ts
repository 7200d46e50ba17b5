import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

import { HDNodeWallet } from "ethers";

import { freePort } from "../../../../sdk/testing/local/hardhatNode.js";
import { REPO_ROOT } from "../../../../sdk/tooling/zk/circuitFiles.js";

/** The mnemonic of `hardhat node`'s default accounts (public test keys). */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** The private key of `hardhat node`'s default account `index`. */
export function hardhatAccountKey(index: number): string {
  return HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).privateKey;
}

/** A child process in its own process group, with its output collected. */
export interface Child {
  child: ChildProcess;
  output(): string;
  /** Sends `signal` to the whole process group (default SIGTERM) and waits for the child to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `args` on this Node from the repository root in a new process group. */
export function spawnNode(args: string[], env: NodeJS.ProcessEnv = {}): Child {
  let output = "";
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, detached: true });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    output: () => output,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, signal);
        } catch {
          // already gone
        }
      }
      await exited;
    },
  };
}

/** Waits until `condition` holds, polling every 100 ms. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts the facilitator script (scripts/x402/facilitator.ts) as a child process; resolves with its URL. */
export async function startFacilitatorProcess(options: {
  rpc: string;
  settlement: string;
  queue: string;
  key: string;
  batchSize: number;
  maxWaitMs: number;
  port?: number;
}): Promise<Child & { url: string }> {
  const child = spawnNode(
    [
      "--import",
      "tsx",
      path.join(REPO_ROOT, "scripts", "x402", "facilitator.ts"),
      "--rpc",
      options.rpc,
      "--settlement",
      options.settlement,
      "--queue",
      options.queue,
      "--batch-size",
      String(options.batchSize),
      "--max-wait-ms",
      String(options.maxWaitMs),
      "--port",
      String(options.port ?? 0),
    ],
    { TIERPROOF_FACILITATOR_KEY: options.key },
  );
  let url = "";
  await waitFor(
    () => {
      const match = /facilitator listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(child.output());
      if (child.child.exitCode !== null) throw new Error(`the facilitator exited: ${child.output()}`);
      url = match?.[1] ?? "";
      return url !== "";
    },
    "the facilitator to listen",
    60_000,
  );
  return { ...child, url };
}
