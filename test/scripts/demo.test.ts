import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

import { expect } from "chai";

import { REPO_ROOT } from "../../sdk/zk/circuits.js";

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
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

/**
 * Runs hardhat with `args` from the repository root, on this Node (no npx layer), in its own process group so that
 * `stop` ends it and everything it started; collects its output.
 */
function hardhat(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, "node_modules", "hardhat", "dist", "src", "cli.js"), ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      detached: true,
    },
  );
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  return { child, output: () => output };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("npm run demo -- --network localhost (a real hardhat node on 127.0.0.1)", function () {
  this.timeout(240_000);
  let node: ReturnType<typeof hardhat> | undefined;

  after(function () {
    // The whole process group: the node and anything it spawned.
    if (node?.child.pid !== undefined && node.child.exitCode === null) process.kill(-node.child.pid, "SIGTERM");
  });

  it("deploys, runs 30 inferences across the three tiers and settles them in one transaction over JSON-RPC", async function () {
    const port = await freePort();
    node = hardhat(["node", "--hostname", "127.0.0.1", "--port", String(port)]);
    await waitFor(() => node!.output().includes(`127.0.0.1:${port}`), "the node to listen", 60_000);

    const demo = hardhat(["run", "scripts/demo.ts", "--network", "localhost"], {
      TIERPROOF_NODE_URL: `http://127.0.0.1:${port}`,
    });
    const code = await new Promise<number | null>((resolve) => demo.child.on("exit", resolve));
    const output = demo.output();
    expect(code, output).to.equal(0);
    expect(output).to.include('tierproof demo on network "localhost"');
    expect(output.match(/'settled'/g)?.length).to.equal(30);
    expect(output).to.match(/settled in one transaction 0x[0-9a-f]{64}/);
    // The node saw the settlement transaction.
    expect(node.output()).to.match(/eth_send(Raw)?Transaction/);
  });
});
