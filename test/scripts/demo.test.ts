import { spawn } from "node:child_process";
import path from "node:path";

import { expect } from "chai";

import { startHardhatNode, type HardhatNode } from "../../sdk/testing/local/hardhatNode.js";
import { REPO_ROOT } from "../../sdk/tooling/zk/circuitFiles.js";

/** Runs `hardhat run scripts/demo.ts --network localhost` against `url`, on this Node (no npx layer). */
async function runDemo(url: string): Promise<{ code: number | null; output: string }> {
  let output = "";
  const child = spawn(
    process.execPath,
    [
      path.join(REPO_ROOT, "node_modules", "hardhat", "dist", "src", "cli.js"),
      "run",
      "scripts/demo.ts",
      "--network",
      "localhost",
    ],
    { cwd: REPO_ROOT, env: { ...process.env, TIERPROOF_NODE_URL: url } },
  );
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, output };
}

describe("npm run demo -- --network localhost (a real hardhat node on 127.0.0.1)", function () {
  this.timeout(240_000);
  let node: HardhatNode | undefined;

  after(async function () {
    await node?.stop();
  });

  it("deploys, runs 30 inferences across the three tiers and settles them in one transaction over JSON-RPC", async function () {
    node = await startHardhatNode();
    const { code, output } = await runDemo(node.url);
    expect(code, output).to.equal(0);
    expect(output).to.include('tierproof demo on network "localhost"');
    expect(output.match(/'settled'/g)?.length).to.equal(30);
    expect(output).to.match(/settled in one transaction 0x[0-9a-f]{64}/);
    // The node saw the settlement transaction.
    expect(node.output()).to.match(/eth_send(Raw)?Transaction/);
  });
});
