import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { WitnessCalculatorBuilder } from "circom_runtime";

import { CIRCOM_FLAGS } from "../../../../scripts/circuits/sources.js";
import { seededRandom } from "../../../../sdk/tooling/models/train.js";
import { exportNetwork, importOnnx, quantizeInput, writeImport, type Network } from "../../../../sdk/tooling/index.js";
import { toField } from "../../../../sdk/lib/zk/field.js";
import { modelWeights } from "../../../../sdk/lib/zk/modelWeights.js";
import { hashVector } from "../../../../sdk/lib/zk/poseidon.js";

import { floatDeepMlp, floatInputs, floatMlp } from "./floatNetworks.js";
import { CIRCUITS_DIR, REPO_ROOT } from "../../../../sdk/tooling/zk/circuitFiles.js";

/** A float network over a 2-channel 4×4 input: Conv(2→2, 2×2) → Relu → Flatten → Gemm(18→4) → Sigmoid → Gemm(4→3). */
function floatConvNet(): Network {
  const random = seededRandom(17);
  const value = () => (random() * 2 - 1) * 0.9;
  return {
    inputShape: [2, 4, 4],
    layers: [
      {
        op: "conv",
        filters: Array.from({ length: 2 }, () =>
          Array.from({ length: 2 }, () => Array.from({ length: 2 }, () => [value(), value()])),
        ),
        bias: [value(), value()],
      },
      { op: "relu" },
      { op: "flatten" },
      {
        op: "dense",
        weights: Array.from({ length: 4 }, () => Array.from({ length: 18 }, value)),
        bias: Array.from({ length: 4 }, value),
      },
      { op: "sigmoid" },
      {
        op: "dense",
        weights: Array.from({ length: 3 }, () => Array.from({ length: 4 }, value)),
        bias: [value(), value(), value()],
      },
    ],
    head: "argmax",
  };
}

/**
 * Imports `network` (exported to ONNX) into circuits/.cache/onnx-test/<hash> (circom2 runs under WASI and sees only
 * the repository), compiles the main circuit with circom2 (cached) and checks the witness's public signals against
 * the reference on `count` seeded inputs. Returns the classes reached.
 */
async function compileAndCheck(network: Network, name: string, range: number, dense: "gemm" | "matmul" = "gemm") {
  const bytes = exportNetwork(network, { name, dense });
  const hash = createHash("sha256").update(bytes).update(name).digest("hex").slice(0, 16);
  const dir = path.join(CIRCUITS_DIR, ".cache", "onnx-test", hash);
  const size = network.inputShape.reduce((a, b) => a * b, 1);
  const result = importOnnx(bytes, { name, samples: floatInputs(64, size, 1, range), dir });
  const files = await writeImport(result, dir, { source: "test/sdk/tooling/onnx/circuit.test.ts" });
  const wasm = path.join(dir, `${name}_js`, `${name}.wasm`);
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
  const classes = new Set<bigint>();
  for (const [i, float] of floatInputs(8, size, 9, range).entries()) {
    const x = quantizeInput(float, result.calibration.fracBits);
    const vector = result.model.infer(x);
    classes.add(vector[0]);
    const witness: bigint[] = await calculator.calculateWitness(
      { x: x.map((v) => toField(v).toString()), requestId: String(1000 + i) },
      true,
    );
    expect([witness[1], witness[2], witness[3]]).to.deep.equal([hashVector(x), hashVector(vector), BigInt(1000 + i)]);
  }
  return { result, files, classes };
}

describe("imported ONNX models compile with circom2 and their witness matches the reference", function () {
  this.timeout(120_000);

  it("a float MLP (MatMul + Add, Relu, Softmax) on the Mlp template, at its own calibrated scale", async function () {
    const { result, classes } = await compileAndCheck(floatMlp([4, 6, 3], 42, 1.5), "Onnx-Mlp_4-6-3", 3, "matmul");
    expect(result.model.template).to.equal("Mlp");
    expect(result.calibration.fracBits).to.not.equal(8); // not the project's scale: a circuit of its own
    expect(classes.size, "the inputs reach more than one class").to.be.above(1);
  });

  it("its private-weights instance (MlpPrivate) compiles, commits to the imported weights and gives the same output", async function () {
    const bytes = exportNetwork(floatMlp([4, 6, 3], 42, 1.5), { name: "float-mlp" });
    const hash = createHash("sha256").update(bytes).update("private").digest("hex").slice(0, 16);
    const dir = path.join(CIRCUITS_DIR, ".cache", "onnx-test", hash);
    const result = importOnnx(bytes, { name: "Onnx-Mlp_4-6-3", samples: floatInputs(64, 4, 1, 3), dir });
    const files = await writeImport(result, dir, { privateWeights: true });
    const entry = JSON.parse(readFileSync(files.instance, "utf8"))["Onnx-Mlp_4-6-3_private"];
    expect(entry).to.include({ template: "MlpPrivate", weightsOf: "Onnx-Mlp_4-6-3" });
    const wasm = path.join(dir, "Onnx-Mlp_4-6-3_private_js", "Onnx-Mlp_4-6-3_private.wasm");
    if (!existsSync(wasm)) {
      const relative = (file: string) => path.relative(REPO_ROOT, file);
      const compiled = spawnSync(
        path.join(REPO_ROOT, "node_modules", ".bin", "circom2"),
        [relative(files.privateCircuit!), "--wasm", ...CIRCOM_FLAGS, "-o", relative(dir)],
        { cwd: REPO_ROOT, encoding: "utf8" },
      );
      expect(compiled.status, `${compiled.stdout}\n${compiled.stderr}`).to.equal(0);
    }
    const calculator = await WitnessCalculatorBuilder(readFileSync(wasm));
    const weights = modelWeights(result.model.instance);
    for (const [i, float] of floatInputs(4, 4, 9, 3).entries()) {
      const x = quantizeInput(float, result.calibration.fracBits);
      const witness: bigint[] = await calculator.calculateWitness(
        { x: x.map((v) => toField(v).toString()), requestId: String(i), ...weights.witness },
        true,
      );
      expect(witness.slice(1, 5)).to.deep.equal([
        hashVector(x),
        hashVector(result.model.infer(x)),
        hashVector(weights.vector),
        BigInt(i),
      ]);
    }
  });

  it("a deeper float MLP (two hidden ReLU layers): a circuit composed from the layer templates", async function () {
    const { result, files, classes } = await compileAndCheck(floatDeepMlp(2), "Onnx-Deep_4-6-5-3", 3);
    expect(result.model.template).to.equal("Sequential");
    expect(readFileSync(files.template!, "utf8")).to.include(
      "template Onnx_Deep_4_6_5_3(N, W0, B0, W2, B2, W4, B4, F, ACC)",
    );
    expect(classes.size).to.be.above(1);
  });

  it("a 2-channel convolution → Relu → Flatten → Gemm → Sigmoid → Gemm → ArgMax: composed, sigmoid as hard sigmoid", async function () {
    const { result } = await compileAndCheck(floatConvNet(), "Onnx-Conv_2x4x4-2c2-4-3", 1);
    expect(result.model.template).to.equal("Sequential");
    expect(result.notes.join("\n")).to.match(/approximated by the hard sigmoid/);
  });
});
