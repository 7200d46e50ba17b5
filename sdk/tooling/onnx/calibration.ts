import { forwardFloat, standardizeInput, type Network } from "./network.js";
import { matchTemplate, quantizeNetwork, type FixedPointModel, type InstanceDetails } from "./templates.js";

/** How to choose the fixed-point scale of an imported network. */
export interface CalibrationOptions {
  /** Float inputs (flat, channel first) the scale must serve: every accumulator on them must fit. */
  samples: readonly (readonly number[])[];
  /** Signed accumulator width of the rescaling templates (default 32, as the project's models). */
  accumulatorBits?: number;
  /** The largest fraction width tried (default 16). */
  maxFracBits?: number;
  /** Spare bits of headroom over the largest accumulator seen, for inputs beyond the samples (default 1). */
  marginBits?: number;
  /** Use this fraction width instead of searching (still checked on the samples). */
  fracBits?: number;
}

/** The chosen scale and why. */
export interface Calibration {
  fracBits: number;
  accumulatorBits: number;
  /** "exact": the weights are already fixed point at 2^fracBits; "range": the widest that fits; "given". */
  reason: "exact" | "range" | "given";
  /** The largest |pre-activation| of any dense or convolution layer on the samples (float units). */
  peak: number;
  /** Bits to spare at that peak: accumulatorBits - 1 - log2(peak · 2^(2·fracBits)) (Infinity for linear models). */
  headroomBits: number;
  samples: number;
}

/** The smallest F at which every weight is a multiple of 2^-F and every bias of 2^-2F, if F ≤ max. */
export function exactFracBits(network: Network, max: number): number | undefined {
  const weights: number[] = [];
  const biases: number[] = [];
  for (const layer of network.layers) {
    if (layer.op === "dense") {
      weights.push(...layer.weights.flat());
      biases.push(...layer.bias);
    } else if (layer.op === "conv") {
      weights.push(...layer.filters.flat(3));
      biases.push(...layer.bias);
    }
  }
  for (let f = 0; f <= max; f++) {
    if (weights.every((w) => Number.isInteger(w * 2 ** f)) && biases.every((b) => Number.isInteger(b * 2 ** (2 * f))))
      return f;
  }
  return undefined;
}

/**
 * Chooses the fixed-point scale of `network` on sample inputs and returns its circuit instance: the fraction width F
 * is the widest (most precise) at which every accumulator seen on the samples, with `marginBits` to spare, fits in
 * signed `accumulatorBits` bits, unless the weights are already fixed point at some F that fits (then that F, so an
 * already-quantised model imports losslessly). The chosen instance's reference inference is then run on every sample,
 * so a scale whose circuit would have no witness on a sample is never returned.
 */
export function calibrate(
  network: Network,
  details: InstanceDetails,
  options: CalibrationOptions,
): { model: FixedPointModel; calibration: Calibration } {
  const template = matchTemplate(network, details.prefer);
  const sigmoid = network.layers.some((l) => l.op === "sigmoid" || l.op === "hardSigmoid");
  const acc = options.accumulatorBits ?? 32;
  const maxF = options.maxFracBits ?? 16;
  const margin = options.marginBits ?? 1;
  if (options.samples.length === 0) throw new Error("calibration needs at least one sample input");
  if (!Number.isInteger(acc) || acc < 8 || acc > 250) throw new Error(`accumulatorBits = ${acc}: use 8..250`);
  if (!Number.isInteger(maxF) || maxF < 1 || maxF > 40) throw new Error(`maxFracBits = ${maxF}: use 1..40`);

  let peak = 0;
  let inputPeak = 0;
  for (const sample of options.samples) {
    const trace = forwardFloat(network, sample);
    network.layers.forEach((layer, i) => {
      if (layer.op === "dense" || layer.op === "conv") peak = Math.max(peak, trace.peaks[i]);
    });
    const standardized = standardizeInput(sample, network.preprocessing?.standardize);
    inputPeak = standardized.reduce((m, v) => Math.max(m, Math.abs(v)), inputPeak);
  }
  const linear = template === "LinearRegression";
  const headroom = (f: number) =>
    linear ? Infinity : acc - 1 - Math.log2(Math.max(peak, 2 ** -(2 * f)) * 2 ** (2 * f));
  const fits = (f: number): boolean => {
    // LinearRegression never rescales: its only bound is the reference's |x| < 2^64 on inputs.
    if (linear) return Math.log2(Math.max(inputPeak, 1e-300)) + f + margin < 63;
    if (headroom(f) < margin) return false;
    // HardSigmoid(ACC - F, F) needs F + 3 < ACC - F.
    if (sigmoid && !(f + 3 < acc - f)) return false;
    const model = quantizeNetwork(network, f, acc, details);
    try {
      for (const sample of options.samples) model.infer(model.input(sample));
      return true;
    } catch (error) {
      if (error instanceof RangeError) return false;
      throw error;
    }
  };
  const done = (fracBits: number, reason: Calibration["reason"]) => ({
    model: quantizeNetwork(network, fracBits, acc, details),
    calibration: {
      fracBits,
      accumulatorBits: acc,
      reason,
      peak,
      headroomBits: headroom(fracBits),
      samples: options.samples.length,
    },
  });

  if (options.fracBits !== undefined) {
    if (!fits(options.fracBits))
      throw new Error(`fracBits = ${options.fracBits} overflows ${acc}-bit accumulators on the calibration samples`);
    return done(options.fracBits, "given");
  }
  const exact = exactFracBits(network, maxF);
  if (exact !== undefined && exact > 0 && fits(exact)) return done(exact, "exact");
  for (let f = maxF; f >= 1; f--) if (fits(f)) return done(f, "range");
  throw new Error(
    `no fixed-point scale fits: the largest accumulator on the samples (${peak.toPrecision(4)}) overflows ` +
      `${acc}-bit accumulators even at 2^1; raise accumulatorBits`,
  );
}

/** A float input (already standardised, if the model standardises) at scale 2^fracBits, as the circuit takes it. */
export function quantizeInput(input: readonly number[], fracBits: number): bigint[] {
  return input.map((v) => BigInt(Math.round(v * 2 ** fracBits)));
}
