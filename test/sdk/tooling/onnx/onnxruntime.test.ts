import { expect } from "chai";

import { barImages, seededRandom } from "../../../../sdk/tooling/models/train.js";
import {
  compareWithOnnxRuntime,
  exportNetwork,
  forwardFloat,
  importOnnx,
  networkOfInstance,
  readOnnx,
} from "../../../../sdk/tooling/index.js";
import { floatTensor, onnx } from "../../../../sdk/tooling/onnx/proto.js";
import { loadCircuitInstance } from "../../../../sdk/tooling/zk/circuitFiles.js";

function floatInputs(count: number, size: number, seed: number, range: number): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Array.from({ length: size }, () => (random() * 2 - 1) * range));
}

describe("exported models in onnxruntime-node", function () {
  it("onnxruntime computes what the exported network computes (float64 forward pass), for all four models", async function () {
    const ort = await import("onnxruntime-node");
    for (const name of ["Linear_4", "Logistic_4", "Mlp_4-8-3", "Cnn_8x8-2c3-3"]) {
      const network = networkOfInstance(loadCircuitInstance(name));
      const session = await ort.InferenceSession.create(exportNetwork(network, { name }));
      const size = network.inputShape.reduce((a, b) => a * b, 1);
      for (const x of floatInputs(20, size, 3, 2)) {
        const out = await session.run({
          input: new ort.Tensor("float32", Float32Array.from(x), [1, ...network.inputShape]),
        });
        const expected = forwardFloat(network, Array.from(Float32Array.from(x))).output;
        const values = Array.from((out.output ?? out.logits).data as Float32Array);
        // (A plain comparison: the ethers chai matchers, loaded in a full run, take closeTo for bigints.)
        values.forEach((v, i) =>
          expect(
            Math.abs(v - expected[i]) <= 1e-4 * (1 + Math.abs(expected[i])),
            `${name} output ${i}: ${v} vs ${expected[i]}`,
          ).to.equal(true),
        );
        if (out.class !== undefined)
          expect(Number(out.class.data[0])).to.equal(expected.indexOf(Math.max(...expected)));
      }
      await session.release();
    }
  });

  it("the imported CNN agrees with onnxruntime on the class of bar images, within a small logit error", async function () {
    const name = "Cnn_8x8-2c3-3";
    const bytes = exportNetwork(networkOfInstance(loadCircuitInstance(name)), { name });
    const { images } = barImages(60, 8, 5);
    const imported = importOnnx(bytes, { name, samples: images });
    const report = await compareWithOnnxRuntime(bytes, imported, images);
    expect(report.measured).to.equal("logit");
    expect(report.argmaxAgreement).to.be.above(0.95);
    // Floor rescales lose at most 2^-8 per value per layer; the logits sum 72 of them.
    expect(report.maxAbsError).to.be.above(0).and.below(0.5);
  });

  it("a composed circuit (Mlp_4-8-3 imported with prefer: sequential) agrees with onnxruntime as its fixed template does", async function () {
    const name = "Mlp_4-8-3";
    const bytes = exportNetwork(networkOfInstance(loadCircuitInstance(name)), { name });
    const inputs = floatInputs(100, 4, 12, 2);
    const fixed = await compareWithOnnxRuntime(bytes, importOnnx(bytes, { name, samples: inputs }), inputs);
    const composed = await compareWithOnnxRuntime(
      bytes,
      importOnnx(bytes, { name: "Mlp_composed", samples: inputs, prefer: "sequential" }),
      inputs,
    );
    expect(composed).to.deep.equal(fixed);
    expect(composed.argmaxAgreement).to.be.above(0.95);
  });

  it("a Conv → BatchNormalization → Relu → Flatten → Gemm graph: the folded network computes what onnxruntime computes", async function () {
    const ort = await import("onnxruntime-node");
    const random = seededRandom(31);
    const values = (n: number, low: number, high: number) =>
      Array.from({ length: n }, () => low + (high - low) * random());
    const FLOAT = onnx.TensorProto.DataType.FLOAT;
    const bytes = onnx.ModelProto.encode(
      onnx.ModelProto.create({
        irVersion: 8,
        opsetImport: [{ domain: "", version: 13 }],
        graph: {
          name: "bn",
          node: [
            { name: "conv", opType: "Conv", input: ["x", "F", "FB"], output: ["c"] },
            {
              name: "bn",
              opType: "BatchNormalization",
              input: ["c", "g", "b", "m", "v"],
              output: ["n"],
              attribute: [{ name: "epsilon", f: 1e-3, type: 1 }],
            },
            { name: "relu", opType: "Relu", input: ["n"], output: ["r"] },
            { name: "flat", opType: "Flatten", input: ["r"], output: ["f"] },
            {
              name: "fc",
              opType: "Gemm",
              input: ["f", "W", "B"],
              output: ["y"],
              attribute: [{ name: "transB", i: 1, type: 2 }],
            },
          ],
          initializer: [
            floatTensor("F", [2, 1, 3, 3], values(18, -1, 1)),
            floatTensor("FB", [2], values(2, -0.5, 0.5)),
            floatTensor("g", [2], values(2, 0.5, 2)),
            floatTensor("b", [2], values(2, -0.5, 0.5)),
            floatTensor("m", [2], values(2, -0.3, 0.3)),
            floatTensor("v", [2], values(2, 0.2, 1.5)),
            floatTensor("W", [3, 18], values(54, -1, 1)),
            floatTensor("B", [3], values(3, -0.2, 0.2)),
          ],
          input: [
            {
              name: "x",
              type: { tensorType: { elemType: FLOAT, shape: { dim: [1, 1, 5, 5].map((d) => ({ dimValue: d })) } } },
            },
          ],
          output: [
            {
              name: "y",
              type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: 3 }] } } },
            },
          ],
        },
      }),
    ).finish();
    const read = readOnnx(bytes);
    expect(read.network.layers.map((l) => l.op)).to.deep.equal(["conv", "relu", "flatten", "dense"]);
    expect(read.notes.join("\n")).to.match(/BatchNormalization\): folded into the previous convolution/);
    const session = await ort.InferenceSession.create(bytes);
    for (const x of floatInputs(10, 25, 5, 1)) {
      const out = await session.run({ x: new ort.Tensor("float32", Float32Array.from(x), [1, 1, 5, 5]) });
      const expected = Array.from(out.y.data as Float32Array);
      const got = forwardFloat(read.network, Array.from(Float32Array.from(x))).output;
      got.forEach((v, i) =>
        expect(Math.abs(v - expected[i]) <= 1e-4 * (1 + Math.abs(v)), `${v} vs ${expected[i]}`).to.equal(true),
      );
    }
    await session.release();
    // And it imports: onto the Cnn template (single input channel, then conv → relu → flatten → dense).
    expect(importOnnx(bytes, { name: "Bn", samples: floatInputs(16, 25, 6, 1) }).model.template).to.equal("Cnn");
  });
});
