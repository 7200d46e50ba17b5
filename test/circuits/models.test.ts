import { readFileSync } from "node:fs";

import { expect } from "chai";
import { WitnessCalculatorBuilder } from "circom_runtime";

import { inferCnn, cnnModel } from "../../sdk/lib/models/cnn.js";
import { inferLinear, linearModel, type LinearModel } from "../../sdk/lib/models/linear.js";
import { inferLogistic, logisticModel } from "../../sdk/lib/models/logistic.js";
import { inferMlp, mlpModel } from "../../sdk/lib/models/mlp.js";
import { barImages, seededRandom } from "../../sdk/tooling/models/train.js";
import { toField } from "../../sdk/lib/zk/field.js";
import { modelWeights, type WeightsWitness } from "../../sdk/lib/zk/modelWeights.js";
import { hashVector } from "../../sdk/lib/zk/poseidon.js";
import type { CircuitInstance } from "../../sdk/lib/zk/circuits.js";
import { circuitArtifacts, loadCircuitInstance, trainedWeightsCommitment } from "../../sdk/tooling/zk/circuitFiles.js";

/** Runs a circuit's witness generator in-process, reusing one WebAssembly instance (fast enough for thousands). */
async function witnessGenerator(name: string) {
  const calculator = await WitnessCalculatorBuilder(readFileSync(circuitArtifacts(name).wasm));
  return async (x: readonly bigint[], requestId: bigint, weights: WeightsWitness = {}): Promise<bigint[]> =>
    calculator.calculateWitness(
      { x: x.map((v) => toField(v).toString()), ...weights, requestId: requestId.toString() },
      true,
    );
}

/** Signed fixed-point inputs: mostly typical magnitudes (|v| < 2^11, standardised features at 2^8), some large. */
function randomInputs(count: number, size: number, seed: number, large: number): bigint[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () =>
    Array.from({ length: size }, () => {
      const magnitude = random() < 0.9 ? 2 ** 11 : large;
      return BigInt(Math.floor((random() * 2 - 1) * magnitude));
    }),
  );
}

const SAMPLES = 1000;

describe("model circuits are bit-exact with their TypeScript reference", function () {
  it(`Linear_4 on ${SAMPLES} seeded random inputs`, async function () {
    const model = linearModel(loadCircuitInstance("Linear_4"));
    const generate = await witnessGenerator("Linear_4");
    for (const [i, x] of randomInputs(SAMPLES, 4, 1, 2 ** 40).entries()) {
      const witness = await generate(x, BigInt(i));
      expect([witness[1], witness[2], witness[3]]).to.deep.equal([
        hashVector(x),
        hashVector([inferLinear(model, x)]),
        BigInt(i),
      ]);
    }
  });

  it(`Mlp_4-8-3 on ${SAMPLES} seeded random inputs, every class reached`, async function () {
    const model = mlpModel(loadCircuitInstance("Mlp_4-8-3"));
    const generate = await witnessGenerator("Mlp_4-8-3");
    const classes = new Set<number>();
    for (const [i, x] of randomInputs(SAMPLES, 4, 2, 2 ** 14).entries()) {
      const output = inferMlp(model, x);
      classes.add(output.class);
      const witness = await generate(x, BigInt(i));
      expect([witness[1], witness[2], witness[3]]).to.deep.equal([hashVector(x), hashVector(output.vector), BigInt(i)]);
    }
    expect([...classes].sort()).to.deep.equal([0, 1, 2]);
  });

  it(`Logistic_4 on ${SAMPLES} seeded random inputs, both saturations and the slope reached`, async function () {
    const model = logisticModel(loadCircuitInstance("Logistic_4"));
    const generate = await witnessGenerator("Logistic_4");
    const top = 1n << BigInt(model.fracBits);
    const seen = { zero: false, one: false, between: false };
    for (const [i, x] of randomInputs(SAMPLES, 4, 3, 2 ** 14).entries()) {
      const output = inferLogistic(model, x);
      seen.zero ||= output[0] === 0n;
      seen.one ||= output[0] === top;
      seen.between ||= output[0] > 0n && output[0] < top;
      const witness = await generate(x, BigInt(i));
      expect([witness[1], witness[2], witness[3]]).to.deep.equal([hashVector(x), hashVector(output), BigInt(i)]);
    }
    expect(seen).to.deep.equal({ zero: true, one: true, between: true });
  });

  it(`Cnn_8x8-2c3-3 on ${SAMPLES} inputs (bar images and noise), every class reached`, async function () {
    const model = cnnModel(loadCircuitInstance("Cnn_8x8-2c3-3"));
    const generate = await witnessGenerator("Cnn_8x8-2c3-3");
    const bars = barImages(SAMPLES / 2, 8, 99).images.map((image) => image.map((v) => BigInt(Math.round(v * 256))));
    const noise = randomInputs(SAMPLES / 2, 64, 4, 2 ** 14);
    const classes = new Set<number>();
    for (const [i, x] of [...bars, ...noise].entries()) {
      const output = inferCnn(model, x);
      classes.add(output.class);
      const witness = await generate(x, BigInt(i));
      expect([witness[1], witness[2], witness[3]]).to.deep.equal([hashVector(x), hashVector(output.vector), BigInt(i)]);
    }
    expect([...classes].sort()).to.deep.equal([0, 1, 2]);
  });

  describe("private-weights circuits (weights as private inputs, their commitment a public signal)", function () {
    /** Field-element strings of a signed weight vector or matrix, as the witness takes them. */
    const asWitness = (values: bigint[]) => values.map((v) => toField(v).toString());

    /** Every tenth sample runs on perturbed weights (hashing new weights in TypeScript is what costs here). */
    const perturbs = (i: number) => i % 10 === 9;

    /** A copy of a model's weights perturbed by a seeded random amount, to show the circuit follows any weights. */
    function perturbed(values: bigint[], random: () => number): bigint[] {
      return values.map((v) => v + BigInt(Math.floor((random() * 2 - 1) * 64)));
    }

    /**
     * Linear and logistic regression share one weights layout (w, b) and one check: the private-weights circuit of
     * model `name` against the TypeScript reference `infer`, on `randomInputs(SAMPLES, 4, inputSeed, large)`;
     * `weightsSeed` draws the perturbations.
     */
    function regressionFollowsAnyWeights<M extends LinearModel>(
      name: string,
      load: (instance: CircuitInstance) => M,
      infer: (model: M, input: bigint[]) => bigint[],
      weightsSeed: number,
      [inputSeed, large]: [number, number],
    ) {
      const circuit = name.replace("_", "Private_");
      it(`${circuit} on ${SAMPLES} inputs: the trained weights and, every tenth, perturbed ones`, async function () {
        const trained = load(loadCircuitInstance(name));
        const trainedCommitment = trainedWeightsCommitment(name);
        const generate = await witnessGenerator(circuit);
        const random = seededRandom(weightsSeed);
        for (const [i, x] of randomInputs(SAMPLES, 4, inputSeed, large).entries()) {
          const model = !perturbs(i) ? trained : { ...trained, weights: perturbed(trained.weights, random) };
          const weights = { w: asWitness(model.weights), b: toField(model.bias).toString() };
          const witness = await generate(x, BigInt(i), weights);
          expect(witness.slice(1, 5)).to.deep.equal([
            hashVector(x),
            hashVector(infer(model, x)),
            model === trained ? trainedCommitment : hashVector([...model.weights, model.bias]),
            BigInt(i),
          ]);
        }
      });
    }
    regressionFollowsAnyWeights("Linear_4", linearModel, (model, x) => [inferLinear(model, x)], 11, [5, 2 ** 40]);
    regressionFollowsAnyWeights("Logistic_4", logisticModel, inferLogistic, 12, [6, 2 ** 14]);

    it(`MlpPrivate_4-8-3 on ${SAMPLES} inputs: the trained weights and, every tenth, perturbed ones, every class reached`, async function () {
      const trained = mlpModel(loadCircuitInstance("Mlp_4-8-3"));
      const trainedCommitment = trainedWeightsCommitment("Mlp_4-8-3");
      const generate = await witnessGenerator("MlpPrivate_4-8-3");
      const random = seededRandom(13);
      const classes = new Set<number>();
      for (const [i, x] of randomInputs(SAMPLES, 4, 7, 2 ** 14).entries()) {
        const model = !perturbs(i)
          ? trained
          : { ...trained, w1: trained.w1.map((row) => perturbed(row, random)), b2: perturbed(trained.b2, random) };
        const output = inferMlp(model, x);
        classes.add(output.class);
        const weights = {
          w1: model.w1.map(asWitness),
          b1: asWitness(model.b1),
          w2: model.w2.map(asWitness),
          b2: asWitness(model.b2),
        };
        const witness = await generate(x, BigInt(i), weights);
        expect(witness.slice(1, 5)).to.deep.equal([
          hashVector(x),
          hashVector(output.vector),
          model === trained
            ? trainedCommitment
            : hashVector([...model.w1.flat(), ...model.b1, ...model.w2.flat(), ...model.b2]),
          BigInt(i),
        ]);
      }
      expect([...classes].sort()).to.deep.equal([0, 1, 2]);
    });

    it(`CnnPrivate_8x8-2c3-3 on ${SAMPLES} inputs (bar images and noise): the trained weights and, every tenth, perturbed ones`, async function () {
      // 1,000 witnesses of an 18k-constraint circuit: about 2 minutes on this machine's 2 cores.
      this.timeout(600_000);
      const trained = cnnModel(loadCircuitInstance("Cnn_8x8-2c3-3"));
      const trainedCommitment = trainedWeightsCommitment("Cnn_8x8-2c3-3");
      const generate = await witnessGenerator("CnnPrivate_8x8-2c3-3");
      const random = seededRandom(14);
      const bars = barImages(SAMPLES / 2, 8, 98).images.map((image) => image.map((v) => BigInt(Math.round(v * 256))));
      const noise = randomInputs(SAMPLES / 2, 64, 8, 2 ** 14);
      const classes = new Set<number>();
      for (const [i, x] of [...bars, ...noise].entries()) {
        const model = !perturbs(i)
          ? trained
          : { ...trained, dense: trained.dense.map((row) => perturbed(row, random)) };
        const output = inferCnn(model, x);
        classes.add(output.class);
        const weights = {
          filters: model.filters.map((filter) => filter.map(asWitness)),
          filterBias: asWitness(model.filterBias),
          dense: model.dense.map(asWitness),
          denseBias: asWitness(model.denseBias),
        };
        const witness = await generate(x, BigInt(i), weights);
        expect(witness.slice(1, 5)).to.deep.equal([
          hashVector(x),
          hashVector(output.vector),
          model === trained
            ? trainedCommitment
            : hashVector([...model.filters.flat(2), ...model.filterBias, ...model.dense.flat(), ...model.denseBias]),
          BigInt(i),
        ]);
      }
      expect([...classes].sort()).to.deep.equal([0, 1, 2]);
    });

    it("commits to the same weights vector the SDK registers (sdk/lib/zk/modelWeights.ts)", function () {
      for (const [privateName, publicName] of [
        ["LinearPrivate_4", "Linear_4"],
        ["LogisticPrivate_4", "Logistic_4"],
        ["MlpPrivate_4-8-3", "Mlp_4-8-3"],
        ["CnnPrivate_8x8-2c3-3", "Cnn_8x8-2c3-3"],
      ]) {
        expect(loadCircuitInstance(privateName).weightsOf).to.equal(publicName);
        expect(trainedWeightsCommitment(privateName)).to.equal(
          hashVector(modelWeights(loadCircuitInstance(publicName)).vector),
        );
      }
      const mlp = mlpModel(loadCircuitInstance("Mlp_4-8-3"));
      expect(modelWeights(loadCircuitInstance("Mlp_4-8-3")).vector).to.deep.equal([
        ...mlp.w1.flat(),
        ...mlp.b1,
        ...mlp.w2.flat(),
        ...mlp.b2,
      ]);
    });
  });
});
