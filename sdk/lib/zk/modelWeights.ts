import type { CircuitInstance } from "./circuits.js";
import { toField } from "./field.js";
import { hashVector } from "./poseidon.js";

/** Witness inputs of a private-weights circuit: weight signal name → values, as decimal field elements. */
export type WeightsWitness = Record<string, string | string[] | string[][] | string[][][]>;

/** A model's weights in the two forms the ZK tier needs them. */
export interface ModelWeights {
  /** Every weight and bias in the canonical order the circuits commit to (matrices row by row). */
  vector: bigint[];
  /** The weight signals of the model's private-weights circuit. */
  witness: WeightsWitness;
}

const toFieldString = (value: number | bigint) => toField(BigInt(value)).toString();
const row = (values: readonly number[]) => values.map(toFieldString);

/**
 * The weights of public-weights circuit instance `instance` (a model trained into circuits.json), in the order the
 * private-weights templates hash them: LinearRegression and LogisticRegression W ‖ B; Mlp W1 ‖ B1 ‖ W2 ‖ B2; Cnn
 * filters ‖ filter biases ‖ dense weights ‖ dense biases (every array row by row).
 */
export function modelWeights(instance: CircuitInstance): ModelWeights {
  const p = instance.params as unknown[];
  switch (instance.template) {
    case "LinearRegression":
    case "LogisticRegression": {
      const [w, b] = [p[1] as number[], p[2] as number];
      return { vector: [...w, b].map(BigInt), witness: { w: row(w), b: toFieldString(b) } };
    }
    case "Mlp": {
      const [w1, b1, w2, b2] = [p[3] as number[][], p[4] as number[], p[5] as number[][], p[6] as number[]];
      return {
        vector: [...w1.flat(), ...b1, ...w2.flat(), ...b2].map(BigInt),
        witness: { w1: w1.map(row), b1: row(b1), w2: w2.map(row), b2: row(b2) },
      };
    }
    case "Cnn": {
      const [filters, filterBias, dense, denseBias] = [
        p[4] as number[][][],
        p[5] as number[],
        p[6] as number[][],
        p[7] as number[],
      ];
      return {
        vector: [...filters.flat(2), ...filterBias, ...dense.flat(), ...denseBias].map(BigInt),
        witness: {
          filters: filters.map((filter) => filter.map(row)),
          filterBias: row(filterBias),
          dense: dense.map(row),
          denseBias: row(denseBias),
        },
      };
    }
    default:
      throw new Error(`circuit instance "${instance.name}" (${instance.template}) has no private-weights form yet`);
  }
}

/**
 * The Poseidon weights commitment of a model, as the ModelRegistry stores it and its private-weights circuit
 * outputs it: `hashVector` of the canonical weights vector of public-weights instance `instance`.
 */
export function weightsCommitment(instance: CircuitInstance): bigint {
  if (instance.weightsOf !== undefined) {
    throw new Error(
      `circuit instance "${instance.name}" has private weights: commit to those of "${instance.weightsOf}" (or to the weights you prove with)`,
    );
  }
  return hashVector(modelWeights(instance).vector);
}
