/**
 * Small, seeded float training and quantisation for the models we prove: written here because the models are tiny
 * (tens of weights) and must train the same way on every machine, with no native or Python dependency.
 */
import type { MlpModel } from "../../lib/models/mlp.js";

/** A float two-layer perceptron: hidden ReLU, softmax output. */
export interface FloatMlp {
  w1: number[][];
  b1: number[];
  w2: number[][];
  b2: number[];
}

/** mulberry32: a small seeded generator, so training is reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Per-feature mean and standard deviation of `rows`, and the standardisation they define. */
export function fitStandardizer(rows: readonly number[][]): { mean: number[]; std: number[] } {
  const n = rows.length;
  const mean = rows[0].map((_, f) => rows.reduce((s, r) => s + r[f], 0) / n);
  const std = rows[0].map((_, f) => Math.sqrt(rows.reduce((s, r) => s + (r[f] - mean[f]) ** 2, 0) / n) || 1);
  return { mean, std };
}

/** (x - mean) / std, per feature. */
export function standardize(x: readonly number[], { mean, std }: { mean: number[]; std: number[] }): number[] {
  return x.map((v, f) => (v - mean[f]) / std[f]);
}

function forward(model: FloatMlp, x: readonly number[]) {
  const hidden = model.w1.map((row, j) =>
    Math.max(
      0,
      row.reduce((s, w, i) => s + w * x[i], model.b1[j]),
    ),
  );
  const logits = model.w2.map((row, k) => row.reduce((s, w, j) => s + w * hidden[j], model.b2[k]));
  const top = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return { hidden, logits, probabilities: exps.map((e) => e / total) };
}

/** The predicted class of a float model. */
export function predictFloat(model: FloatMlp, x: readonly number[]): number {
  const { logits } = forward(model, x);
  return logits.indexOf(Math.max(...logits));
}

/** Trains a float MLP by full-batch gradient descent on softmax cross-entropy. */
export function trainMlp(
  xs: readonly number[][],
  ys: readonly number[],
  sizes: [number, number, number],
  options: { epochs: number; learningRate: number; seed: number },
): FloatMlp {
  const [n0, n1, n2] = sizes;
  const random = seededRandom(options.seed);
  const init = (fanIn: number) => (random() * 2 - 1) * Math.sqrt(6 / fanIn);
  const model: FloatMlp = {
    w1: Array.from({ length: n1 }, () => Array.from({ length: n0 }, () => init(n0))),
    b1: new Array(n1).fill(0),
    w2: Array.from({ length: n2 }, () => Array.from({ length: n1 }, () => init(n1))),
    b2: new Array(n2).fill(0),
  };
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const g = {
      w1: model.w1.map((r) => r.map(() => 0)),
      b1: model.b1.map(() => 0),
      w2: model.w2.map((r) => r.map(() => 0)),
      b2: model.b2.map(() => 0),
    };
    xs.forEach((x, n) => {
      const { hidden, probabilities } = forward(model, x);
      const dLogits = probabilities.map((p, k) => p - (k === ys[n] ? 1 : 0));
      dLogits.forEach((d, k) => {
        g.b2[k] += d;
        hidden.forEach((h, j) => (g.w2[k][j] += d * h));
      });
      hidden.forEach((h, j) => {
        if (h <= 0) return;
        const d = dLogits.reduce((s, dk, k) => s + dk * model.w2[k][j], 0);
        g.b1[j] += d;
        x.forEach((xi, i) => (g.w1[j][i] += d * xi));
      });
    });
    const step = options.learningRate / xs.length;
    model.w1.forEach((r, j) => r.forEach((_, i) => (r[i] -= step * g.w1[j][i])));
    model.b1.forEach((_, j) => (model.b1[j] -= step * g.b1[j]));
    model.w2.forEach((r, k) => r.forEach((_, j) => (r[j] -= step * g.w2[k][j])));
    model.b2.forEach((_, k) => (model.b2[k] -= step * g.b2[k]));
  }
  return model;
}

/** A float logistic regression. */
export interface FloatLogistic {
  weights: number[];
  bias: number;
}

/** Trains a logistic regression (labels 0/1) by full-batch gradient descent on the log loss. */
export function trainLogistic(
  xs: readonly number[][],
  ys: readonly number[],
  options: { epochs: number; learningRate: number },
): FloatLogistic {
  const model: FloatLogistic = { weights: new Array(xs[0].length).fill(0), bias: 0 };
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const gradient = model.weights.map(() => 0);
    let biasGradient = 0;
    xs.forEach((x, n) => {
      const z = x.reduce((s, v, i) => s + v * model.weights[i], model.bias);
      const error = 1 / (1 + Math.exp(-z)) - ys[n];
      x.forEach((v, i) => (gradient[i] += error * v));
      biasGradient += error;
    });
    const step = options.learningRate / xs.length;
    model.weights = model.weights.map((w, i) => w - step * gradient[i]);
    model.bias -= step * biasGradient;
  }
  return model;
}

/** The class a float logistic model predicts (1 when the logit is not negative). */
export function predictLogistic(model: FloatLogistic, x: readonly number[]): number {
  return x.reduce((s, v, i) => s + v * model.weights[i], model.bias) >= 0 ? 1 : 0;
}

/** Rounds a float to fixed point at scale 2^bits. */
export function toFixed(value: number, bits: number): bigint {
  return BigInt(Math.round(value * 2 ** bits));
}

/** The fixed-point model of a float MLP: weights at 2^f, biases at 2^(2f). */
export function quantizeMlp(model: FloatMlp, name: string, fracBits: number, accumulatorBits: number): MlpModel {
  const q = (rows: number[][]) => rows.map((row) => row.map((w) => toFixed(w, fracBits)));
  return {
    name,
    sizes: [model.w1[0].length, model.w1.length, model.w2.length],
    w1: q(model.w1),
    b1: model.b1.map((b) => toFixed(b, 2 * fracBits)),
    w2: q(model.w2),
    b2: model.b2.map((b) => toFixed(b, 2 * fracBits)),
    fracBits,
    accumulatorBits,
  };
}

/** The shape of a tiny CNN: a single-channel size×size image, `channels` filters of kernel×kernel, `classes` outputs. */
export interface CnnShape {
  size: number;
  kernel: number;
  channels: number;
  classes: number;
}

/** A float tiny CNN: valid convolution + ReLU, then a dense layer to the class logits. */
export interface FloatCnn {
  filters: number[][][];
  filterBias: number[];
  dense: number[][];
  denseBias: number[];
}

function cnnForward(model: FloatCnn, image: readonly number[], shape: CnnShape) {
  const out = shape.size - shape.kernel + 1;
  const features: number[] = [];
  model.filters.forEach((filter, c) => {
    for (let y = 0; y < out; y++) {
      for (let x = 0; x < out; x++) {
        let sum = model.filterBias[c];
        for (let i = 0; i < shape.kernel; i++)
          for (let j = 0; j < shape.kernel; j++) sum += filter[i][j] * image[(y + i) * shape.size + x + j];
        features.push(Math.max(0, sum));
      }
    }
  });
  const logits = model.dense.map((row, k) => row.reduce((s, w, n) => s + w * features[n], model.denseBias[k]));
  return { features, logits };
}

/** The class a float CNN predicts. */
export function predictCnn(model: FloatCnn, image: readonly number[], shape: CnnShape): number {
  const { logits } = cnnForward(model, image, shape);
  return logits.indexOf(Math.max(...logits));
}

/** Trains a tiny CNN by full-batch gradient descent on softmax cross-entropy. */
export function trainCnn(
  images: readonly number[][],
  labels: readonly number[],
  shape: CnnShape,
  options: { epochs: number; learningRate: number; seed: number },
): FloatCnn {
  const { size, kernel, channels, classes } = shape;
  const out = size - kernel + 1;
  const featureCount = channels * out * out;
  const random = seededRandom(options.seed);
  const init = (fanIn: number) => (random() * 2 - 1) * Math.sqrt(6 / fanIn);
  const model: FloatCnn = {
    filters: Array.from({ length: channels }, () =>
      Array.from({ length: kernel }, () => Array.from({ length: kernel }, () => init(kernel * kernel))),
    ),
    filterBias: new Array(channels).fill(0),
    dense: Array.from({ length: classes }, () => Array.from({ length: featureCount }, () => init(featureCount))),
    denseBias: new Array(classes).fill(0),
  };
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const gFilters = model.filters.map((f) => f.map((row) => row.map(() => 0)));
    const gFilterBias = model.filterBias.map(() => 0);
    const gDense = model.dense.map((row) => row.map(() => 0));
    const gDenseBias = model.denseBias.map(() => 0);
    images.forEach((image, n) => {
      const { features, logits } = cnnForward(model, image, shape);
      const top = Math.max(...logits);
      const exps = logits.map((l) => Math.exp(l - top));
      const total = exps.reduce((a, b) => a + b, 0);
      const dLogits = exps.map((e, k) => e / total - (k === labels[n] ? 1 : 0));
      const dFeatures = new Array(featureCount).fill(0);
      dLogits.forEach((d, k) => {
        gDenseBias[k] += d;
        features.forEach((v, f) => {
          gDense[k][f] += d * v;
          dFeatures[f] += d * model.dense[k][f];
        });
      });
      for (let c = 0; c < channels; c++) {
        for (let y = 0; y < out; y++) {
          for (let x = 0; x < out; x++) {
            const f = (c * out + y) * out + x;
            if (features[f] <= 0) continue;
            gFilterBias[c] += dFeatures[f];
            for (let i = 0; i < kernel; i++)
              for (let j = 0; j < kernel; j++) gFilters[c][i][j] += dFeatures[f] * image[(y + i) * size + x + j];
          }
        }
      }
    });
    const step = options.learningRate / images.length;
    model.filters.forEach((f, c) => f.forEach((row, i) => row.forEach((_, j) => (row[j] -= step * gFilters[c][i][j]))));
    model.filterBias.forEach((_, c) => (model.filterBias[c] -= step * gFilterBias[c]));
    model.dense.forEach((row, k) => row.forEach((_, f) => (row[f] -= step * gDense[k][f])));
    model.denseBias.forEach((_, k) => (model.denseBias[k] -= step * gDenseBias[k]));
  }
  return model;
}

/**
 * A seeded synthetic data set of size×size grey images with one bar each: class 0 horizontal, 1 vertical,
 * 2 diagonal (either direction), at a random place and length, over uniform noise; pixels in [0, 1].
 */
export function barImages(count: number, size: number, seed: number): { images: number[][]; labels: number[] } {
  const random = seededRandom(seed);
  const images: number[][] = [];
  const labels: number[] = [];
  for (let n = 0; n < count; n++) {
    const label = n % 3;
    const image = Array.from({ length: size * size }, () => random() * 0.35);
    const length = 4 + Math.floor(random() * (size - 3));
    const start = Math.floor(random() * (size - length + 1));
    const line = Math.floor(random() * size);
    const flip = random() < 0.5;
    for (let t = start; t < start + length; t++) {
      const [y, x] = label === 0 ? [line, t] : label === 1 ? [t, line] : [t, flip ? size - 1 - t : t];
      image[y * size + x] = 0.75 + random() * 0.25;
    }
    images.push(image);
    labels.push(label);
  }
  return { images, labels };
}
