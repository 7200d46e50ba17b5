import { expect } from "chai";

import { argmax, hardSigmoid, relu, rescale } from "../../sdk/lib/models/fixedPoint.js";
import { fromField } from "../../sdk/lib/zk/field.js";
import { compileTestCircuit, type TestCircuit } from "../helpers/testCircuit.js";

/** A seeded generator of signed values below 2^(bits-1) in magnitude, with the edges included. */
function samples(bits: number, count: number, seed = 7): bigint[] {
  const bound = 1n << BigInt(bits - 1);
  const edges = [0n, 1n, -1n, bound - 1n, -bound];
  let state = BigInt(seed);
  const values = [...edges];
  while (values.length < count) {
    state = (state * 6364136223846793005n + 1442695040888963407n) % (1n << 64n);
    const magnitude = state % bound;
    values.push(state % 2n === 0n ? magnitude : -magnitude);
  }
  return values;
}

async function signedValue(circuit: TestCircuit, witness: Awaited<ReturnType<TestCircuit["witness"]>>, name: string) {
  return fromField(await circuit.value(witness, name));
}

describe("circuits/lib/fixedpoint.circom", function () {
  describe("Rescale(32, 8)", function () {
    let circuit: TestCircuit;
    before(async function () {
      circuit = await compileTestCircuit("fixedpoint", "Rescale(32, 8)");
    });

    it("costs at most bits + 3 constraints", function () {
      expect(circuit.constraints).to.be.at.most(32 + 3);
      expect(circuit.constraints).to.be.at.least(32); // every bit of the decomposition is constrained
    });

    it("computes floor(x / 2^8) exactly as the TypeScript reference, negatives included", async function () {
      for (const x of samples(32, 40)) {
        const witness = await circuit.witness({ in: x });
        expect(await signedValue(circuit, witness, "main.out")).to.equal(rescale(x, 32, 8), `x = ${x}`);
        expect(await circuit.accepts(witness)).to.equal(true);
      }
    });

    it("rejects a wrong quotient, whose remainder is out of range", async function () {
      const witness = await circuit.witness({ in: -1000n });
      const q = await signedValue(circuit, witness, "main.out");
      // With q + 1 (or q - 1) the remainder x - q·256 is negative (or ≥ 256): no 8-bit decomposition holds it.
      for (const wrong of [q + 1n, q - 1n]) {
        expect(await circuit.accepts(circuit.forge(witness, "main.out", wrong))).to.equal(false);
      }
      // Forging the remainder's bits along with the quotient does not help: they must sum to x - q·256.
      const bitsForged = circuit.forge(circuit.forge(witness, "main.out", q + 1n), "main.remainder.out[0]", 1n);
      expect(await circuit.accepts(bitsForged)).to.equal(false);
    });

    it("has no witness for an input outside the signed 32-bit range", async function () {
      const witness = await circuit.witness({ in: (1n << 31n) - 1n });
      expect(await circuit.accepts(circuit.forge(witness, "main.in", 1n << 31n))).to.equal(false);
      expect(() => rescale(1n << 31n, 32, 8)).to.throw(RangeError);
    });
  });

  describe("ReLU(32)", function () {
    let circuit: TestCircuit;
    before(async function () {
      circuit = await compileTestCircuit("fixedpoint", "ReLU(32)");
    });

    it("costs at most 45 constraints at a 32-bit bound", function () {
      expect(circuit.constraints).to.be.at.most(45);
    });

    it("matches the TypeScript reference", async function () {
      for (const x of samples(32, 40, 11)) {
        const witness = await circuit.witness({ in: x });
        expect(await signedValue(circuit, witness, "main.out")).to.equal(relu(x, 32), `x = ${x}`);
      }
    });

    it("rejects a negative value passed through", async function () {
      const witness = await circuit.witness({ in: -5n });
      expect(await circuit.accepts(circuit.forge(witness, "main.out", -5n))).to.equal(false);
      // Even with the sign bit forged to "non-negative", the bit decomposition no longer sums to in + 2^31.
      const signForged = circuit.forgeKept(witness, {
        "main.out": -5n,
        "main.bits.out[31]": 1n,
        "main.bits.out[30]": 1n,
      });
      expect(await circuit.accepts(signForged)).to.equal(false);
    });

    it("rejects a positive value zeroed", async function () {
      const witness = await circuit.witness({ in: 5n });
      expect(await circuit.accepts(circuit.forge(witness, "main.out", 0n))).to.equal(false);
    });
  });

  describe("ArgMax(4, 16)", function () {
    let circuit: TestCircuit;
    before(async function () {
      circuit = await compileTestCircuit("fixedpoint", "ArgMax(4, 16)");
    });

    it("returns the first maximum, as the TypeScript reference", async function () {
      const cases = [
        [1n, 9n, 3n, 9n],
        [-5n, -2n, -9n, -3n],
        [0n, 0n, 0n, 0n],
        [32767n, -32768n, 100n, 32767n],
      ];
      for (const values of cases) {
        const witness = await circuit.witness({ in: values });
        const expected = argmax(values, 16);
        expect(Number(await circuit.value(witness, "main.index"))).to.equal(expected.index, `${values}`);
        expect(await signedValue(circuit, witness, "main.max")).to.equal(expected.max);
        expect(await circuit.accepts(witness)).to.equal(true);
      }
    });

    it("rejects a forged argmax: another index with its value", async function () {
      const values = [1n, 9n, 3n, 7n];
      const witness = await circuit.witness({ in: values });
      const forged = circuit.forgeKept(witness, {
        "main.index": 3n,
        "main.max": 7n,
        "main.selected[1]": 0n,
        "main.selected[3]": 1n,
        "main.picked[1]": 0n,
        "main.picked[3]": 7n,
      });
      expect(await circuit.accepts(forged)).to.equal(false);
    });

    it("rejects the later of two equal maxima, so the answer is unique", async function () {
      const values = [1n, 9n, 3n, 9n];
      const witness = await circuit.witness({ in: values });
      const forged = circuit.forgeKept(witness, {
        "main.index": 3n,
        "main.selected[1]": 0n,
        "main.selected[3]": 1n,
        "main.picked[1]": 0n,
        "main.picked[3]": 9n,
      });
      expect(await circuit.accepts(forged)).to.equal(false);
    });
  });

  describe("HardSigmoid(24, 8)", function () {
    let circuit: TestCircuit;
    before(async function () {
      circuit = await compileTestCircuit("fixedpoint", "HardSigmoid(24, 8)");
    });

    it("matches the TypeScript reference over the whole range, saturating at 0 and 1", async function () {
      for (const x of [...samples(24, 30, 3), -512n, -513n, 511n, 512n, 513n, 0n]) {
        const witness = await circuit.witness({ in: x });
        expect(await signedValue(circuit, witness, "main.out")).to.equal(hardSigmoid(x, 24, 8), `x = ${x}`);
      }
      expect(hardSigmoid(-(1n << 20n), 24, 8)).to.equal(0n);
      expect(hardSigmoid(1n << 20n, 24, 8)).to.equal(256n);
    });

    it("rejects an output that is not the clamped value", async function () {
      const witness = await circuit.witness({ in: 100n });
      const honest = await signedValue(circuit, witness, "main.out");
      expect(await circuit.accepts(circuit.forge(witness, "main.out", honest + 1n))).to.equal(false);
    });
  });

  describe("RangeCheck(8) and SignedRangeCheck(8)", function () {
    it("accept their range and nothing outside it", async function () {
      const unsigned = await compileTestCircuit("fixedpoint", "RangeCheck(8)");
      const top = await unsigned.witness({ in: 255n });
      expect(await unsigned.accepts(top)).to.equal(true);
      for (const outside of [256n, -1n])
        expect(await unsigned.accepts(unsigned.forge(top, "main.in", outside))).to.equal(false);
      const signed = await compileTestCircuit("fixedpoint", "SignedRangeCheck(8)");
      const bottom = await signed.witness({ in: -128n });
      expect(await signed.accepts(bottom)).to.equal(true);
      for (const outside of [128n, -129n])
        expect(await signed.accepts(signed.forge(bottom, "main.in", outside))).to.equal(false);
    });
  });
});
