/**
 * CI's gas check: measures the main paths again (sdk/testing/local/gasPaths.ts) and compares them with the committed
 * bench/gas-snapshot.json; exits 1 on a regression beyond the tolerance, or when the snapshot is stale (a path much
 * cheaper, added or removed). Run: `npm run gas:check`; regenerate the snapshot with `npm run gas:snapshot`.
 */
import { readFileSync } from "node:fs";

import { network } from "hardhat";

import {
  GAS_TOLERANCE,
  compareGasSnapshots,
  formatGasComparison,
  parseGasSnapshot,
} from "../../sdk/tooling/gas/snapshot.js";
import { GAS_PATHS_GENESIS, measureGasPaths } from "../../sdk/testing/local/gasPaths.js";
import { releaseProverThreads } from "../../sdk/lib/zk/prove.js";

const committed = parseGasSnapshot(readFileSync(new URL("../../bench/gas-snapshot.json", import.meta.url), "utf8"));
const started = Date.now();
const connection = await network.create({ override: { initialDate: GAS_PATHS_GENESIS } });
// snarkjs's worker threads would keep the process alive after an error: stop them whatever happens.
const measured = await measureGasPaths(connection).finally(releaseProverThreads);

const comparison = compareGasSnapshots(committed.paths, measured, GAS_TOLERANCE);
console.log(formatGasComparison(comparison, GAS_TOLERANCE));
console.log(`measured in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (!comparison.ok) process.exitCode = 1;
