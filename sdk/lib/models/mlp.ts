import type { CircuitInstance } from "../zk/circuits.js";
import { argmax, relu, rescale } from "./fixedPoint.js";

/**
 * A two-layer perceptron in fixed point (circuit template `Mlp`): weights and activations at scale 2^fracBits,
 * biases at 2^(2·fracBits), accumulators within signed `accumulatorBits` bits.
 */
export interface MlpModel {
  name: string;
  sizes: [number, number, number];
  w1: bigint[][];
  b1: bigint[];
  w2: bigint[][];
  b2: bigint[];
  fracBits: number;
  accumulatorBits: number;
}

/** What the model outputs: the class and the logits, in the order the circuit hashes them. */
export interface MlpOutput {
  class: number;
  logits: bigint[];
  /** [class, ...logits]: the output vector whose Poseidon hash is the output hash. */
  vector: bigint[];
}

/** The MLP of circuit instance `instance` (an `Mlp` instance in circuits.json). */
export function mlpModel(instance: CircuitInstance): MlpModel {
  const { name } = instance;
  if (instance.template !== "Mlp") throw new Error(`circuit instance "${name}" is a ${instance.template}, not an Mlp`);
  const [n0, n1, n2, w1, b1, w2, b2, fracBits, accumulatorBits] = instance.params as [
    number,
    number,
    number,
    number[][],
    number[],
    number[][],
    number[],
    number,
    number,
  ];
  const toBig = (rows: number[][]) => rows.map((row) => row.map(BigInt));
  return {
    name,
    sizes: [n0, n1, n2],
    w1: toBig(w1),
    b1: b1.map(BigInt),
    w2: toBig(w2),
    b2: b2.map(BigInt),
    fracBits,
    accumulatorBits,
  };
}

function dense(weights: bigint[][], bias: bigint[], input: readonly bigint[]): bigint[] {
  return weights.map((row, j) => row.reduce((acc, w, i) => acc + w * input[i], bias[j]));
}

/** The reference inference, bit-exact with the circuit (floor rescales, first-maximum argmax). */
export function inferMlp(model: MlpModel, input: readonly bigint[]): MlpOutput {
  if (input.length !== model.sizes[0])
    throw new Error(`model ${model.name} takes ${model.sizes[0]} inputs, got ${input.length}`);
  const { fracBits: f, accumulatorBits: acc } = model;
  const hidden = dense(model.w1, model.b1, input).map((a) => relu(rescale(a, acc, f), acc - f));
  const logits = dense(model.w2, model.b2, hidden).map((a) => rescale(a, acc, f));
  const { index } = argmax(logits, acc - f);
  return { class: index, logits, vector: [BigInt(index), ...logits] };
}
