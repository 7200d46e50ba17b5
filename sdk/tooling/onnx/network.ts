/**
 * A float feed-forward network as a list of layers: the form the ONNX importer reads a graph into and the exporter
 * writes a graph from. It covers exactly what the circuit templates can prove (dense, small valid convolutions,
 * ReLU, sigmoid, flatten, and a softmax or argmax head).
 */

/** y = W·x + b, W as [outputs][inputs]. */
export interface DenseLayer {
  op: "dense";
  weights: number[][];
  bias: number[];
}

/** A valid (no padding), stride-1, square convolution: filters as [out channel][in channel][row][column]. */
export interface ConvLayer {
  op: "conv";
  filters: number[][][][];
  bias: number[];
}

/**
 * An element-wise activation. `hardSigmoid` is clamp(x/4 + 1/2, 0, 1), the one the circuits prove; `sigmoid` is the
 * exact logistic function, which the circuits approximate by `hardSigmoid`.
 */
export interface ActivationLayer {
  op: "relu" | "sigmoid" | "hardSigmoid";
}

/** Reshapes [C, H, W] activations into a vector, channel first (ONNX Flatten of NCHW with axis 1). */
export interface FlattenLayer {
  op: "flatten";
}

export type Layer = DenseLayer | ConvLayer | ActivationLayer | FlattenLayer;

/** What follows the last layer: nothing, the class (argmax), or the class probabilities (softmax). */
export type Head = "none" | "argmax" | "softmax";

/**
 * Standardisation of the raw input, (x - mean) / std per value, done before the circuit (as the project's Iris
 * instances record under `preprocessing` in circuits.json): the circuit takes the standardised input.
 */
export interface Standardize {
  mean: number[];
  std: number[];
}

/** A network with one input: a vector [n] or a channel-first image [channels, size, size]. */
export interface Network {
  inputShape: number[];
  layers: Layer[];
  head: Head;
  /** Read from leading Sub/Div nodes of the graph; applied outside the circuit. */
  preprocessing?: { standardize: Standardize };
}

/** (x - mean) / std per value, or x without a standardisation. */
export function standardizeInput(input: readonly number[], standardize: Standardize | undefined): number[] {
  if (standardize === undefined) return [...input];
  if (standardize.mean.length !== input.length || standardize.std.length !== input.length)
    throw new Error(`standardisation of ${standardize.mean.length} values for an input of ${input.length}`);
  return input.map((v, i) => (v - standardize.mean[i]) / standardize.std[i]);
}

/** The operators of a network, joined for messages (e.g. "dense → relu → dense"). */
export function describeLayers(network: Network): string {
  return [...network.layers.map((l) => l.op), ...(network.head === "none" ? [] : [network.head])].join(" → ");
}

/** The exact logistic function. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** clamp(x/4 + 1/2, 0, 1): the piecewise-linear sigmoid the circuits prove. */
export function hardSigmoidFloat(x: number): number {
  return Math.min(1, Math.max(0, x / 4 + 0.5));
}

/** A float forward pass and the largest magnitude seen before each activation (for calibration). */
export interface FloatTrace {
  /** The network's output vector before the head (logits, or the single regression/probability value). */
  output: number[];
  /** Per layer, the largest |value| of its output. */
  peaks: number[];
}

function convolve(layer: ConvLayer, input: number[], shape: number[]): { out: number[]; shape: number[] } {
  const [channels, size] = [shape[0], shape[1]];
  const kernel = layer.filters[0][0].length;
  const side = size - kernel + 1;
  const out: number[] = [];
  layer.filters.forEach((filter, c) => {
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        let sum = layer.bias[c];
        for (let ch = 0; ch < channels; ch++)
          for (let i = 0; i < kernel; i++)
            for (let j = 0; j < kernel; j++) sum += filter[ch][i][j] * input[(ch * size + y + i) * size + x + j];
        out.push(sum);
      }
    }
  });
  return { out, shape: [layer.filters.length, side, side] };
}

/** Runs `network` in float64 on a flat input (row-major, channel first), returning its output and layer peaks. */
export function forwardFloat(network: Network, input: readonly number[]): FloatTrace {
  const expected = network.inputShape.reduce((a, b) => a * b, 1);
  if (input.length !== expected) throw new Error(`the network takes ${expected} values, got ${input.length}`);
  let values = standardizeInput(input, network.preprocessing?.standardize);
  let shape = [...network.inputShape];
  const peaks: number[] = [];
  for (const layer of network.layers) {
    switch (layer.op) {
      case "dense":
        values = layer.weights.map((row, j) => row.reduce((s, w, i) => s + w * values[i], layer.bias[j]));
        shape = [values.length];
        break;
      case "conv":
        ({ out: values, shape } = convolve(layer, values, shape));
        break;
      case "relu":
        values = values.map((v) => Math.max(0, v));
        break;
      case "sigmoid":
        values = values.map(sigmoid);
        break;
      case "hardSigmoid":
        values = values.map(hardSigmoidFloat);
        break;
      case "flatten":
        shape = [values.length];
        break;
    }
    peaks.push(values.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
  }
  return { output: values, peaks };
}

/** softmax(v), computed stably. */
export function softmax(values: readonly number[]): number[] {
  const top = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

/** The first index of the maximum. */
export function argmaxFloat(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
