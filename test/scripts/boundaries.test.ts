import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { REPO_ROOT } from "../../sdk/tooling/zk/circuitFiles.js";

const CONFIG = path.join(REPO_ROOT, ".dependency-cruiser.cjs");
const DEPCRUISE = path.join(REPO_ROOT, "node_modules", "dependency-cruiser", "bin", "dependency-cruiser.mjs");

/**
 * A tree with one file per zone and, between them, every kind of import the rules forbid, beside imports they allow.
 * `hardhat` is a stand-in package in the tree's own node_modules. A cycle is reported once, on its edge into ignition/.
 */
const TREE: Record<string, string> = {
  "package.json": JSON.stringify({ name: "tree", type: "module", devDependencies: { hardhat: "0.0.0" } }),
  "tsconfig.json": JSON.stringify({ compilerOptions: { module: "node16", strict: true } }),
  "node_modules/hardhat/package.json": JSON.stringify({ name: "hardhat", version: "0.0.0", main: "index.js" }),
  "node_modules/hardhat/index.js": "export const x = 1;\n",
  "sdk/lib/order.ts": `import { readFileSync } from "node:fs";\nexport const order = readFileSync;\n`,
  "sdk/lib/client.ts": `import { order } from "./order.js";\nimport { gateway } from "../services/gateway.js";\nexport const client = [order, gateway];\n`,
  "sdk/lib/prover.ts": `import type { Enclave } from "../testing/enclave.js";\nexport type Prover = Enclave;\n`,
  "sdk/lib/node.ts": `import { x } from "hardhat";\nexport const node = x;\n`,
  "sdk/services/gateway.ts": `import { order } from "../lib/order.js";\nimport { build } from "../tooling/build.js";\nexport const gateway = [order, build];\n`,
  "sdk/tooling/build.ts": `import { order } from "../lib/order.js";\nimport { queue } from "../services/queue.js";\nexport const build = [order, queue];\n`,
  "sdk/services/queue.ts": `export const queue = 1;\n`,
  "sdk/testing/enclave.ts": `import { order } from "../lib/order.js";\nexport interface Enclave { order: typeof order }\n`,
  "sdk/testing/deploy.ts": `import Local from "../../ignition/modules/Local.js";\nexport const deploy = Local;\n`,
  "ignition/modules/Local.ts": `import { deploy } from "../../sdk/testing/deploy.js";\nimport { order } from "../../sdk/lib/order.js";\nexport default [deploy, order];\n`,
  "ignition/modules/Public.ts": `import { enclave } from "../enclaveKeys.js";\nexport default enclave;\n`,
  "ignition/enclaveKeys.ts": `export const enclave = 1;\n`,
  "scripts/deploy.ts": `import Public from "../ignition/modules/Public.js";\nimport { deploy } from "../sdk/testing/deploy.js";\nexport default [Public, deploy];\n`,
  "test/modules.test.ts": `import Public from "../ignition/modules/Public.js";\nimport { gateway } from "../sdk/services/gateway.js";\nexport default [Public, gateway];\n`,
};

/** Each violation depcruise reports for the tree above, as "rule: from -> to". */
function violations(): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), "tierproof-boundaries-"));
  for (const [file, text] of Object.entries(TREE)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  const run = spawnSync(
    process.execPath,
    [DEPCRUISE, "--config", CONFIG, "--output-type", "json", "sdk", "ignition", "scripts", "test"],
    { cwd: dir, encoding: "utf8" },
  );
  expect(run.stdout, run.stderr).to.not.equal("");
  const result = JSON.parse(run.stdout) as {
    summary: { violations: { rule: { name: string }; from: string; to: string }[] };
  };
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

describe(".dependency-cruiser.cjs (npm run lint:boundaries)", function () {
  it("reports every forbidden import between the SDK zones, ignition/ and the rest, and nothing allowed", function () {
    expect(violations()).to.deep.equal(
      [
        // the library imports a service, a fixture (even for a type) and hardhat
        "lib-imports-only-lib: sdk/lib/client.ts -> sdk/services/gateway.ts",
        "lib-imports-only-lib: sdk/lib/prover.ts -> sdk/testing/enclave.ts",
        "testing-only-for-tests-scripts-bench-ignition: sdk/lib/prover.ts -> sdk/testing/enclave.ts",
        "lib-and-services-without-hardhat: sdk/lib/node.ts -> node_modules/hardhat/index.js",
        // a service imports tooling; tooling imports a service
        "services-import-lib-and-services: sdk/services/gateway.ts -> sdk/tooling/build.ts",
        "tooling-imports-lib-and-tooling: sdk/tooling/build.ts -> sdk/services/queue.ts",
        // an Ignition module imports the library, and one imports the fixture that deploys it (a cycle)
        "ignition-imports-only-testing: ignition/modules/Local.ts -> sdk/lib/order.ts",
        "no-cycle-through-ignition: sdk/testing/deploy.ts -> ignition/modules/Local.ts",
        // a script imports a module instead of deploying it through sdk/testing
        "only-testing-imports-ignition: scripts/deploy.ts -> ignition/modules/Public.ts",
      ].sort(),
    );
  });
});
