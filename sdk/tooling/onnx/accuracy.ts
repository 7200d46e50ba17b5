import type { ImportResult } from "./importer.js";
import { argmaxFloat, softmax } from "./network.js";

/** How an imported circuit's reference inference compares with onnxruntime on the original ONNX model. */
export interface AccuracyReport {
  inputs: number;
  /** What the error is measured on: "value", "probability" (logistic or softmax) or "logit". */
  measured: "value" | "probability" | "logit";
  /** The largest |circuit − onnxruntime| over every output value of every input. */
  maxAbsError: number;
  /** The mean of that per-input maximum. */
  meanAbsError: number;
  /** The share of inputs whose class (argmax, or p ≥ 1/2 for a logistic model) agrees; undefined for regression. */
  argmaxAgreement?: number;
  /** With labels: the share onnxruntime and the circuit each classify right. */
  labelAccuracy?: { runtime: number; circuit: number };
}

/** One onnxruntime output: a float tensor's values, or an int64 tensor's. */
type RuntimeOutputs = Record<string, { type: string; data: ArrayLike<number | bigint> }>;

/**
 * Runs the original ONNX model (`bytes`) in onnxruntime-node on each float input and the circuit's reference
 * inference on the same input at fixed point, and compares them: the regression value, the probability (the hard
 * sigmoid against the model's sigmoid; softmax of the circuit's logits against the model's softmax) or the logits,
 * and the class. onnxruntime-node is loaded only here (it is a development dependency with native binaries).
 */
export async function compareWithOnnxRuntime(
  bytes: Uint8Array,
  imported: ImportResult,
  inputs: readonly (readonly number[])[],
  labels?: readonly number[],
): Promise<AccuracyReport> {
  if (labels !== undefined && labels.length !== inputs.length)
    throw new Error(`${labels.length} labels for ${inputs.length} inputs`);
  const ort = await import("onnxruntime-node");
  const session = await ort.InferenceSession.create(bytes);
  const { network, model } = imported;
  const dims = [1, ...network.inputShape];
  const classifier = model.kind === "classifier";
  const measured =
    model.kind === "regression"
      ? "value"
      : model.kind === "probability" || network.head === "softmax"
        ? "probability"
        : "logit";
  let maxAbsError = 0;
  let totalError = 0;
  let agreements = 0;
  const right = { runtime: 0, circuit: 0 };
  try {
    for (const [n, x] of inputs.entries()) {
      const feeds = { [imported.inputName]: new ort.Tensor("float32", Float32Array.from(x), dims) };
      const outputs = (await session.run(feeds)) as unknown as RuntimeOutputs;
      const floats = Object.values(outputs).find((o) => o.type === "float32");
      const ints = Object.values(outputs).find((o) => o.type === "int64");
      if (floats === undefined && ints === undefined) throw new Error("the model has no float32 or int64 output");
      const expected = floats === undefined ? undefined : Array.from(floats.data as ArrayLike<number>);

      const circuit = model.dequantize(model.infer(model.input(x)));
      const got = network.head === "softmax" ? softmax(circuit.values) : circuit.values;
      if (expected !== undefined) {
        if (expected.length !== got.length)
          throw new Error(`onnxruntime gave ${expected.length} values, the circuit ${got.length}`);
        const error = got.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i])), 0);
        maxAbsError = Math.max(maxAbsError, error);
        totalError += error;
      }
      if (classifier) {
        const runtimeClass = ints !== undefined ? Number(ints.data[0]) : argmaxFloat(expected!);
        if (runtimeClass === circuit.class) agreements++;
        if (labels !== undefined) {
          right.runtime += runtimeClass === labels[n] ? 1 : 0;
          right.circuit += circuit.class === labels[n] ? 1 : 0;
        }
      } else if (model.kind === "probability") {
        const [runtimeClass, circuitClass] = [expected![0] >= 0.5 ? 1 : 0, got[0] >= 0.5 ? 1 : 0];
        if (runtimeClass === circuitClass) agreements++;
        if (labels !== undefined) {
          right.runtime += runtimeClass === labels[n] ? 1 : 0;
          right.circuit += circuitClass === labels[n] ? 1 : 0;
        }
      }
    }
  } finally {
    await session.release();
  }
  return {
    inputs: inputs.length,
    measured,
    maxAbsError,
    meanAbsError: totalError / inputs.length,
    argmaxAgreement: model.kind === "regression" ? undefined : agreements / inputs.length,
    labelAccuracy:
      labels === undefined || model.kind === "regression"
        ? undefined
        : { runtime: right.runtime / inputs.length, circuit: right.circuit / inputs.length },
  };
}
