/** Seeded float networks and inputs for the ONNX import tests: weights that are not fixed point at any small scale. */
import { seededRandom } from "../../../../sdk/tooling/models/train.js";
import type { Network } from "../../../../sdk/tooling/index.js";

/** `count` float input vectors of `size` values in (-range, range). */
export function floatInputs(count: number, size: number, seed: number, range: number): number[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Array.from({ length: size }, () => (random() * 2 - 1) * range));
}

/** A seeded matrix generator: values in (-scale, scale). */
function matrices(seed: number, scale: number) {
  const random = seededRandom(seed);
  return (rows: number, cols: number) =>
    Array.from({ length: rows }, () => Array.from({ length: cols }, () => (random() * 2 - 1) * scale));
}

/** A float sizes[0]-sizes[1]-sizes[2] MLP with one hidden ReLU layer and a Softmax head. */
export function floatMlp(sizes: [number, number, number], seed: number, scale = 1.3): Network {
  const matrix = matrices(seed, scale);
  return {
    inputShape: [sizes[0]],
    layers: [
      { op: "dense", weights: matrix(sizes[1], sizes[0]), bias: matrix(1, sizes[1])[0] },
      { op: "relu" },
      { op: "dense", weights: matrix(sizes[2], sizes[1]), bias: matrix(1, sizes[2])[0] },
    ],
    head: "softmax",
  };
}

/** A float 4-6-5-3 MLP with two hidden ReLU layers and a Softmax head. */
export function floatDeepMlp(seed: number): Network {
  const matrix = matrices(seed, 1.2);
  return {
    inputShape: [4],
    layers: [
      { op: "dense", weights: matrix(6, 4), bias: matrix(1, 6)[0] },
      { op: "relu" },
      { op: "dense", weights: matrix(5, 6), bias: matrix(1, 5)[0] },
      { op: "relu" },
      { op: "dense", weights: matrix(3, 5), bias: matrix(1, 3)[0] },
    ],
    head: "softmax",
  };
}
