import type { CircuitInstance } from "../zk/circuits.js";

/** A linear model y = W·x + B in fixed point: x and W at 2^fracBits, B and y at 2^(2·fracBits). */
export interface LinearModel {
  name: string;
  weights: bigint[];
  bias: bigint;
  fracBits: number;
}

/** Inputs must stay below this magnitude, so products never approach the field size. */
export const MAX_INPUT_MAGNITUDE = 1n << 64n;

/** The linear model of circuit instance `instance` (a `LinearRegression` instance in circuits.json). */
export function linearModel(instance: CircuitInstance): LinearModel {
  const { name } = instance;
  if (instance.template !== "LinearRegression") {
    throw new Error(`circuit instance "${name}" is a ${instance.template}, not a LinearRegression`);
  }
  const [size, weights, bias] = instance.params as [number, number[], number];
  if (!Array.isArray(weights) || weights.length !== size) {
    throw new Error(`circuit instance "${name}" has ${weights?.length} weights for ${size} inputs`);
  }
  return { name, weights: weights.map(BigInt), bias: BigInt(bias), fracBits: instance.fracBits };
}

/**
 * The reference inference, bit-exact with the circuit: exact integer arithmetic, no rounding (the circuit computes
 * the same sum in the field, and |y| stays far below p/2 for inputs below `MAX_INPUT_MAGNITUDE`).
 */
export function inferLinear(model: LinearModel, input: readonly bigint[]): bigint {
  if (input.length !== model.weights.length) {
    throw new Error(`model ${model.name} takes ${model.weights.length} inputs, got ${input.length}`);
  }
  for (const [i, value] of input.entries()) {
    if (value >= MAX_INPUT_MAGNITUDE || -value >= MAX_INPUT_MAGNITUDE) {
      throw new RangeError(`input ${i} = ${value} is out of range (|x| < 2^64)`);
    }
  }
  return input.reduce((acc, value, i) => acc + model.weights[i] * value, model.bias);
}
