import type { CircuitInstance } from "../../lib/zk/circuits.js";

/** The private-weights templates (circuits/models/*_private.circom) of the fixed templates that have one. */
const PRIVATE_TEMPLATES: Record<string, { file: string; template: string; params: (p: unknown[]) => unknown[] }> = {
  LinearRegression: {
    file: "models/linear_regression_private.circom",
    template: "LinearRegressionPrivate",
    params: (p) => [p[0]],
  },
  LogisticRegression: {
    file: "models/logistic_regression_private.circom",
    template: "LogisticRegressionPrivate",
    params: (p) => [p[0], p[3], p[4]],
  },
  Mlp: {
    file: "models/mlp_private.circom",
    template: "MlpPrivate",
    params: (p) => [p[0], p[1], p[2], p[7], p[8]],
  },
  Cnn: {
    file: "models/cnn_private.circom",
    template: "CnnPrivate",
    params: (p) => [p[0], p[1], p[2], p[3], p[8], p[9]],
  },
};

/**
 * The private-weights instance of an imported public-weights instance: the same shapes and fixed point on the
 * template whose weights are private inputs committed by a public `weightsHash` (the project's private-weights mode),
 * with `weightsOf` naming the public instance that holds the weights. LinearRegression, LogisticRegression, Mlp and
 * Cnn have a private-weights template; anything else (a composed circuit) is refused.
 */
export function privateWeightsInstance(instance: CircuitInstance, name = `${instance.name}_private`): CircuitInstance {
  const target = PRIVATE_TEMPLATES[instance.template];
  if (target === undefined)
    throw new Error(
      `no private-weights template for ${instance.template} (instance "${instance.name}"); ` +
        `there is one for ${Object.keys(PRIVATE_TEMPLATES).join(", ")}`,
    );
  return {
    name,
    file: target.file,
    template: target.template,
    params: target.params(instance.params),
    pubs: [...instance.pubs],
    fracBits: instance.fracBits,
    weightsOf: instance.name,
    description: `${instance.name} with private weights, committed by the public signal weightsHash`,
  };
}
