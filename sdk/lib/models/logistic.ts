import type { CircuitInstance } from "../zk/circuits.js";
import { hardSigmoid, rescale } from "./fixedPoint.js";

/** Logistic regression in fixed point (circuit template `LogisticRegression`): x, W at 2^f, bias at 2^(2f). */
export interface LogisticModel {
  name: string;
  weights: bigint[];
  bias: bigint;
  fracBits: number;
  accumulatorBits: number;
}

/** The logistic model of circuit instance `instance`. */
export function logisticModel(instance: CircuitInstance): LogisticModel {
  const { name } = instance;
  if (instance.template !== "LogisticRegression") {
    throw new Error(`circuit instance "${name}" is a ${instance.template}, not a LogisticRegression`);
  }
  const [size, weights, bias, fracBits, accumulatorBits] = instance.params as [
    number,
    number[],
    number,
    number,
    number,
  ];
  if (weights.length !== size)
    throw new Error(`circuit instance "${name}" has ${weights.length} weights for ${size} inputs`);
  return { name, weights: weights.map(BigInt), bias: BigInt(bias), fracBits, accumulatorBits };
}

/**
 * The reference inference, bit-exact with the circuit: the probability of the positive class at scale 2^f (a hard
 * sigmoid of the rescaled logit), as the one-element output vector the circuit hashes.
 */
export function inferLogistic(model: LogisticModel, input: readonly bigint[]): bigint[] {
  if (input.length !== model.weights.length) {
    throw new Error(`model ${model.name} takes ${model.weights.length} inputs, got ${input.length}`);
  }
  const { fracBits: f, accumulatorBits: acc } = model;
  const logit = input.reduce((sum, x, i) => sum + model.weights[i] * x, model.bias);
  return [hardSigmoid(rescale(logit, acc, f), acc - f, f)];
}
