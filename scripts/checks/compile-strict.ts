/**
 * Compiles every contract from scratch and fails on any compiler warning: warnings are errors in this project.
 * Hardhat prints solc's diagnostics but exits 0 on warnings, so this wrapper reads them.
 */
import { spawnSync } from "node:child_process";

const result = spawnSync("npx", ["hardhat", "build", "--force"], { encoding: "utf8" });
const output = `${result.stdout}\n${result.stderr}`;
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);

if (result.status !== 0) {
  console.error(`compile-strict: hardhat build failed (exit ${result.status})`);
  process.exit(result.status ?? 1);
}
const warnings = output.split("\n").filter((line) => /^Warning( \(\d+\))?:/.test(line.trim()));
if (warnings.length > 0) {
  console.error(`compile-strict: ${warnings.length} compiler warning(s); warnings are errors here.`);
  process.exit(1);
}
console.log("compile-strict: no compiler warnings");
