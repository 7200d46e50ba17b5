/**
 * Gas snapshot of the main paths (sdk/testing/local/gasPaths.ts): measures them on the in-process network and writes
 * bench/gas-snapshot.json (read by `npm run gas:check`) and bench/gas-snapshot.md. Run: `npm run gas:snapshot`.
 */
import { writeFileSync } from "node:fs";

import { network } from "hardhat";

import { GAS_SNAPSHOT_COMMAND, GAS_TOLERANCE, type GasSnapshot } from "../sdk/tooling/gas/snapshot.js";
import { GAS_PATHS_BATCH, GAS_PATHS_GENESIS, measureGasPaths } from "../sdk/testing/local/gasPaths.js";
import { releaseProverThreads } from "../sdk/lib/zk/prove.js";

const JSON_OUTPUT = new URL("./gas-snapshot.json", import.meta.url);
const MD_OUTPUT = new URL("./gas-snapshot.md", import.meta.url);

const started = Date.now();
const connection = await network.create({ override: { initialDate: GAS_PATHS_GENESIS } });
// snarkjs's worker threads would keep the process alive after an error: stop them whatever happens.
const paths = await measureGasPaths(connection, console.log).finally(releaseProverThreads);

const snapshot: GasSnapshot = { generatedBy: GAS_SNAPSHOT_COMMAND, paths };
writeFileSync(JSON_OUTPUT, `${JSON.stringify(snapshot, null, 2)}\n`);

const rows = Object.entries(paths)
  .map(([path, gas]) => `| ${path} | ${gas} |`)
  .join("\n");
const table = `# Gas snapshot of the main paths

Produced by \`${GAS_SNAPSHOT_COMMAND}\` (bench/gas-snapshot.ts, paths in sdk/testing/local/gasPaths.ts); the same figures are in
\`bench/gas-snapshot.json\`, which \`npm run gas:check\` (run by CI) measures again and compares with. Hardhat 3
in-process network (EDR, default hardfork), solc 0.8.30 with the optimizer at 200 runs, circuit \`Linear_4\`, the
Ignition deployment \`LocalTierproof\` (dispute path wired).

Gas is the receipt's \`gasUsed\` (21,000 base and calldata included). Settlement batches have ${GAS_PATHS_BATCH} items
over three clients and one provider and start from the same state (after onboarding; each client's request-id
bitmap word, voucher state and the epoch's statistics are written for the first time, so these are first-batch
figures). Keys, request ids, inputs and block timestamps are fixed.

| path | gas |
|---|---|
${rows}

The check fails when a path drifts from this snapshot by more than ${GAS_TOLERANCE.relative * 100}% or ${GAS_TOLERANCE.absolute} gas,
whichever is larger, in either direction (above: a gas regression; below, or a path added or removed: the snapshot
is stale, regenerate it with \`${GAS_SNAPSHOT_COMMAND}\`).
`;
writeFileSync(MD_OUTPUT, table);
console.log(table);
console.log(`measured in ${((Date.now() - started) / 1000).toFixed(1)} s`);
