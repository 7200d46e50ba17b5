import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import * as snarkjs from "snarkjs";

import { CIRCOM_FLAGS } from "../../scripts/circuits/sources.js";
import { toField } from "../../sdk/lib/zk/field.js";
import { calculateWitness, satisfies, withSignal, witnessValues, type MemoryWitness } from "./witness.js";
import { CIRCUITS_DIR, REPO_ROOT } from "../../sdk/tooling/zk/circuitFiles.js";

/** A small circuit compiled for a test: its constraints, witness generator and signal names. */
export interface TestCircuit {
  r1cs: string;
  wasm: string;
  /** Witness index of each signal, by its full name (e.g. "main.out", "main.bits.out[31]"). */
  signals: Map<string, number>;
  constraints: number;
  /** The witness of `input` (values may be negative bigints). */
  witness(input: Record<string, bigint | bigint[]>): Promise<MemoryWitness>;
  /** The value of signal `name` in `witness`. */
  value(witness: MemoryWitness, name: string): Promise<bigint>;
  /** `witness` with signal `name` set to `value` (a dishonest prover's edit). */
  forge(witness: MemoryWitness, name: string, value: bigint): MemoryWitness;
  /**
   * `witness` with several signals set; signals that --O2 substituted away (linear functions of the others, with no
   * witness slot of their own) are skipped, since a prover cannot set them apart from the rest.
   */
  forgeKept(witness: MemoryWitness, values: Record<string, bigint>): MemoryWitness;
  /** Whether `witness` satisfies every constraint. */
  accepts(witness: MemoryWitness): Promise<boolean>;
}

/**
 * Compiles `main {public [...]} = Template(params)` over circuits/lib/<library>.circom with circom2, cached under
 * circuits/.cache/test by the hash of the source (circom2 sees only the working directory, so the cache lives in
 * the repository, ignored by git).
 */
export async function compileTestCircuit(library: string, mainComponent: string): Promise<TestCircuit> {
  const source = `pragma circom 2.1.0;\ninclude "../../../lib/${library}.circom";\ncomponent main = ${mainComponent};\n`;
  const libraryText = readFileSync(path.join(CIRCUITS_DIR, "lib", `${library}.circom`), "utf8");
  const hash = createHash("sha256")
    .update(source)
    .update(libraryText)
    .update(CIRCOM_FLAGS.join(" "))
    .digest("hex")
    .slice(0, 16);
  const dir = path.join(CIRCUITS_DIR, ".cache", "test", hash);
  const r1cs = path.join(dir, "main.r1cs");
  const wasm = path.join(dir, "main_js", "main.wasm");
  const sym = path.join(dir, "main.sym");
  if (![r1cs, wasm, sym].every(existsSync)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "main.circom"), source);
    const relative = path.relative(REPO_ROOT, dir);
    const result = spawnSync(
      path.join(REPO_ROOT, "node_modules", ".bin", "circom2"),
      [path.join(relative, "main.circom"), "--r1cs", "--wasm", "--sym", ...CIRCOM_FLAGS, "-o", relative],
      { cwd: REPO_ROOT, encoding: "utf8" },
    );
    if (result.status !== 0)
      throw new Error(`circom2 failed for ${mainComponent}:\n${result.stdout}\n${result.stderr}`);
  }
  const signals = new Map<string, number>();
  for (const line of readFileSync(sym, "utf8").split("\n")) {
    const [, witnessIndex, , name] = line.split(",");
    if (name !== undefined && Number(witnessIndex) >= 0) signals.set(name, Number(witnessIndex));
  }
  const indexOf = (name: string) => {
    const index = signals.get(name);
    if (index === undefined) throw new Error(`no signal ${name} in ${mainComponent}`);
    return index;
  };
  const { nConstraints } = await snarkjs.r1cs.info(r1cs, { debug() {}, info() {}, warn() {}, error() {} });
  const toWitnessInput = (value: bigint | bigint[]) =>
    Array.isArray(value) ? value.map((v) => toField(v).toString()) : toField(value).toString();
  return {
    r1cs,
    wasm,
    signals,
    constraints: nConstraints,
    witness: (input) =>
      calculateWitness(wasm, Object.fromEntries(Object.entries(input).map(([k, v]) => [k, toWitnessInput(v)]))),
    value: async (witness, name) => (await witnessValues(witness))[indexOf(name)],
    forge: (witness, name, value) => withSignal(witness, indexOf(name), toField(value)),
    forgeKept: (witness, values) =>
      Object.entries(values)
        .filter(([name]) => signals.has(name))
        .reduce((forged, [name, value]) => withSignal(forged, indexOf(name), toField(value)), witness),
    accepts: (witness) => satisfies(r1cs, witness),
  };
}
