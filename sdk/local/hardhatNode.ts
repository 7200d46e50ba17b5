import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

import { REPO_ROOT } from "../zk/circuits.js";

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

/** A `hardhat node --hostname 127.0.0.1` on a free port, in its own process group (tests and benchmarks). */
export interface HardhatNode {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Ends the node's process group (the node and anything it started). */
  stop: () => void;
}

/** Starts a hardhat node on a free loopback port and waits until it listens. */
export async function startHardhatNode(timeoutMs = 60_000): Promise<HardhatNode> {
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
    ],
    { cwd: REPO_ROOT, env: process.env, detached: true },
  );
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const stop = () => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
  };
  const deadline = Date.now() + timeoutMs;
  while (!output.includes(`127.0.0.1:${port}`)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      stop();
      throw new Error(`the hardhat node did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url: `http://127.0.0.1:${port}`, child, output: () => output, stop };
}
