import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

import { HDNodeWallet } from "ethers";

import { REPO_ROOT } from "../../sdk/zk/circuits.js";

/** The mnemonic of `hardhat node`'s default accounts (public test keys). */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

/** The private key of `hardhat node`'s default account `index`. */
export function hardhatAccountKey(index: number): string {
  return HDNodeWallet.fromPhrase(HARDHAT_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).privateKey;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
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

/** Starts `hardhat node --hostname 127.0.0.1` on a free port; resolves once it listens. */
export async function startHardhatNode(): Promise<Child & { url: string }> {
  const port = await freePort();
  const node = spawnNode([
    path.join(REPO_ROOT, "node_modules", "hardhat", "dist", "src", "cli.js"),
    "node",
    "--hostname",
    "127.0.0.1",
    "--port",
    String(port),
  ]);
  await waitFor(() => node.output().includes(`127.0.0.1:${port}`), "the hardhat node to listen", 60_000);
  return { ...node, url: `http://127.0.0.1:${port}` };
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
