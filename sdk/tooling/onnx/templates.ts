/**
 * Between float networks and the project's circuit templates: which template proves a network, the circuits.json
 * instance of a network at a fixed-point scale, and back. The fixed-point scheme is the templates' own (inputs and
 * weights at 2^F, biases at 2^(2F), floor rescales after each layer), and the reference inference is the existing,
 * circuit-exact one of sdk/models.
 */
import { inferCnn, type CnnModel } from "../../lib/models/cnn.js";
import { inferLinear, type LinearModel } from "../../lib/models/linear.js";
import { inferLogistic, type LogisticModel } from "../../lib/models/logistic.js";
import { inferMlp, type MlpModel } from "../../lib/models/mlp.js";
import { toFixed } from "../models/train.js";
import type { CircuitInstance } from "../../lib/zk/circuits.js";
import {
  describeLayers,
  standardizeInput,
  type ConvLayer,
  type DenseLayer,
  type Head,
  type Layer,
  type Network,
  type Standardize,
} from "./network.js";
import {
  inferSequential,
  sequentialOf,
  sequentialParams,
  sequentialStructure,
  sequentialTemplateName,
} from "./sequential.js";

/** The circuit templates of circuits/models that an imported network can map onto. */
export type TemplateName = "LinearRegression" | "LogisticRegression" | "Mlp" | "Cnn" | "Sequential";

/** Where each fixed template lives, relative to circuits/ (a Sequential circuit is generated per model). */
export const TEMPLATE_FILES: Record<Exclude<TemplateName, "Sequential">, string> = {
  LinearRegression: "models/linear_regression.circom",
  LogisticRegression: "models/logistic_regression.circom",
  Mlp: "models/mlp.circom",
  Cnn: "models/cnn.circom",
};

const SUPPORTED_SHAPES =
  "dense with 1 output (LinearRegression); dense with 1 output → Sigmoid/HardSigmoid (LogisticRegression); " +
  "dense → relu → dense [→ softmax | argmax] (Mlp); conv with 1 input channel → relu → flatten → dense " +
  "[→ softmax | argmax] (Cnn); otherwise any chain of dense, conv, relu, sigmoid and flatten with at least one " +
  "dense or conv layer and at most 256 input and output values (a composed circuit)";

/**
 * The template that proves `network`: one of the fixed templates when its layers match one, else a circuit composed
 * for it from the layer templates ("Sequential"), or an error naming the layer sequence and why. With
 * `prefer: "sequential"` a composed circuit is used even where a fixed template fits.
 */
export function matchTemplate(network: Network, prefer: "fixed" | "sequential" = "fixed"): TemplateName {
  const ops = network.layers.map((l) => l.op).join(",");
  const dense = network.layers.filter((l): l is DenseLayer => l.op === "dense");
  const vectorInput = network.inputShape.length === 1;
  if (prefer === "fixed") {
    if (vectorInput && ops === "dense" && dense[0].weights.length === 1 && network.head === "none")
      return "LinearRegression";
    if (
      vectorInput &&
      (ops === "dense,sigmoid" || ops === "dense,hardSigmoid") &&
      dense[0].weights.length === 1 &&
      network.head === "none"
    )
      return "LogisticRegression";
    if (vectorInput && ops === "dense,relu,dense") return "Mlp";
    if (network.inputShape.length === 3 && network.inputShape[0] === 1 && ops === "conv,relu,flatten,dense")
      return "Cnn";
  }
  try {
    sequentialStructure(network);
    return "Sequential";
  } catch (error) {
    throw new Error(
      `the network ${JSON.stringify(network.inputShape)}: ${describeLayers(network)} matches no circuit template ` +
        `(${(error as Error).message}); supported: ${SUPPORTED_SHAPES}`,
    );
  }
}

/** A circuit instance with its circuit-exact reference inference. */
export interface FixedPointModel {
  template: TemplateName;
  /** What the output is: a regression value, a probability (p ≥ 1/2 decides), or [class, ...logits]. */
  kind: "regression" | "probability" | "classifier";
  instance: CircuitInstance;
  /** How many fixed-point values the circuit's input `x` takes. */
  inputLength: number;
  /** The circuit's input for a float input of the ONNX model: standardised (if the instance says so), at 2^F. */
  input(x: readonly number[]): bigint[];
  /** The output vector the circuit hashes (its `outputHash` preimage), bit-exact with the circuit. */
  infer(x: readonly bigint[]): bigint[];
  /** The float values of an output vector: the regression value, the probability, or [class, ...logits]. */
  dequantize(vector: readonly bigint[]): { values: number[]; class?: number };
}

const toNumbers = (values: readonly bigint[]) =>
  values.map((v) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new RangeError(`fixed-point parameter ${v} is beyond 2^53`);
    return n;
  });

/** The standardisation an instance records under `preprocessing`, if any. */
export function preprocessingOf(instance: CircuitInstance): Standardize | undefined {
  return (instance as CircuitInstance & { preprocessing?: { standardize?: Standardize } }).preprocessing?.standardize;
}

/**
 * The fixed-point model of instance `instance` (a fixed template or a composed circuit), with its reference inference.
 */
export function fixedPointModel(instance: CircuitInstance): FixedPointModel {
  const model = referenceOf(instance);
  const standardize = preprocessingOf(instance);
  const scale = 2 ** instance.fracBits;
  return {
    ...model,
    input: (x) => standardizeInput(x, standardize).map((v) => BigInt(Math.round(v * scale))),
  };
}

function referenceOf(instance: CircuitInstance): Omit<FixedPointModel, "input"> {
  const p = instance.params as unknown[];
  const structure = sequentialOf(instance);
  if (structure !== undefined) {
    const scale = 2 ** Number(p[p.length - 2]);
    const classifier = structure.head !== "none";
    const last = structure.layers[structure.layers.length - 1];
    return {
      template: "Sequential",
      kind: classifier ? "classifier" : last.op === "hardSigmoid" && last.size === 1 ? "probability" : "regression",
      instance,
      inputLength: Number(p[0]),
      infer: (x) => inferSequential(structure, p, x),
      dequantize: (v) =>
        classifier
          ? { class: Number(v[0]), values: v.slice(1).map((l) => Number(l) / scale) }
          : { values: v.map((l) => Number(l) / scale) },
    };
  }
  const big = (v: unknown) => BigInt(v as number);
  const bigs = (v: unknown) => (v as number[]).map(BigInt);
  const bigs2 = (v: unknown) => (v as number[][]).map((row) => row.map(BigInt));
  const template = instance.template as TemplateName;
  switch (template) {
    case "LinearRegression": {
      const model: LinearModel = {
        name: instance.name,
        weights: bigs(p[1]),
        bias: big(p[2]),
        fracBits: instance.fracBits,
      };
      const scale = 2 ** (2 * model.fracBits);
      return {
        template,
        kind: "regression",
        instance,
        inputLength: Number(p[0]),
        infer: (x) => [inferLinear(model, x)],
        dequantize: (v) => ({ values: [Number(v[0]) / scale] }),
      };
    }
    case "LogisticRegression": {
      const model: LogisticModel = {
        name: instance.name,
        weights: bigs(p[1]),
        bias: big(p[2]),
        fracBits: Number(p[3]),
        accumulatorBits: Number(p[4]),
      };
      const scale = 2 ** model.fracBits;
      return {
        template,
        kind: "probability",
        instance,
        inputLength: Number(p[0]),
        infer: (x) => inferLogistic(model, x),
        dequantize: (v) => ({ values: [Number(v[0]) / scale] }),
      };
    }
    case "Mlp": {
      const model: MlpModel = {
        name: instance.name,
        sizes: [Number(p[0]), Number(p[1]), Number(p[2])],
        w1: bigs2(p[3]),
        b1: bigs(p[4]),
        w2: bigs2(p[5]),
        b2: bigs(p[6]),
        fracBits: Number(p[7]),
        accumulatorBits: Number(p[8]),
      };
      const scale = 2 ** model.fracBits;
      return {
        template,
        kind: "classifier",
        instance,
        inputLength: model.sizes[0],
        infer: (x) => inferMlp(model, x).vector,
        dequantize: (v) => ({ class: Number(v[0]), values: v.slice(1).map((l) => Number(l) / scale) }),
      };
    }
    case "Cnn": {
      const model: CnnModel = {
        name: instance.name,
        size: Number(p[0]),
        kernel: Number(p[1]),
        filters: (p[4] as number[][][]).map(bigs2),
        filterBias: bigs(p[5]),
        dense: bigs2(p[6]),
        denseBias: bigs(p[7]),
        fracBits: Number(p[8]),
        accumulatorBits: Number(p[9]),
      };
      const scale = 2 ** model.fracBits;
      return {
        template,
        kind: "classifier",
        instance,
        inputLength: model.size * model.size,
        infer: (x) => inferCnn(model, x).vector,
        dequantize: (v) => ({ class: Number(v[0]), values: v.slice(1).map((l) => Number(l) / scale) }),
      };
    }
    default:
      throw new Error(
        `circuit instance "${instance.name}" uses template ${instance.template}, which has no ONNX mapping`,
      );
  }
}

/** What a quantised instance records beside the template parameters. */
export interface InstanceDetails {
  name: string;
  description: string;
  /** Where a composed circuit's generated template goes, relative to circuits/ (default models/generated/). */
  generatedFile?: string;
  /** Compose a circuit even where a fixed template fits. */
  prefer?: "fixed" | "sequential";
}

/**
 * The circuits.json instance of `network` at fixed point: weights rounded at 2^fracBits, biases at 2^(2·fracBits),
 * accumulators within signed `accumulatorBits` bits (ignored by LinearRegression, which never rescales).
 */
export function quantizeNetwork(
  network: Network,
  fracBits: number,
  accumulatorBits: number,
  details: InstanceDetails,
): FixedPointModel {
  const template = matchTemplate(network, details.prefer);
  const f = fracBits;
  if (template === "Sequential") {
    const structure = sequentialStructure(network);
    return fixedPointModel({
      name: details.name,
      file: details.generatedFile ?? `models/generated/${details.name}_model.circom`,
      template: sequentialTemplateName(details.name),
      params: sequentialParams(network, fracBits, accumulatorBits),
      pubs: ["requestId"],
      fracBits,
      description: details.description,
      sequential: structure,
      ...(network.preprocessing === undefined ? {} : { preprocessing: network.preprocessing }),
    } as CircuitInstance);
  }
  const w = (v: number) => toFixed(v, f);
  const b = (v: number) => toFixed(v, 2 * f);
  const dense = network.layers.filter((l): l is DenseLayer => l.op === "dense");
  const matrix = (layer: DenseLayer) => layer.weights.map((row) => toNumbers(row.map(w)));
  const biases = (values: number[]) => toNumbers(values.map(b));
  let params: unknown[];
  switch (template) {
    case "LinearRegression":
      params = [dense[0].weights[0].length, matrix(dense[0])[0], biases(dense[0].bias)[0]];
      break;
    case "LogisticRegression":
      params = [dense[0].weights[0].length, matrix(dense[0])[0], biases(dense[0].bias)[0], f, accumulatorBits];
      break;
    case "Mlp": {
      const [first, second] = dense;
      params = [
        first.weights[0].length,
        first.weights.length,
        second.weights.length,
        matrix(first),
        biases(first.bias),
        matrix(second),
        biases(second.bias),
        f,
        accumulatorBits,
      ];
      break;
    }
    case "Cnn": {
      const conv = network.layers[0] as ConvLayer;
      const kernel = conv.filters[0][0].length;
      params = [
        network.inputShape[1],
        kernel,
        conv.filters.length,
        dense[0].weights.length,
        conv.filters.map((filter) => filter[0].map((row) => toNumbers(row.map(w)))),
        biases(conv.bias),
        matrix(dense[0]),
        biases(dense[0].bias),
        f,
        accumulatorBits,
      ];
      break;
    }
  }
  return fixedPointModel({
    name: details.name,
    file: TEMPLATE_FILES[template],
    template,
    params,
    pubs: ["requestId"],
    fracBits: f,
    description: details.description,
    ...(network.preprocessing === undefined ? {} : { preprocessing: network.preprocessing }),
  } as CircuitInstance);
}

/**
 * The float network an instance computes (weights and biases divided by their scales; Logistic as the hard sigmoid
 * it proves; Mlp and Cnn with an argmax head). Rescales aside, it is the circuit's model.
 */
export function networkOfInstance(instance: CircuitInstance): Network {
  const network = layersOfInstance(instance);
  const standardize = preprocessingOf(instance);
  return standardize === undefined ? network : { ...network, preprocessing: { standardize } };
}

function layersOfInstance(instance: CircuitInstance): Network {
  const p = instance.params as unknown[];
  const structure = sequentialOf(instance);
  if (structure !== undefined) {
    const f = Number(p[p.length - 2]);
    const w = (v: number) => v / 2 ** f;
    const b = (v: number) => v / 2 ** (2 * f);
    let next = 1;
    const take = () => [p[next++], p[next++]] as const;
    const layers: Layer[] = structure.layers.map((layer) => {
      if (layer.op === "dense") {
        const [weights, bias] = take() as [number[][], number[]];
        return { op: "dense", weights: weights.map((row) => row.map(w)), bias: bias.map(b) };
      }
      if (layer.op === "conv") {
        const [filters, bias] = take() as [number[][][][], number[]];
        return {
          op: "conv",
          filters: filters.map((fl) => fl.map((c) => c.map((row) => row.map(w)))),
          bias: bias.map(b),
        };
      }
      return { op: layer.op };
    });
    return { inputShape: [...structure.inputShape], layers, head: structure.head === "none" ? "none" : "argmax" };
  }
  const template = instance.template as Exclude<TemplateName, "Sequential">;
  const fracBitsAt = { LinearRegression: -1, LogisticRegression: 3, Mlp: 7, Cnn: 8 }[template];
  if (fracBitsAt === undefined)
    throw new Error(
      `circuit instance "${instance.name}" uses template ${instance.template}, which has no ONNX mapping`,
    );
  const f = fracBitsAt < 0 ? instance.fracBits : Number(p[fracBitsAt]);
  const w = (v: number) => v / 2 ** f;
  const b = (v: number) => v / 2 ** (2 * f);
  const dense = (weights: number[][], bias: number[]): DenseLayer => ({
    op: "dense",
    weights: weights.map((row) => row.map(w)),
    bias: bias.map(b),
  });
  const head: Head = template === "Mlp" || template === "Cnn" ? "argmax" : "none";
  switch (template) {
    case "LinearRegression":
      return { inputShape: [Number(p[0])], layers: [dense([p[1] as number[]], [p[2] as number])], head };
    case "LogisticRegression":
      return {
        inputShape: [Number(p[0])],
        layers: [dense([p[1] as number[]], [p[2] as number]), { op: "hardSigmoid" }],
        head,
      };
    case "Mlp":
      return {
        inputShape: [Number(p[0])],
        layers: [
          dense(p[3] as number[][], p[4] as number[]),
          { op: "relu" },
          dense(p[5] as number[][], p[6] as number[]),
        ],
        head,
      };
    case "Cnn": {
      const conv: ConvLayer = {
        op: "conv",
        filters: (p[4] as number[][][]).map((filter) => [filter.map((row) => row.map(w))]),
        bias: (p[5] as number[]).map(b),
      };
      return {
        inputShape: [1, Number(p[0]), Number(p[0])],
        layers: [conv, { op: "relu" }, { op: "flatten" }, dense(p[6] as number[][], p[7] as number[])],
        head,
      };
    }
  }
}
