import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { WitnessCalculatorBuilder } from "circom_runtime";

import { CIRCOM_FLAGS } from "../../scripts/circuits/sources.js";
import { seededRandom } from "../../sdk/models/train.js";
import { exportNetwork, importOnnx, quantizeInput, writeImport, type Network } from "../../sdk/onnx/index.js";
import { CIRCUITS_DIR, REPO_ROOT } from "../../sdk/zk/circuits.js";
import { toField } from "../../sdk/zk/field.js";
import { hashVector } from "../../sdk/zk/poseidon.js";

function floatInputs(count: number, size: number, seed: number, range: number): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Array.from({ length: size }, () => (random() * 2 - 1) * range));
}

/** A float 4-6-3 MLP with seeded weights (not fixed point at any small scale), ending in Softmax. */
function floatMlp(): Network {
  const random = seededRandom(42);
  const matrix = (rows: number, cols: number) =>
    Array.from({ length: rows }, () => Array.from({ length: cols }, () => (random() * 2 - 1) * 1.5));
  return {
    inputShape: [4],
    layers: [
      { op: "dense", weights: matrix(6, 4), bias: matrix(1, 6)[0] },
      { op: "relu" },
      { op: "dense", weights: matrix(3, 6), bias: matrix(1, 3)[0] },
    ],
    head: "softmax",
  };
}

describe("an imported ONNX model compiles with circom2 and its witness matches the reference", function () {
  this.timeout(120_000);

  it("a float MLP (MatMul + Add, Relu, Softmax) calibrated at its own scale", async function () {
    const bytes = exportNetwork(floatMlp(), { name: "float-mlp", dense: "matmul" });
    const result = importOnnx(bytes, { name: "Onnx-Mlp_4-6-3", samples: floatInputs(64, 4, 1, 3) });
    expect(result.model.template).to.equal("Mlp");
    expect(result.calibration.fracBits).to.not.equal(8); // not the project's scale: a circuit of its own

    // circom2 runs under WASI and sees only the repository: write and compile under circuits/.cache.
    const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
    const dir = path.join(CIRCUITS_DIR, ".cache", "onnx-test", hash);
    const files = writeImport(result, dir, { source: "test/onnx/circuit.test.ts" });
    const wasm = path.join(dir, "Onnx-Mlp_4-6-3_js", "Onnx-Mlp_4-6-3.wasm");
    if (!existsSync(wasm)) {
      const relative = (file: string) => path.relative(REPO_ROOT, file);
      const compiled = spawnSync(
        path.join(REPO_ROOT, "node_modules", ".bin", "circom2"),
        [relative(files.circuit), "--wasm", ...CIRCOM_FLAGS, "-o", relative(dir)],
        { cwd: REPO_ROOT, encoding: "utf8" },
      );
      expect(compiled.status, `${compiled.stdout}\n${compiled.stderr}`).to.equal(0);
    }
    const calculator = await WitnessCalculatorBuilder(readFileSync(wasm));
    const inputs = floatInputs(8, 4, 9, 3).map((x) => quantizeInput(x, result.calibration.fracBits));
    const classes = new Set<bigint>();
    for (const [i, x] of inputs.entries()) {
      const vector = result.model.infer(x);
      classes.add(vector[0]);
      const witness: bigint[] = await calculator.calculateWitness(
        { x: x.map((v) => toField(v).toString()), requestId: String(1000 + i) },
        true,
      );
      expect([witness[1], witness[2], witness[3]]).to.deep.equal([hashVector(x), hashVector(vector), BigInt(1000 + i)]);
    }
    expect(classes.size, "the inputs reach more than one class").to.be.above(1);
  });
});
