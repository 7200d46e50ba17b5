import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";

import { floatTensor, onnx } from "../../../../sdk/tooling/onnx/proto.js";
import { CIRCUITS_DIR, REPO_ROOT, loadCircuitInstance } from "../../../../sdk/tooling/zk/circuitFiles.js";

/** Runs `npm run <script> -- args` the way a user does (tsx on this Node), from the repository root. */
function npmScript(script: string, args: string[]) {
  const tsx = path.join(REPO_ROOT, "node_modules", "tsx", "dist", "cli.mjs");
  const file = { "model:import": "scripts/models/import.ts", "model:export": "scripts/models/export.ts" }[script]!;
  const run = spawnSync(process.execPath, [tsx, file, ...args], { cwd: REPO_ROOT, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

describe("npm run model:export / model:import", function () {
  this.timeout(60_000);
  const dir = path.join(CIRCUITS_DIR, ".cache", "onnx-cli-test");
  before(() => mkdirSync(dir, { recursive: true }));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("exports Mlp_4-8-3 and imports it back into an identical instance and its main circuit", function () {
    const file = path.join(dir, "mlp.onnx");
    const exported = npmScript("model:export", ["Mlp_4-8-3", file, "--matmul"]);
    expect(exported.status, exported.output).to.equal(0);
    const samples = path.join(dir, "samples.json");
    writeFileSync(
      samples,
      JSON.stringify([
        [0.1, -1.2, 0.7, 1.9],
        [-2, 0.5, -0.3, 0.2],
        [1, 1, 1, 1],
      ]),
    );
    const imported = npmScript("model:import", [file, "--name", "Mlp_4-8-3", "--samples", samples, "--out", dir]);
    expect(imported.status, imported.output).to.equal(0);
    expect(imported.output).to.match(/Mlp_4-8-3: Mlp \(models\/mlp\.circom\)/);
    expect(imported.output).to.match(/scale 2\^8 \(exact\)/);
    const entry = JSON.parse(readFileSync(path.join(dir, "Mlp_4-8-3.json"), "utf8"))["Mlp_4-8-3"];
    const original = loadCircuitInstance("Mlp_4-8-3");
    expect(entry.params).to.deep.equal(original.params);
    expect(entry.onnx.calibration).to.include({ fracBits: 8, reason: "exact", samples: 3 });
    const circuit = readFileSync(path.join(dir, "Mlp_4-8-3.circom"), "utf8");
    expect(circuit).to.include('include "../../models/mlp.circom";');
    expect(circuit).to.include(
      `component main {public [requestId]} = Mlp(4, 8, 3, ${JSON.stringify(original.params[3])}`,
    );
  });

  it("fails naming the node and operator of an unsupported graph", function () {
    const FLOAT = onnx.TensorProto.DataType.FLOAT;
    const info = (name: string) => ({
      name,
      type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: 2 }] } } },
    });
    const bytes = onnx.ModelProto.encode(
      onnx.ModelProto.create({
        irVersion: 8,
        opsetImport: [{ domain: "", version: 13 }],
        graph: {
          name: "tanh",
          node: [
            { name: "fc", opType: "MatMul", input: ["x", "W"], output: ["h"] },
            { name: "squash", opType: "Tanh", input: ["h"], output: ["y"] },
          ],
          initializer: [floatTensor("W", [2, 2], [1, 0, 0, 1])],
          input: [info("x")],
          output: [info("y")],
        },
      }),
    ).finish();
    const file = path.join(dir, "tanh.onnx");
    writeFileSync(file, bytes);
    const run = npmScript("model:import", [file, "--out", dir]);
    expect(run.status).to.not.equal(0);
    expect(run.output).to.match(/unsupported operator at node "squash" \(Tanh\)/);
  });
});
