/**
 * Networks that fit none of the fixed templates (deeper MLPs, multi-channel convolutions, stacked layers): a circuit
 * composed per model from the layer templates of circuits/models/onnx_layers.circom (over circuits/lib), with its
 * TypeScript reference. The fixed-point scheme is the templates' own: values and weights at 2^F, biases at 2^(2F),
 * every dense or convolution layer rescaled back to 2^F within signed ACC-bit accumulators.
 */
import path from "node:path";

import { argmax, hardSigmoid, relu, rescale } from "../../lib/models/fixedPoint.js";
import { toFixed } from "../models/train.js";
import type { CircuitInstance } from "../../lib/zk/circuits.js";
import { describeLayers, type Head, type Network } from "./network.js";
import { CIRCUITS_DIR } from "../zk/circuitFiles.js";

/** The longest vector the circuits hash (VectorHash). */
const MAX_HASHED = 256;

/** One layer of a composed circuit, with its shape. */
export type SequentialLayer =
  | { op: "dense"; inputs: number; outputs: number }
  | { op: "conv"; channelsIn: number; size: number; kernel: number; channelsOut: number }
  | { op: "relu" | "hardSigmoid"; size: number }
  | { op: "flatten" };

/** The structure of a composed circuit (stored in its instance; the weights are its template parameters). */
export interface SequentialStructure {
  inputShape: number[];
  layers: SequentialLayer[];
  head: Head;
  /** True when a Sigmoid was read and is proved as the hard sigmoid. */
  approximatesSigmoid: boolean;
}

/** The structure of `network` as a composed circuit, or an error saying why it cannot be one. */
export function sequentialStructure(network: Network): SequentialStructure {
  const size = network.inputShape.reduce((a, b) => a * b, 1);
  if (size > MAX_HASHED) throw new Error(`the input has ${size} values; circuits hash at most ${MAX_HASHED}`);
  let shape = [...network.inputShape];
  const layers: SequentialLayer[] = [];
  for (const layer of network.layers) {
    const length = shape.reduce((a, b) => a * b, 1);
    switch (layer.op) {
      case "dense":
        if (shape.length !== 1) throw new Error(`a dense layer after shape [${shape}] needs a Flatten first`);
        layers.push({ op: "dense", inputs: length, outputs: layer.weights.length });
        shape = [layer.weights.length];
        break;
      case "conv": {
        if (shape.length !== 3) throw new Error(`a convolution after shape [${shape}]`);
        const kernel = layer.filters[0][0].length;
        layers.push({
          op: "conv",
          channelsIn: shape[0],
          size: shape[1],
          kernel,
          channelsOut: layer.filters.length,
        });
        shape = [layer.filters.length, shape[1] - kernel + 1, shape[2] - kernel + 1];
        break;
      }
      case "relu":
      case "sigmoid":
      case "hardSigmoid":
        layers.push({ op: layer.op === "relu" ? "relu" : "hardSigmoid", size: length });
        break;
      case "flatten":
        layers.push({ op: "flatten" });
        shape = [length];
        break;
    }
  }
  if (!layers.some((l) => l.op === "dense" || l.op === "conv"))
    throw new Error(`${describeLayers(network)} has no dense or convolution layer`);
  const outputs = shape.reduce((a, b) => a * b, 1) + (network.head === "none" ? 0 : 1);
  if (outputs > MAX_HASHED) throw new Error(`the output has ${outputs} values; circuits hash at most ${MAX_HASHED}`);
  if (network.head !== "none" && shape.length !== 1) throw new Error(`Softmax/ArgMax over shape [${shape}]`);
  return {
    inputShape: [...network.inputShape],
    layers,
    head: network.head,
    approximatesSigmoid: network.layers.some((l) => l.op === "sigmoid"),
  };
}

/** A circom identifier for the composed template of instance `name`. */
export function sequentialTemplateName(name: string): string {
  const identifier = name.replace(/[^A-Za-z0-9_]/g, "_");
  return identifier.startsWith("Onnx") ? identifier : `Onnx_${identifier}`;
}

/**
 * The template parameters of a composed circuit: [N (input length), weights and biases of each dense or convolution
 * layer in order, F, ACC].
 */
export function sequentialParams(network: Network, fracBits: number, accumulatorBits: number): unknown[] {
  const number = (v: bigint) => {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new RangeError(`fixed-point parameter ${v} is beyond 2^53`);
    return n;
  };
  const w = (v: number) => number(toFixed(v, fracBits));
  const b = (v: number) => number(toFixed(v, 2 * fracBits));
  const params: unknown[] = [network.inputShape.reduce((x, y) => x * y, 1)];
  for (const layer of network.layers) {
    if (layer.op === "dense")
      params.push(
        layer.weights.map((row) => row.map(w)),
        layer.bias.map(b),
      );
    if (layer.op === "conv")
      params.push(
        layer.filters.map((f) => f.map((c) => c.map((row) => row.map(w)))),
        layer.bias.map(b),
      );
  }
  params.push(fracBits, accumulatorBits);
  return params;
}

/** The generated circom template of a composed circuit: its layers wired in order, the hashes and the request id. */
export function sequentialSource(
  structure: SequentialStructure,
  templateName: string,
  file: string,
  origin: string,
): string {
  const include = (target: string) =>
    path.relative(path.dirname(file), path.join(CIRCUITS_DIR, target)).split(path.sep).join("/");
  const weightParams: string[] = [];
  const lines: string[] = [];
  let current = "x";
  let length = structure.inputShape.reduce((a, b) => a * b, 1);
  const wire = (component: string, size: number) => {
    lines.push(`    for (var i = 0; i < ${size}; i++) {`, `        ${component}.in[i] <== ${current}[i];`, "    }");
  };
  structure.layers.forEach((layer, index) => {
    const component = `layer${index}`;
    switch (layer.op) {
      case "dense":
        weightParams.push(`W${index}`, `B${index}`);
        lines.push(
          `    component ${component} = DenseLayer(${layer.inputs}, ${layer.outputs}, W${index}, B${index}, F, ACC);`,
        );
        wire(component, layer.inputs);
        length = layer.outputs;
        break;
      case "conv": {
        weightParams.push(`W${index}`, `B${index}`);
        const { channelsIn: ci, size: s, kernel: k, channelsOut: co } = layer;
        lines.push(`    component ${component} = Conv2dLayer(${ci}, ${s}, ${k}, ${co}, W${index}, B${index}, F, ACC);`);
        wire(component, ci * s * s);
        length = co * (s - k + 1) ** 2;
        break;
      }
      case "relu":
        lines.push(`    component ${component} = ReluLayer(${layer.size}, ACC - F);`);
        wire(component, layer.size);
        break;
      case "hardSigmoid":
        lines.push(`    component ${component} = HardSigmoidLayer(${layer.size}, ACC - F, F);`);
        wire(component, layer.size);
        break;
      case "flatten":
        return; // Channel-first values are already a flat vector.
    }
    current = `${component}.out`;
  });
  const inputLength = structure.inputShape.reduce((a, b) => a * b, 1);
  const classifier = structure.head !== "none";
  const outputLength = length + (classifier ? 1 : 0);
  const head = classifier
    ? [
        `    component classOf = ArgMax(${length}, ACC - F);`,
        `    for (var i = 0; i < ${length}; i++) {`,
        `        classOf.in[i] <== ${current}[i];`,
        "    }",
        `    component outputHasher = VectorHash(${outputLength});`,
        "    outputHasher.in[0] <== classOf.index;",
        `    for (var i = 0; i < ${length}; i++) {`,
        `        outputHasher.in[i + 1] <== ${current}[i];`,
        "    }",
      ]
    : [
        `    component outputHasher = VectorHash(${outputLength});`,
        `    for (var i = 0; i < ${length}; i++) {`,
        `        outputHasher.in[i] <== ${current}[i];`,
        "    }",
      ];
  return [
    `// GENERATED FILE: do not edit. Written by \`npm run model:import\` (sdk/tooling/onnx/sequential.ts) from ${origin}.`,
    `// Layers: ${structure.layers.map((l) => l.op).join(" → ")}${classifier ? " → argmax" : ""}. Values and weights at`,
    "// 2^F, biases at 2^(2F), each dense or convolution layer rescaled to 2^F within signed ACC bits.",
    `// Public signals: inputHash = VectorHash(x), outputHash = VectorHash(${classifier ? "class, logits..." : "outputs..."}), requestId.`,
    "pragma circom 2.1.0;",
    "",
    `include "${include("lib/fixedpoint.circom")}";`,
    `include "${include("lib/vectorhash.circom")}";`,
    `include "${include("models/onnx_layers.circom")}";`,
    "",
    `template ${templateName}(${["N", ...weightParams, "F", "ACC"].join(", ")}) {`,
    "    signal input x[N];",
    "    signal input requestId;",
    "    signal output inputHash;",
    "    signal output outputHash;",
    `    assert(N == ${inputLength});`,
    "",
    ...lines,
    "",
    ...head,
    "    outputHash <== outputHasher.out;",
    "",
    "    component inputHasher = VectorHash(N);",
    "    for (var i = 0; i < N; i++) {",
    "        inputHasher.in[i] <== x[i];",
    "    }",
    "    inputHash <== inputHasher.out;",
    "",
    "    // Bind requestId with a constraint (as Semaphore does) so no optimiser can drop it from the proof.",
    "    signal requestIdSquared;",
    "    requestIdSquared <== requestId * requestId;",
    "}",
    "",
  ].join("\n");
}

/** The reference inference of a composed circuit, bit-exact with it: the output vector it hashes. */
export function inferSequential(
  structure: SequentialStructure,
  params: readonly unknown[],
  input: readonly bigint[],
): bigint[] {
  const n = Number(params[0]);
  if (input.length !== n) throw new Error(`the model takes ${n} inputs, got ${input.length}`);
  const [f, acc] = [Number(params[params.length - 2]), Number(params[params.length - 1])];
  let values = [...input];
  let next = 1;
  for (const layer of structure.layers) {
    switch (layer.op) {
      case "dense": {
        const [weights, bias] = [params[next] as number[][], params[next + 1] as number[]];
        next += 2;
        values = weights.map((row, j) =>
          rescale(
            row.reduce((s, w, i) => s + BigInt(w) * values[i], BigInt(bias[j])),
            acc,
            f,
          ),
        );
        break;
      }
      case "conv": {
        const [filters, bias] = [params[next] as number[][][][], params[next + 1] as number[]];
        next += 2;
        const { channelsIn: ci, size: s, kernel: k, channelsOut: co } = layer;
        const o = s - k + 1;
        const out: bigint[] = [];
        for (let c = 0; c < co; c++)
          for (let y = 0; y < o; y++)
            for (let x = 0; x < o; x++) {
              let sum = BigInt(bias[c]);
              for (let ch = 0; ch < ci; ch++)
                for (let i = 0; i < k; i++)
                  for (let j = 0; j < k; j++)
                    sum += BigInt(filters[c][ch][i][j]) * values[(ch * s + y + i) * s + x + j];
              out.push(rescale(sum, acc, f));
            }
        values = out;
        break;
      }
      case "relu":
        values = values.map((v) => relu(v, acc - f));
        break;
      case "hardSigmoid":
        values = values.map((v) => hardSigmoid(v, acc - f, f));
        break;
      case "flatten":
        break;
    }
  }
  if (structure.head === "none") return values;
  return [BigInt(argmax(values, acc - f).index), ...values];
}

/** Whether `instance` is a composed (sequential) circuit, and its structure. */
export function sequentialOf(instance: CircuitInstance): SequentialStructure | undefined {
  return (instance as CircuitInstance & { sequential?: SequentialStructure }).sequential;
}
