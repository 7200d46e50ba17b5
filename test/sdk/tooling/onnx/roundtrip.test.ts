import { expect } from "chai";

import { inferCnn, cnnModel } from "../../../../sdk/lib/models/cnn.js";
import { inferLinear, linearModel } from "../../../../sdk/lib/models/linear.js";
import { inferLogistic, logisticModel } from "../../../../sdk/lib/models/logistic.js";
import { inferMlp, mlpModel } from "../../../../sdk/lib/models/mlp.js";
import { seededRandom } from "../../../../sdk/tooling/models/train.js";
import {
  exportNetwork,
  importOnnx,
  networkOfInstance,
  preprocessingOf,
  readOnnx,
} from "../../../../sdk/tooling/index.js";
import { loadCircuitInstance } from "../../../../sdk/tooling/zk/circuitFiles.js";

/** Seeded float inputs in [-range, range]. */
function floatInputs(count: number, size: number, seed: number, range: number): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Array.from({ length: size }, () => (random() * 2 - 1) * range));
}

/** Seeded fixed-point inputs of typical magnitude (|v| < 2^10 at scale 2^8: standardised features, pixels). */
function fixedInputs(count: number, size: number, seed: number): bigint[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: size }, () => BigInt(Math.floor((random() * 2 - 1) * 1024))),
  );
}

const PROJECT_MODELS = [
  {
    name: "Linear_4",
    size: 4,
    reference: (x: bigint[]) => [inferLinear(linearModel(loadCircuitInstance("Linear_4")), x)],
  },
  {
    name: "Logistic_4",
    size: 4,
    reference: (x: bigint[]) => inferLogistic(logisticModel(loadCircuitInstance("Logistic_4")), x),
  },
  {
    name: "Mlp_4-8-3",
    size: 4,
    reference: (x: bigint[]) => inferMlp(mlpModel(loadCircuitInstance("Mlp_4-8-3")), x).vector,
  },
  {
    name: "Cnn_8x8-2c3-3",
    size: 64,
    reference: (x: bigint[]) => inferCnn(cnnModel(loadCircuitInstance("Cnn_8x8-2c3-3")), x).vector,
  },
];

describe("ONNX export and import of the project's models", function () {
  for (const { name, size, reference } of PROJECT_MODELS) {
    for (const dense of ["gemm", "matmul"] as const) {
      it(`${name} (dense as ${dense}) round-trips to the same instance parameters and reference outputs`, function () {
        const original = loadCircuitInstance(name);
        const bytes = exportNetwork(networkOfInstance(original), { name, dense });
        const range = name.startsWith("Cnn") ? 1 : 3;
        const imported = importOnnx(bytes, { name, samples: floatInputs(64, size, 7, range) });
        expect(imported.calibration.reason).to.equal("exact");
        expect(imported.model.instance.template).to.equal(original.template);
        expect(imported.model.instance.file).to.equal(original.file);
        expect(imported.model.instance.fracBits).to.equal(original.fracBits);
        expect(imported.model.instance.params).to.deep.equal(original.params);
        for (const x of fixedInputs(50, size, 11)) expect(imported.model.infer(x)).to.deep.equal(reference(x));
        // The Iris models' standardisation travels as leading Sub/Div nodes (float32) and comes back as preprocessing.
        const expected = preprocessingOf(original);
        const got = preprocessingOf(imported.model.instance);
        expect(got === undefined, "preprocessing present").to.equal(expected === undefined);
        if (expected !== undefined && got !== undefined)
          for (const key of ["mean", "std"] as const)
            expected[key].forEach((v, i) =>
              expect(Math.abs(got[key][i] - v) <= 1e-6 * Math.abs(v), `${key}[${i}]`).to.equal(true),
            );
      });
    }
  }

  it("writes the nodes the importer expects: Gemm or MatMul + Add, HardSigmoid, Conv, Flatten, ArgMax", function () {
    const ops = (name: string, dense: "gemm" | "matmul") => {
      const bytes = exportNetwork(networkOfInstance(loadCircuitInstance(name)), { name, dense });
      const read = readOnnx(bytes);
      return { layers: read.network.layers.map((l) => l.op), head: read.network.head, notes: read.notes };
    };
    expect(ops("Logistic_4", "gemm")).to.deep.include({ layers: ["dense", "hardSigmoid"], head: "none" });
    expect(ops("Mlp_4-8-3", "matmul").layers).to.deep.equal(["dense", "relu", "dense"]);
    expect(ops("Mlp_4-8-3", "matmul").notes.join("\n")).to.match(/Add\): folded into the bias/);
    expect(ops("Cnn_8x8-2c3-3", "gemm")).to.deep.include({
      layers: ["conv", "relu", "flatten", "dense"],
      head: "argmax",
    });
  });
});
