import { cnnModel, inferCnn } from "../models/cnn.js";
import { inferLinear, linearModel } from "../models/linear.js";
import { inferLogistic, logisticModel } from "../models/logistic.js";
import { inferMlp, mlpModel } from "../models/mlp.js";
import type { Inference } from "../settlement/fulfil.js";
import { inputLength, type CircuitInstance } from "../zk/circuits.js";

/**
 * Inputs a gateway accepts before payment: fixed-point integers below 2^48 in magnitude. A model may still refuse an
 * input inside this bound (its reference inference throws where the circuit's range checks have no witness); the
 * gateway then answers 400 and the payment is not settled.
 */
export const MAX_GATEWAY_INPUT_MAGNITUDE = 1n << 48n;

/** A model the gateway can run: its circuit instance, input length and TypeScript reference inference. */
export interface ServedModel {
  circuit: string;
  inputSize: number;
  infer: Inference;
}

/** The reference inference of a circuits.json instance, whatever its template (bit-exact with the circuit). */
export function servedModel(instance: CircuitInstance): ServedModel {
  const circuit = instance.name;
  const inputSize = inputLength(instance);
  switch (instance.template) {
    case "LinearRegression": {
      const model = linearModel(instance);
      return { circuit, inputSize, infer: (input) => [inferLinear(model, input)] };
    }
    case "Mlp": {
      const model = mlpModel(instance);
      return { circuit, inputSize, infer: (input) => inferMlp(model, input).vector };
    }
    case "LogisticRegression": {
      const model = logisticModel(instance);
      return { circuit, inputSize, infer: (input) => inferLogistic(model, input) };
    }
    case "Cnn": {
      const model = cnnModel(instance);
      return { circuit, inputSize, infer: (input) => inferCnn(model, input).vector };
    }
    default:
      throw new Error(
        `circuit instance "${circuit}" has template ${instance.template}, which has no reference inference`,
      );
  }
}

/**
 * Parses a request's JSON input into fixed-point integers: an array of `size` integers (JSON numbers that are safe
 * integers, or decimal strings), each below `MAX_GATEWAY_INPUT_MAGNITUDE` in magnitude. Throws a message fit for a
 * 400 answer.
 */
export function parseModelInput(value: unknown, size: number): bigint[] {
  if (!Array.isArray(value)) throw new Error(`"input" must be an array of ${size} integers`);
  if (value.length !== size) throw new Error(`"input" must have ${size} values, got ${value.length}`);
  return value.map((entry, i) => {
    let parsed: bigint;
    if (typeof entry === "number" && Number.isSafeInteger(entry)) parsed = BigInt(entry);
    else if (typeof entry === "string" && /^-?[0-9]{1,20}$/.test(entry)) parsed = BigInt(entry);
    else
      throw new Error(
        `input[${i}] must be an integer (a safe JSON number or a decimal string), got ${JSON.stringify(entry)}`,
      );
    if (parsed >= MAX_GATEWAY_INPUT_MAGNITUDE || -parsed >= MAX_GATEWAY_INPUT_MAGNITUDE) {
      throw new Error(`input[${i}] = ${parsed} is out of range (|x| < 2^48)`);
    }
    return parsed;
  });
}
