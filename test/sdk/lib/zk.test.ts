import { expect } from "chai";
import { poseidon3 } from "poseidon-lite";

import { inferLinear, linearModel } from "../../../sdk/lib/models/linear.js";
import { SNARK_SCALAR_FIELD, fromField, toField } from "../../../sdk/lib/zk/field.js";
import { hashVector } from "../../../sdk/lib/zk/poseidon.js";
import { modelWeights } from "../../../sdk/lib/zk/modelWeights.js";
import { proveInference } from "../../../sdk/lib/zk/prove.js";
import { calculateWitness, satisfies, withSignal, witnessValues } from "../../helpers/witness.js";
import { circuitArtifacts, loadCircuitInstance, repositoryCircuit } from "../../../sdk/tooling/zk/circuitFiles.js";

const CIRCUIT = "Linear_4";
const model = linearModel(loadCircuitInstance(CIRCUIT));
const artifacts = circuitArtifacts(CIRCUIT);

async function witnessOf(x: readonly bigint[], requestId: bigint) {
  return calculateWitness(artifacts.wasm, { x: x.map((v) => toField(v).toString()), requestId: requestId.toString() });
}

describe("Linear_4 circuit", function () {
  it("accepts the honest witness", async function () {
    expect(await satisfies(artifacts.r1cs, await witnessOf([1n, -2n, 3n, -4n], 7n))).to.equal(true);
  });

  describe("rejects a dishonest witness that claims", function () {
    const x = [256n, -512n, 1024n, 77n];
    const cases: [string, number, (values: bigint[]) => bigint][] = [
      ["another output hash", 2, () => hashVector([inferLinear(model, x) + 1n])],
      ["another input hash for the same input", 1, () => hashVector([257n, -512n, 1024n, 77n])],
      ["another request id for the same proof statement", 3, (values) => values[3] + 1n],
      ["another input under the same input hash", 4, (values) => values[4] + 1n],
    ];
    for (const [claim, index, forged] of cases) {
      it(claim, async function () {
        const honest = await witnessOf(x, 7n);
        const values = await witnessValues(honest);
        const dishonest = withSignal(honest, index, forged(values) % SNARK_SCALAR_FIELD);
        expect((await witnessValues(dishonest))[index]).to.not.equal(values[index]);
        expect(await satisfies(artifacts.r1cs, dishonest)).to.equal(false);
      });
    }
  });
});

describe("sdk/lib/models/linear", function () {
  it("computes W·x + B exactly and checks the input", function () {
    expect(inferLinear(model, [0n, 0n, 0n, 0n])).to.equal(model.bias);
    expect(inferLinear(model, [1n, 0n, 0n, 0n])).to.equal(model.bias + model.weights[0]);
    expect(() => inferLinear(model, [1n, 2n, 3n])).to.throw(/takes 4 inputs, got 3/);
    expect(() => inferLinear(model, [1n << 64n, 0n, 0n, 0n])).to.throw(RangeError, /out of range/);
  });

  it("refuses circuit instances that are not linear models", function () {
    expect(() => linearModel(loadCircuitInstance("Mlp_4-8-3"))).to.throw(/is a Mlp, not a LinearRegression/);
  });
});

describe("sdk/lib/zk/poseidon", function () {
  it("hashes up to 16 values in one Poseidon call and longer vectors as a Poseidon of 16-value chunks", function () {
    const long = Array.from({ length: 40 }, (_, i) => BigInt(i - 20));
    const chunks = [long.slice(0, 16), long.slice(16, 32), long.slice(32)].map(hashVector);
    expect(hashVector(long)).to.equal(poseidon3(chunks));
    expect(hashVector(long.slice(0, 3))).to.equal(poseidon3(long.slice(0, 3).map(toField)));
    expect(() => hashVector([])).to.throw(RangeError, /1 to 256 values/);
    expect(() => hashVector(new Array(257).fill(0n))).to.throw(RangeError);
  });
});

describe("sdk/lib/zk/prove", function () {
  it("refuses a wrong input length, missing artifacts or weights and a request id outside the field before proving", async function () {
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => expect.fail("proveInference should have thrown"),
        (error: Error) => error.message,
      );
    expect(await refusal(proveInference(repositoryCircuit(CIRCUIT), [1n, 2n, 3n], 1n))).to.match(
      /takes 4 inputs, got 3/,
    );
    // The library reads no repository path: without artifacts (or, private weights, without weights) it refuses.
    const { instance } = repositoryCircuit(CIRCUIT);
    expect(await refusal(proveInference({ instance }, [1n, 2n, 3n, 4n], 1n))).to.match(
      /circuit Linear_4: no proving artifacts \(wasm, zkey\) were given/,
    );
    const { weights: _trained, ...withoutWeights } = repositoryCircuit("LinearPrivate_4");
    expect(await refusal(proveInference(withoutWeights, [1n, 2n, 3n, 4n], 1n))).to.match(
      /circuit LinearPrivate_4 has private weights: pass the weights/,
    );
    expect(() => repositoryCircuit("Nope_1")).to.throw(/no circuit instance "Nope_1" in circuits.json/);
    for (const requestId of [-1n, SNARK_SCALAR_FIELD]) {
      expect(await refusal(proveInference(repositoryCircuit(CIRCUIT), [1n, 2n, 3n, 4n], requestId))).to.match(
        /must be a field element/,
      );
    }
    // Weights only go to a private-weights circuit; a public-weights one has them as constants.
    expect(
      await refusal(
        proveInference(repositoryCircuit(CIRCUIT), [1n, 2n, 3n, 4n], 1n, { w: ["1", "2", "3", "4"], b: "0" }),
      ),
    ).to.match(/circuit Linear_4 has public weights \(circuit constants\): it takes no weights/);
  });
});

describe("sdk/lib/zk/modelWeights", function () {
  it("refuses a model that has no private-weights form, naming it", function () {
    const composed = { name: "Onnx_X", file: "x.circom", template: "Sequential", params: [4], pubs: [], fracBits: 8 };
    expect(() => modelWeights(composed)).to.throw(
      /circuit instance "Onnx_X" \(Sequential\) has no private-weights form/,
    );
  });
});

describe("sdk/lib/zk/field", function () {
  it("maps signed integers to field elements and back", function () {
    for (const v of [0n, 1n, -1n, 123456789n, -(1n << 200n)]) expect(fromField(toField(v))).to.equal(v);
    expect(toField(-1n)).to.equal(SNARK_SCALAR_FIELD - 1n);
    expect(() => toField(SNARK_SCALAR_FIELD)).to.throw(RangeError);
    expect(() => fromField(SNARK_SCALAR_FIELD)).to.throw(RangeError);
  });
});
