import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { REPO_ROOT } from "../../tooling/zk/circuitFiles.js";

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

/** A running `hardhat node --hostname 127.0.0.1` on a free port, in its own process group (tests and benchmarks). */
export interface HardhatNode {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Ends the node's process group (the node and anything it started) and waits for it to exit. */
  stop(): Promise<void>;
}

/** How to start a node: the chain it simulates (defaults: Hardhat's own) and how long to wait for it. */
export interface HardhatNodeOptions {
  chainId?: number;
  /** Hardhat's chain type: `l1`, `op` or `generic`. */
  chainType?: string;
  timeoutMs?: number;
}

/**
 * Starts `hardhat node --hostname 127.0.0.1 --port <free> [--chain-id <id>] [--chain-type <type>]` from the
 * repository root on this Node (no npx layer), in its own process group, and waits until it listens.
 */
export async function startHardhatNode(options: HardhatNodeOptions = {}): Promise<HardhatNode> {
  const { chainId, chainType, timeoutMs = 60_000 } = options;
  const port = await freePort();
  let output = "";
  const child = spawn(
    process.execPath,
    [
      path.join(REPO_ROOT, "node_modules", "hardhat", "dist", "src", "cli.js"),
      "node",
      "--hostname",
      "127.0.0.1",
      "--port",
      String(port),
      ...(chainId === undefined ? [] : ["--chain-id", String(chainId)]),
      ...(chainType === undefined ? [] : ["--chain-type", chainType]),
    ],
    { cwd: REPO_ROOT, env: process.env, detached: true },
  );
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid, "SIGTERM");
      await exited;
    }
  };
  const deadline = Date.now() + timeoutMs;
  while (!output.includes(`127.0.0.1:${port}`)) {
    if (child.exitCode !== null) throw new Error(`hardhat node exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`hardhat node did not listen within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://127.0.0.1:${port}`, child, output: () => output, stop };
}
