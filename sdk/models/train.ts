/**
 * Small, seeded float training and quantisation for the models we prove: written here because the models are tiny
 * (tens of weights) and must train the same way on every machine, with no native or Python dependency.
 */
import type { MlpModel } from "./mlp.js";

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
