/**
 * Gas snapshots: the gas each main path of the system costs, committed as `bench/gas-snapshot.json`, and the
 * comparison `npm run gas:check` makes between that file and a fresh measurement. Pure functions, no chain access.
 */

/** Gas used per named path, e.g. `settle: ZK, escrow, 10 items` → 812345. */
export type GasPaths = Record<string, number>;

/** The committed snapshot file. */
export interface GasSnapshot {
  /** How to regenerate it. */
  generatedBy: string;
  paths: GasPaths;
}

/**
 * How far a measurement may drift from the snapshot before the check fails: `max(absolute, relative × committed)`
 * gas, in either direction.
 */
export interface GasTolerance {
  /** Fraction of the committed figure, e.g. 0.005 for 0.5%. */
  relative: number;
  /** Gas. */
  absolute: number;
}

/**
 * The project's tolerance: 0.25% or 200 gas, whichever is larger. The measured paths are deterministic except for
 * bytes the run cannot fix: Groth16 proofs (snarkjs draws fresh randomness per proof; a zero byte costs 4 calldata gas
 * instead of 16) and the binding block hash inside an attestation (in a DCAP quote also the P-256 signatures over it
 * and their low-s normalisation). Across repeated runs ZK batches moved by up to 108 gas, the DCAP registration by up
 * to 161 (0.02%), the signed-attester registration by 12; every other path not at all. 0.25% is more than ten times
 * that noise on every path, and 200 gas keeps the small paths (a revocation, ~27k gas) from failing on a few zero
 * bytes while staying far below any real code change (one cold storage read is 2,100 gas). A regression of ~300 gas
 * per item shows in a 10-item batch.
 */
export const GAS_TOLERANCE: GasTolerance = { relative: 0.0025, absolute: 200 };

/** The command that rewrites the committed snapshot. */
export const GAS_SNAPSHOT_COMMAND = "npm run gas:snapshot";

/**
 * - `ok`: within the tolerance
 * - `regressed`: more gas than the snapshot plus the tolerance (a gas regression)
 * - `improved`: less gas than the snapshot minus the tolerance (the snapshot is stale)
 * - `added`: measured, not in the snapshot; `removed`: in the snapshot, no longer measured
 */
export type GasPathStatus = "ok" | "regressed" | "improved" | "added" | "removed";

/** One path of a comparison. `committed`/`measured` are absent for an added/removed path. */
export interface GasPathComparison {
  path: string;
  committed?: number;
  measured?: number;
  /** measured − committed, when both exist. */
  delta?: number;
  /** delta / committed × 100, when both exist. */
  percent?: number;
  /** The gas the path may drift by (from the committed figure). */
  allowed?: number;
  status: GasPathStatus;
}

/** The outcome of comparing a measurement with the snapshot. */
export interface GasComparison {
  rows: GasPathComparison[];
  /** Paths above the tolerance: the build fails as a gas regression. */
  regressions: GasPathComparison[];
  /** Paths improved beyond the tolerance, added or removed: the build fails until the snapshot is regenerated. */
  stale: GasPathComparison[];
  ok: boolean;
}

function checkTolerance(tolerance: GasTolerance): void {
  const { relative, absolute } = tolerance;
  if (!Number.isFinite(relative) || relative < 0 || relative >= 1) {
    throw new RangeError(`relative tolerance must be in [0, 1), got ${relative}`);
  }
  if (!Number.isSafeInteger(absolute) || absolute < 0) {
    throw new RangeError(`absolute tolerance must be a non-negative integer of gas, got ${absolute}`);
  }
}

function checkPaths(label: string, paths: GasPaths): void {
  for (const [path, gas] of Object.entries(paths)) {
    if (!Number.isSafeInteger(gas) || gas < 0)
      throw new RangeError(`${label} gas of "${path}" is not a gas figure: ${gas}`);
  }
}

/** The gas a path of `committed` gas may drift by: max(absolute, ⌊relative × committed⌋). */
export function allowedDrift(committed: number, tolerance: GasTolerance = GAS_TOLERANCE): number {
  checkTolerance(tolerance);
  return Math.max(tolerance.absolute, Math.floor(tolerance.relative * committed));
}

/**
 * Compares `measured` with the `committed` snapshot, path by path (rows in the snapshot's order, then added paths).
 * A drift of exactly the allowed amount passes; one gas more fails.
 */
export function compareGasSnapshots(
  committed: GasPaths,
  measured: GasPaths,
  tolerance: GasTolerance = GAS_TOLERANCE,
): GasComparison {
  checkTolerance(tolerance);
  checkPaths("committed", committed);
  checkPaths("measured", measured);
  const rows: GasPathComparison[] = [];
  for (const [path, before] of Object.entries(committed)) {
    const after = measured[path];
    if (after === undefined) {
      rows.push({ path, committed: before, status: "removed" });
      continue;
    }
    const delta = after - before;
    const allowed = allowedDrift(before, tolerance);
    const status: GasPathStatus = delta > allowed ? "regressed" : -delta > allowed ? "improved" : "ok";
    const percent = before === 0 ? (delta === 0 ? 0 : Infinity) : (delta * 100) / before;
    rows.push({ path, committed: before, measured: after, delta, percent, allowed, status });
  }
  for (const [path, after] of Object.entries(measured)) {
    if (!(path in committed)) rows.push({ path, measured: after, status: "added" });
  }
  const regressions = rows.filter((row) => row.status === "regressed");
  const stale = rows.filter((row) => row.status === "improved" || row.status === "added" || row.status === "removed");
  return { rows, regressions, stale, ok: regressions.length === 0 && stale.length === 0 };
}

const STATUS_TEXT: Record<GasPathStatus, string> = {
  ok: "ok",
  regressed: "REGRESSED",
  improved: "improved (stale snapshot)",
  added: "added (not in snapshot)",
  removed: "removed (still in snapshot)",
};

/** A plain-text table of a comparison (path, committed, measured, change, % change, allowed, status) and a verdict. */
export function formatGasComparison(comparison: GasComparison, tolerance: GasTolerance = GAS_TOLERANCE): string {
  const header = ["path", "committed", "measured", "change", "%", "allowed", "status"];
  const signed = (n: number) => (n > 0 ? `+${n}` : `${n}`);
  const cells = comparison.rows.map((row) => [
    row.path,
    row.committed?.toString() ?? "-",
    row.measured?.toString() ?? "-",
    row.delta === undefined ? "-" : signed(row.delta),
    row.percent === undefined ? "-" : `${row.percent > 0 ? "+" : ""}${row.percent.toFixed(2)}%`,
    row.allowed === undefined ? "-" : `±${row.allowed}`,
    STATUS_TEXT[row.status],
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
  const lines = [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line), ""];
  const rule = `tolerance: ${(tolerance.relative * 100).toFixed(2)}% or ${tolerance.absolute} gas, whichever is larger`;
  if (comparison.ok) {
    lines.push(`gas check passed: ${comparison.rows.length} paths within the snapshot (${rule})`);
  } else {
    if (comparison.regressions.length > 0) {
      lines.push(
        `gas check FAILED: ${comparison.regressions.length} path(s) use more gas than bench/gas-snapshot.json allows (${rule}): ` +
          comparison.regressions.map((r) => r.path).join("; "),
      );
    }
    if (comparison.stale.length > 0) {
      lines.push(
        `gas check FAILED: the snapshot is stale for ${comparison.stale.length} path(s) (improved beyond the tolerance, ` +
          `added or removed): update the snapshot: ${GAS_SNAPSHOT_COMMAND}`,
      );
    }
  }
  return lines.join("\n");
}

/** Parses and checks the committed snapshot file's text. */
export function parseGasSnapshot(text: string): GasSnapshot {
  const value = JSON.parse(text) as Partial<GasSnapshot>;
  if (typeof value !== "object" || value === null || typeof value.paths !== "object" || value.paths === null) {
    throw new Error("a gas snapshot needs a `paths` object of path → gas");
  }
  checkPaths("committed", value.paths);
  return { generatedBy: String(value.generatedBy ?? GAS_SNAPSHOT_COMMAND), paths: value.paths };
}
