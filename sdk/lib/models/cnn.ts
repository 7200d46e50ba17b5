import type { CircuitInstance } from "../zk/circuits.js";
import { argmax, relu, rescale } from "./fixedPoint.js";

/**
 * A tiny CNN in fixed point (circuit template `Cnn`): a single-channel size×size image, `filters` K×K (valid,
 * stride 1) with ReLU, a dense layer to the class logits, argmax. Scale 2^fracBits; biases at 2^(2·fracBits).
 */
export interface CnnModel {
  name: string;
  size: number;
  kernel: number;
  filters: bigint[][][];
  filterBias: bigint[];
  dense: bigint[][];
  denseBias: bigint[];
  fracBits: number;
  accumulatorBits: number;
}

/** The CNN of circuit instance `instance`. */
export function cnnModel(instance: CircuitInstance): CnnModel {
  const { name } = instance;
  if (instance.template !== "Cnn") throw new Error(`circuit instance "${name}" is a ${instance.template}, not a Cnn`);
  const [size, kernel, , , filters, filterBias, dense, denseBias, fracBits, accumulatorBits] = instance.params as [
    number,
    number,
    number,
    number,
    number[][][],
    number[],
    number[][],
    number[],
    number,
    number,
  ];
  return {
    name,
    size,
    kernel,
    filters: filters.map((f) => f.map((row) => row.map(BigInt))),
    filterBias: filterBias.map(BigInt),
    dense: dense.map((row) => row.map(BigInt)),
    denseBias: denseBias.map(BigInt),
    fracBits,
    accumulatorBits,
  };
}

/** The convolution features (after rescale and ReLU), in the circuit's order: channel, row, column. */
export function cnnFeatures(model: CnnModel, image: readonly bigint[]): bigint[] {
  const { size, kernel, fracBits: f, accumulatorBits: acc } = model;
  if (image.length !== size * size)
    throw new Error(`model ${model.name} takes ${size * size} pixels, got ${image.length}`);
  const out = size - kernel + 1;
  const features: bigint[] = [];
  model.filters.forEach((filter, c) => {
    for (let y = 0; y < out; y++) {
      for (let x = 0; x < out; x++) {
        let sum = model.filterBias[c];
        for (let i = 0; i < kernel; i++)
          for (let j = 0; j < kernel; j++) sum += filter[i][j] * image[(y + i) * size + x + j];
        features.push(relu(rescale(sum, acc, f), acc - f));
      }
    }
  });
  return features;
}

/** The reference inference, bit-exact with the circuit: class, logits and the output vector [class, ...logits]. */
export function inferCnn(
  model: CnnModel,
  image: readonly bigint[],
): { class: number; logits: bigint[]; vector: bigint[] } {
  const features = cnnFeatures(model, image);
  const { fracBits: f, accumulatorBits: acc } = model;
  const logits = model.dense.map((row, k) =>
    rescale(
      row.reduce((s, w, n) => s + w * features[n], model.denseBias[k]),
      acc,
      f,
    ),
  );
  const { index } = argmax(logits, acc - f);
  return { class: index, logits, vector: [BigInt(index), ...logits] };
}
