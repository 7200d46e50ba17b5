import { readFileSync } from "node:fs";

import { expect } from "chai";

import {
  GAS_SNAPSHOT_COMMAND,
  GAS_TOLERANCE,
  allowedDrift,
  compareGasSnapshots,
  formatGasComparison,
  parseGasSnapshot,
  type GasTolerance,
} from "../../../sdk/tooling/gas/snapshot.js";

// Made-up figures; the tolerance of these tests is fixed here, not the project's, so the edges stay where the tests
// put them when the project's tolerance changes.
const TOLERANCE: GasTolerance = { relative: 0.005, absolute: 200 };

describe("gas snapshots", function () {
  describe("allowedDrift", function () {
    it("is the absolute floor for small paths and the relative share for large ones", function () {
      expect(allowedDrift(10_000, TOLERANCE)).to.equal(200); // 0.5% = 50 < 200
      expect(allowedDrift(40_000, TOLERANCE)).to.equal(200); // 0.5% = 200: both agree
      expect(allowedDrift(40_400, TOLERANCE)).to.equal(202);
      expect(allowedDrift(1_000_000, TOLERANCE)).to.equal(5_000);
      expect(allowedDrift(1_000_399, TOLERANCE)).to.equal(5_001); // rounds down: 5001.995
    });

    it("refuses a tolerance that is negative, not a fraction, or not whole gas", function () {
      expect(() => allowedDrift(1, { relative: -0.01, absolute: 0 })).to.throw(RangeError, /relative/);
      expect(() => allowedDrift(1, { relative: 1, absolute: 0 })).to.throw(RangeError, /relative/);
      expect(() => allowedDrift(1, { relative: Number.NaN, absolute: 0 })).to.throw(RangeError, /relative/);
      expect(() => allowedDrift(1, { relative: 0, absolute: -1 })).to.throw(RangeError, /absolute/);
      expect(() => allowedDrift(1, { relative: 0, absolute: 1.5 })).to.throw(RangeError, /absolute/);
    });
  });

  describe("compareGasSnapshots", function () {
    it("passes identical figures", function () {
      const paths = { "settle: ZK, escrow, 10 items": 1_100_000, "TeeRegistry.revokeEnclave": 30_941 };
      const comparison = compareGasSnapshots(paths, { ...paths }, TOLERANCE);
      expect(comparison.ok).to.equal(true);
      expect(comparison.rows.map((r) => r.status)).to.deep.equal(["ok", "ok"]);
      expect(comparison.rows[0]).to.include({ delta: 0, percent: 0, allowed: 5_500 });
    });

    it("passes a small path exactly at the absolute floor above and below, and fails one gas beyond", function () {
      const committed = { revoke: 10_000 };
      expect(compareGasSnapshots(committed, { revoke: 10_200 }, TOLERANCE).ok).to.equal(true);
      expect(compareGasSnapshots(committed, { revoke: 9_800 }, TOLERANCE).ok).to.equal(true);

      const above = compareGasSnapshots(committed, { revoke: 10_201 }, TOLERANCE);
      expect(above.ok).to.equal(false);
      expect(above.regressions.map((r) => r.path)).to.deep.equal(["revoke"]);
      expect(above.stale).to.deep.equal([]);
      expect(above.rows[0]).to.include({ committed: 10_000, measured: 10_201, delta: 201, allowed: 200 });
      expect(above.rows[0].percent?.toFixed(6)).to.equal("2.010000"); // 201 / 10,000

      const below = compareGasSnapshots(committed, { revoke: 9_799 }, TOLERANCE);
      expect(below.ok).to.equal(false);
      expect(below.regressions).to.deep.equal([]);
      expect(below.stale.map((r) => [r.path, r.status])).to.deep.equal([["revoke", "improved"]]);
    });

    it("passes a large path exactly at the relative share above and below, and fails one gas beyond", function () {
      const committed = { batch: 1_000_000 };
      expect(compareGasSnapshots(committed, { batch: 1_005_000 }, TOLERANCE).ok).to.equal(true);
      expect(compareGasSnapshots(committed, { batch: 995_000 }, TOLERANCE).ok).to.equal(true);
      expect(compareGasSnapshots(committed, { batch: 1_005_001 }, TOLERANCE).regressions).to.have.length(1);
      expect(compareGasSnapshots(committed, { batch: 994_999 }, TOLERANCE).stale).to.have.length(1);
      // 300 gas more on a large path is noise; on a small path it is a regression
      expect(compareGasSnapshots(committed, { batch: 1_000_300 }, TOLERANCE).ok).to.equal(true);
      expect(compareGasSnapshots({ small: 30_000 }, { small: 30_300 }, TOLERANCE).ok).to.equal(false);
    });

    it("reports added and removed paths as a stale snapshot, keeping the snapshot's order", function () {
      const comparison = compareGasSnapshots(
        { a: 50_000, gone: 60_000, b: 70_000 },
        { new: 1_000, b: 70_000, a: 50_000 },
        TOLERANCE,
      );
      expect(comparison.ok).to.equal(false);
      expect(comparison.regressions).to.deep.equal([]);
      expect(comparison.rows.map((r) => [r.path, r.status])).to.deep.equal([
        ["a", "ok"],
        ["gone", "removed"],
        ["b", "ok"],
        ["new", "added"],
      ]);
      expect(comparison.stale.map((r) => r.path)).to.deep.equal(["gone", "new"]);
    });

    it("reports regressions and stale paths together", function () {
      const comparison = compareGasSnapshots({ up: 100_000, down: 100_000 }, { up: 120_000, down: 80_000 }, TOLERANCE);
      expect(comparison.regressions.map((r) => r.path)).to.deep.equal(["up"]);
      expect(comparison.stale.map((r) => r.path)).to.deep.equal(["down"]);
      expect(comparison.rows.map((r) => r.percent)).to.deep.equal([20, -20]);
    });

    it("refuses figures that are not whole, non-negative gas", function () {
      expect(() => compareGasSnapshots({ a: 1.5 }, { a: 1 }, TOLERANCE)).to.throw(RangeError, /committed gas of "a"/);
      expect(() => compareGasSnapshots({ a: 1 }, { a: -1 }, TOLERANCE)).to.throw(RangeError, /measured gas of "a"/);
      expect(() => compareGasSnapshots({ a: 1 }, { a: Number.NaN }, TOLERANCE)).to.throw(RangeError);
    });

    it("uses the project's tolerance by default", function () {
      const committed = { p: 1_000_000 };
      const edge = 1_000_000 + allowedDrift(1_000_000, GAS_TOLERANCE);
      expect(compareGasSnapshots(committed, { p: edge }).ok).to.equal(true);
      expect(compareGasSnapshots(committed, { p: edge + 1 }).ok).to.equal(false);
    });
  });

  describe("formatGasComparison", function () {
    it("prints a table of path, committed, measured, change and % change, and a passing verdict", function () {
      const text = formatGasComparison(
        compareGasSnapshots({ settle: 40_000 }, { settle: 40_100 }, TOLERANCE),
        TOLERANCE,
      );
      const [header, , row] = text.split("\n");
      expect(header.split(/\s+/)).to.deep.equal(["path", "committed", "measured", "change", "%", "allowed", "status"]);
      expect(row.split(/\s+/)).to.deep.equal(["settle", "40000", "40100", "+100", "+0.25%", "±200", "ok"]);
      expect(text).to.match(/gas check passed: 1 paths/);
      expect(text).to.include("0.50% or 200 gas");
    });

    it("names the regressed paths and tells how to update a stale snapshot", function () {
      const regression = formatGasComparison(compareGasSnapshots({ up: 40_000 }, { up: 50_000 }, TOLERANCE), TOLERANCE);
      expect(regression).to.match(/gas check FAILED: 1 path\(s\) use more gas .*: up$/m);
      expect(regression).to.include("+25.00%");
      expect(regression).not.to.include("update the snapshot");

      const stale = formatGasComparison(compareGasSnapshots({ old: 40_000 }, { added: 1 }, TOLERANCE), TOLERANCE);
      expect(stale).to.include(`update the snapshot: ${GAS_SNAPSHOT_COMMAND}`);
      expect(stale).to.match(/^old\s+40000\s+-\s+-\s+-\s+-\s+removed/m);
      expect(stale).to.match(/^added\s+-\s+1\s+-\s+-\s+-\s+added/m);
    });
  });

  describe("parseGasSnapshot", function () {
    it("reads the committed snapshot: every path a whole gas figure", function () {
      const snapshot = parseGasSnapshot(
        readFileSync(new URL("../../../bench/gas-snapshot.json", import.meta.url), "utf8"),
      );
      expect(snapshot.generatedBy).to.equal(GAS_SNAPSHOT_COMMAND);
      expect(Object.keys(snapshot.paths)).to.include.members([
        "settle: ZK, escrow, 10 items",
        "settle: mixed tiers, escrow, Partial, 10 items, 1 rejected",
        "TeeRegistry.registerEnclave (DCAP quote v4, SGX)",
      ]);
    });

    it("refuses a file without paths or with a path that is not a gas figure", function () {
      expect(() => parseGasSnapshot("{}")).to.throw(/paths/);
      expect(() => parseGasSnapshot('{"paths": null}')).to.throw(/paths/);
      expect(() => parseGasSnapshot('{"paths": {"a": "12"}}')).to.throw(RangeError, /"a"/);
    });
  });
});
