import { expect } from "chai";

import { seededRandom } from "../../../../sdk/tooling/models/train.js";
import {
  exportNetwork,
  forwardFloat,
  importOnnx,
  networkOfInstance,
  privateWeightsInstance,
  quantizeInput,
  readOnnx,
  type Network,
} from "../../../../sdk/tooling/index.js";
import { floatTensor, onnx, type OnnxNode } from "../../../../sdk/tooling/onnx/proto.js";

import { floatDeepMlp, floatInputs, floatMlp } from "./floatNetworks.js";
import { loadCircuitInstance } from "../../../../sdk/tooling/zk/circuitFiles.js";

/** An ONNX model of `nodes` over input "x" of `dims`, with float initializers. */
function graph(nodes: OnnxNode[], dims: number[], initializers: Record<string, { dims: number[]; values: number[] }>) {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const info = (name: string) => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: "", version: 13 }],
      graph: {
        name: "test",
        node: nodes,
        initializer: Object.entries(initializers).map(([name, t]) => floatTensor(name, t.dims, t.values)),
        input: [info("x")],
        output: [info(nodes[nodes.length - 1].output![0])],
      },
    }),
  ).finish();
}

const W = { dims: [2, 3], values: [0.5, -0.25, 1, 0.75, 0.125, -1] };
const B = { dims: [2], values: [0.1, -0.2] };

describe("ONNX importer", function () {
  describe("readOnnx", function () {
    it("refuses an unsupported operator, naming the node and the operator", function () {
      const bytes = graph(
        [
          {
            name: "dense",
            opType: "Gemm",
            input: ["x", "W", "B"],
            output: ["h"],
            attribute: [{ name: "transB", i: 1, type: 2 }],
          },
          { name: "squash", opType: "Tanh", input: ["h"], output: ["y"] },
        ],
        [1, 3],
        { W, B },
      );
      expect(() => readOnnx(bytes)).to.throw(/unsupported operator at node "squash" \(Tanh\)/);
    });

    it("refuses an operator of another domain, naming it", function () {
      const bytes = graph(
        [{ name: "q", opType: "QLinearMatMul", domain: "com.microsoft", input: ["x"], output: ["y"] }],
        [1, 3],
        {},
      );
      expect(() => readOnnx(bytes)).to.throw(/node "q" \(com\.microsoft\.QLinearMatMul\)/);
    });

    it("refuses a node that reads anything but the previous layer's output (branches)", function () {
      const bytes = graph(
        [
          { name: "a", opType: "Relu", input: ["x"], output: ["h"] },
          { name: "b", opType: "Relu", input: ["x"], output: ["y"] },
        ],
        [1, 3],
        {},
      );
      expect(() => readOnnx(bytes)).to.throw(/node "b" \(Relu\) reads "x", not the previous layer's output "h"/);
    });

    it("refuses a layer after the Softmax head, and padded or strided convolutions", function () {
      const afterHead = graph(
        [
          { name: "s", opType: "Softmax", input: ["x"], output: ["p"] },
          { name: "r", opType: "Relu", input: ["p"], output: ["y"] },
        ],
        [1, 3],
        {},
      );
      expect(() => readOnnx(afterHead)).to.throw(/node "r" \(Relu\) follows the output head/);
      const filters = { dims: [1, 1, 3, 3], values: new Array(9).fill(0.5) };
      const padded = graph(
        [
          {
            name: "c",
            opType: "Conv",
            input: ["x", "F"],
            output: ["y"],
            attribute: [{ name: "pads", ints: [1, 1, 1, 1], type: 7 }],
          },
        ],
        [1, 1, 6, 6],
        { F: filters },
      );
      expect(() => readOnnx(padded)).to.throw(/node "c" \(Conv\): only valid convolution/);
      const strided = graph(
        [
          {
            name: "c",
            opType: "Conv",
            input: ["x", "F"],
            output: ["y"],
            attribute: [{ name: "strides", ints: [2, 2], type: 7 }],
          },
        ],
        [1, 1, 6, 6],
        { F: filters },
      );
      expect(() => readOnnx(strided)).to.throw(/node "c" \(Conv\): only stride 1/);
    });

    it("reads Gemm attributes (alpha, beta, transB) and a MatMul weight layout into the same dense layer", function () {
      const gemm = graph(
        [
          {
            name: "g",
            opType: "Gemm",
            input: ["x", "W", "B"],
            output: ["y"],
            attribute: [
              { name: "transB", i: 1, type: 2 },
              { name: "alpha", f: 2, type: 1 },
              { name: "beta", f: 0.5, type: 1 },
            ],
          },
        ],
        [1, 3],
        { W, B },
      );
      const { network } = readOnnx(gemm);
      expect(network.layers).to.deep.equal([
        {
          op: "dense",
          weights: [
            [1, -0.5, 2],
            [1.5, 0.25, -2],
          ],
          bias: [Math.fround(0.1) * 0.5, Math.fround(-0.2) * 0.5],
        },
      ]);
      const matmul = graph([{ name: "m", opType: "MatMul", input: ["x", "Wt"], output: ["y"] }], [1, 3], {
        Wt: { dims: [3, 2], values: [0.5, 0.75, -0.25, 0.125, 1, -1] },
      });
      expect((readOnnx(matmul).network.layers[0] as { weights: number[][] }).weights).to.deep.equal([
        W.values.slice(0, 3),
        W.values.slice(3),
      ]);
    });

    it("reads a leading Sub/Div as the input's standardisation, and refuses it anywhere else", function () {
      const standardized = graph(
        [
          { name: "center", opType: "Sub", input: ["x", "mean"], output: ["c"] },
          { name: "scale", opType: "Div", input: ["c", "std"], output: ["s"] },
          {
            name: "g",
            opType: "Gemm",
            input: ["s", "W", "B"],
            output: ["y"],
            attribute: [{ name: "transB", i: 1, type: 2 }],
          },
        ],
        [1, 3],
        { mean: { dims: [3], values: [1, 2, 3] }, std: { dims: [1], values: [0.5] }, W, B },
      );
      const read = readOnnx(standardized);
      expect(read.network.preprocessing).to.deep.equal({ standardize: { mean: [1, 2, 3], std: [0.5, 0.5, 0.5] } });
      expect(read.network.layers.map((l) => l.op)).to.deep.equal(["dense"]);
      const late = graph(
        [
          {
            name: "g",
            opType: "Gemm",
            input: ["x", "W", "B"],
            output: ["h"],
            attribute: [{ name: "transB", i: 1, type: 2 }],
          },
          { name: "shift", opType: "Sub", input: ["h", "B"], output: ["y"] },
        ],
        [1, 3],
        { W, B },
      );
      expect(() => readOnnx(late)).to.throw(
        /node "shift" \(Sub\): Sub and Div are supported only as \(input - mean\) \/ std/,
      );
      const zero = graph([{ name: "d", opType: "Div", input: ["x", "z"], output: ["y"] }], [1, 3], {
        z: { dims: [3], values: [1, 0, 1] },
      });
      expect(() => readOnnx(zero)).to.throw(/node "d" \(Div\): division by zero/);
    });

    it("reads a Reshape to [batch, n] (int64 shape constant) as a flatten, and refuses other reshapes", function () {
      const INT64 = onnx.TensorProto.DataType.INT64;
      const model = (target: number[]) => {
        const shape = new DataView(new ArrayBuffer(8 * target.length));
        target.forEach((v, i) => shape.setBigInt64(8 * i, BigInt(v), true));
        return onnx.ModelProto.encode(
          onnx.ModelProto.create({
            irVersion: 8,
            opsetImport: [{ domain: "", version: 13 }],
            graph: {
              name: "reshape",
              node: [
                {
                  name: "c",
                  opType: "Constant",
                  output: ["shape"],
                  attribute: [
                    {
                      name: "value",
                      type: 4,
                      t: { dims: [target.length], dataType: INT64, rawData: new Uint8Array(shape.buffer) },
                    },
                  ],
                },
                { name: "r", opType: "Reshape", input: ["x", "shape"], output: ["y"] },
              ],
              input: [
                {
                  name: "x",
                  type: { tensorType: { elemType: 1, shape: { dim: [1, 1, 3, 3].map((d) => ({ dimValue: d })) } } },
                },
              ],
              output: [{ name: "y" }],
            },
          }),
        ).finish();
      };
      expect(readOnnx(model([-1, 9])).network.layers).to.deep.equal([{ op: "flatten" }]);
      expect(readOnnx(model([1, -1])).network.layers).to.deep.equal([{ op: "flatten" }]);
      expect(() => readOnnx(model([3, 3]))).to.throw(
        /node "r" \(Reshape\): reshape to \[3,3\]; only a flatten to \[batch, 9\]/,
      );
    });

    it("refuses an ArgMax over the batch axis (ONNX's default axis 0)", function () {
      const bytes = graph([{ name: "am", opType: "ArgMax", input: ["x"], output: ["y"] }], [1, 3], {});
      expect(() => readOnnx(bytes)).to.throw(/node "am" \(ArgMax\): axis = 0/);
    });
  });

  describe("importOnnx", function () {
    it("composes a circuit for a chain no fixed template fits (dense → relu → dense → relu → dense)", function () {
      const deep = floatDeepMlp(9);
      const result = importOnnx(exportNetwork(deep, { name: "deep" }), {
        name: "Deep_4-6-5-3",
        samples: floatInputs(32, 4, 1, 2),
      });
      expect(result.model.template).to.equal("Sequential");
      expect(result.model.instance.template).to.equal("Onnx_Deep_4_6_5_3");
      expect(result.model.instance.file).to.equal("models/generated/Deep_4-6-5-3_model.circom");
      expect(result.model.kind).to.equal("classifier");
    });

    it("has a private-weights instance for Linear, Logistic, Mlp and Cnn imports, and refuses one for a composed circuit", function () {
      for (const [name, template, params] of [
        ["Linear_4", "LinearRegressionPrivate", [4]],
        ["Logistic_4", "LogisticRegressionPrivate", [4, 8, 32]],
        ["Mlp_4-8-3", "MlpPrivate", [4, 8, 3, 8, 32]],
      ] as const) {
        const bytes = exportNetwork(networkOfInstance(loadCircuitInstance(name)), { name });
        const imported = importOnnx(bytes, { name, samples: floatInputs(8, 4, 1, 2) });
        expect(privateWeightsInstance(imported.model.instance)).to.deep.include({ template, params, weightsOf: name });
      }
      // The committed CNN maps onto exactly the committed CnnPrivate instance.
      const cnn = loadCircuitInstance("Cnn_8x8-2c3-3");
      const cnnPrivate = loadCircuitInstance("CnnPrivate_8x8-2c3-3");
      expect(privateWeightsInstance(cnn, cnnPrivate.name)).to.deep.include({
        file: cnnPrivate.file,
        template: cnnPrivate.template,
        params: cnnPrivate.params,
        weightsOf: cnn.name,
      });
      expect(() => privateWeightsInstance({ ...cnn, template: "Onnx_Deep_4_6_5_3" })).to.throw(
        /no private-weights template for Onnx_Deep_4_6_5_3/,
      );
    });

    it("refuses what no circuit can take, naming the layers and the reason", function () {
      const onlyRelu: Network = { inputShape: [3], layers: [{ op: "relu" }], head: "none" };
      expect(() => importOnnx(exportNetwork(onlyRelu, { name: "r" }), { name: "R", samples: [[0, 0, 0]] })).to.throw(
        /relu matches no circuit template \(relu has no dense or convolution layer\)/,
      );
      const wide: Network = {
        inputShape: [300],
        layers: [{ op: "dense", weights: [new Array(300).fill(0.5), new Array(300).fill(0.25)], bias: [0, 0] }],
        head: "argmax",
      };
      expect(() =>
        importOnnx(exportNetwork(wide, { name: "w" }), { name: "W", samples: [new Array(300).fill(0)] }),
      ).to.throw(/the input has 300 values; circuits hash at most 256/);
    });

    it("a composed circuit of a project model computes exactly what its fixed template computes", function () {
      for (const name of ["Logistic_4", "Mlp_4-8-3", "Cnn_8x8-2c3-3"]) {
        const original = loadCircuitInstance(name);
        const bytes = exportNetwork(networkOfInstance(original), { name });
        const size = original.template === "Cnn" ? 64 : 4;
        const samples = floatInputs(16, size, 4, 1);
        const fixed = importOnnx(bytes, { name, samples });
        const composed = importOnnx(bytes, { name: `${name}-composed`, samples, prefer: "sequential" });
        expect(composed.model.template, name).to.equal("Sequential");
        expect(composed.calibration.fracBits).to.equal(fixed.calibration.fracBits);
        const random = seededRandom(8);
        for (let n = 0; n < 50; n++) {
          const x = Array.from({ length: size }, () => BigInt(Math.floor((random() * 2 - 1) * 1024)));
          expect(composed.model.infer(x), name).to.deep.equal(fixed.model.infer(x));
        }
        // And it exports back to the same network.
        expect(networkOfInstance(composed.model.instance)).to.deep.equal(networkOfInstance(fixed.model.instance));
      }
    });

    it("maps Sigmoid onto the hard sigmoid of LogisticRegression and says so", function () {
      const network: Network = {
        inputShape: [3],
        layers: [{ op: "dense", weights: [[0.31, -0.77, 1.19]], bias: [0.05] }, { op: "sigmoid" }],
        head: "none",
      };
      const result = importOnnx(exportNetwork(network, { name: "lr" }), {
        name: "Lr_3",
        samples: floatInputs(32, 3, 1, 2),
      });
      expect(result.model.template).to.equal("LogisticRegression");
      expect(result.notes.join("\n")).to.match(/Sigmoid\): approximated by the hard sigmoid/);
      // The decision is the float model's: p ≥ 1/2 exactly when the logit is ≥ 0 (up to rounding near 0).
      const f = result.calibration.fracBits;
      for (const x of floatInputs(200, 3, 2, 2)) {
        const logit = 0.31 * x[0] - 0.77 * x[1] + 1.19 * x[2] + 0.05;
        if (Math.abs(logit) < 0.01) continue;
        const [p] = result.model.infer(quantizeInput(x, f));
        expect(p >= 1n << BigInt(f - 1), `logit ${logit}`).to.equal(logit >= 0);
      }
    });

    it("calibrates the widest scale whose accumulators fit, and the next one would not", function () {
      const network = floatMlp([4, 8, 3], 5);
      const samples = floatInputs(128, 4, 3, 3);
      const { model, calibration } = importOnnx(exportNetwork(network, { name: "mlp" }), { name: "Mlp_f", samples });
      expect(calibration.reason).to.equal("range");
      expect(calibration.fracBits).to.be.within(6, 16);
      expect(calibration.headroomBits).to.be.at.least(1);
      // Float32 weights: the exported model rounds them, so compare with the network as read back.
      const peak = calibration.peak * 2 ** (2 * (calibration.fracBits + 1));
      if (calibration.fracBits < 16) expect(Math.log2(peak)).to.be.above(31 - 1);
      // The reference agrees with the float model on the class for nearly every input.
      const agree = samples.filter((x) => {
        const float = forwardFloat(network, x).output;
        const vector = model.infer(quantizeInput(x, calibration.fracBits));
        return Number(vector[0]) === float.indexOf(Math.max(...float));
      }).length;
      expect(agree / samples.length).to.be.above(0.97);
    });

    it("honours a given scale, and refuses one that overflows the accumulators on the samples", function () {
      const bytes = exportNetwork(floatMlp([4, 8, 3], 5), { name: "mlp" });
      const samples = floatInputs(64, 4, 3, 3);
      expect(importOnnx(bytes, { name: "Mlp_g", samples, fracBits: 6 }).calibration).to.include({
        fracBits: 6,
        reason: "given",
      });
      expect(() => importOnnx(bytes, { name: "Mlp_g", samples, fracBits: 15 })).to.throw(
        /overflows 32-bit accumulators/,
      );
      expect(() => importOnnx(bytes, { name: "Mlp_g", samples: samples.map((x) => x.map((v) => v * 1e9)) })).to.throw(
        /no fixed-point scale fits/,
      );
    });
  });
});
