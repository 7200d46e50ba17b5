/**
 * The ZK pipeline, one command (`npm run circuits:build [-- --force] [instance ...]`): for every instance in
 * circuits/circuits.json, write its main component, compile it with circom2 (WASM), run (or reuse) a local
 * powers-of-tau ceremony, a per-circuit Groth16 phase 2, and write the verifying key and the Solidity verifier.
 * An instance whose inputs did not change is not rebuilt.
 *
 * The setup is single-party: whoever runs it could forge proofs. It is for development only; see circuits/README.md
 * for a multi-party ceremony, after which `--from-zkey [--ptau <final.ptau>] <instance>` keeps the ceremony's zkey
 * and only verifies it and exports the verifying key and the verifier.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { SingleBar } from "cli-progress";
import * as snarkjs from "snarkjs";

import { type CircuitInstance } from "../../sdk/lib/zk/circuits.js";
import { releaseProverThreads } from "../../sdk/lib/zk/prove.js";
import {
  exportVerificationKey,
  renderSolidityVerifier,
  snarkjsVersion,
} from "../../sdk/tooling/zk/solidityVerifier.js";
import { CIRCOM_FLAGS, inputsHash, mainSource } from "./sources.js";
import { CIRCUITS_DIR, REPO_ROOT, circuitArtifacts, loadCircuitInstances } from "../../sdk/tooling/zk/circuitFiles.js";

const PTAU_DIR = path.join(CIRCUITS_DIR, "ptau");
const CIRCOM2 = path.join(REPO_ROOT, "node_modules", ".bin", "circom2");

/** A snarkjs logger that shows its latest line on the progress bar and keeps every line for the transcript. */
function barLogger(bar: SingleBar, transcript: string[]): snarkjs.Logger {
  const show = (message: string) => {
    transcript.push(message);
    bar.update({ detail: message.length > 60 ? `${message.slice(0, 57)}...` : message });
  };
  return { debug: show, info: show, warn: show, error: show };
}

/** Runs (or reuses) the local powers-of-tau ceremony of 2^power and returns the prepared file. */
async function powersOfTau(power: number, bar: SingleBar, transcript: string[]): Promise<string> {
  mkdirSync(PTAU_DIR, { recursive: true });
  const final = path.join(PTAU_DIR, `pot${power}_final.ptau`);
  if (existsSync(final)) return final;
  const logger = barLogger(bar, transcript);
  const [initial, contributed] = [0, 1].map((i) => path.join(PTAU_DIR, `pot${power}_000${i}.ptau`));
  const curve = await snarkjs.curves.getCurveFromName("bn128");
  await snarkjs.powersOfTau.newAccumulator(curve, power, initial, logger);
  await snarkjs.powersOfTau.contribute(
    initial,
    contributed,
    "tierproof local contribution",
    randomBytes(32).toString("hex"),
    logger,
  );
  await snarkjs.powersOfTau.preparePhase2(contributed, final, logger);
  if (!(await snarkjs.powersOfTau.verify(final, logger))) throw new Error(`powers of tau ${final} does not verify`);
  writeFileSync(path.join(PTAU_DIR, `pot${power}_transcript.txt`), `${transcript.join("\n")}\n`);
  rmSync(initial);
  rmSync(contributed);
  return final;
}

function compile(instance: CircuitInstance): void {
  const artifacts = circuitArtifacts(instance.name);
  mkdirSync(artifacts.buildDir, { recursive: true });
  // circom2 runs under WASI with the working directory as its whole file system: pass paths relative to the root.
  const relative = (file: string) => path.relative(REPO_ROOT, file);
  const result = spawnSync(
    CIRCOM2,
    [relative(artifacts.main), "--r1cs", "--wasm", ...CIRCOM_FLAGS, "-o", relative(artifacts.buildDir)],
    { cwd: REPO_ROOT, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`circom2 failed for ${instance.name}:\n${result.stdout}\n${result.stderr}`);
  const jsDir = path.join(artifacts.buildDir, `${instance.name}_js`);
  renameSync(path.join(jsDir, `${instance.name}.wasm`), artifacts.wasm);
  rmSync(jsDir, { recursive: true });
}

/** How one run treats an instance. */
interface BuildOptions {
  /** Rebuild even if the inputs did not change. */
  force: boolean;
  /** Keep the zkey already in the build folder (e.g. from a multi-party ceremony): only verify and export. */
  fromZkey: boolean;
  /** With `fromZkey`: the final powers of tau the zkey was made from. */
  ptau?: string;
}

async function build(instance: CircuitInstance, options: BuildOptions): Promise<void> {
  const artifacts = circuitArtifacts(instance.name);
  const hash = inputsHash(instance);
  const previous = existsSync(artifacts.buildInfo) ? JSON.parse(readFileSync(artifacts.buildInfo, "utf8")) : undefined;
  const complete = [artifacts.r1cs, artifacts.wasm, artifacts.zkey, artifacts.verificationKey].every(existsSync);
  if (!options.force && !options.fromZkey && complete && previous?.inputsHash === hash) {
    console.log(`${instance.name}: unchanged (inputs ${hash.slice(0, 12)}), not rebuilt`);
    return;
  }
  if (options.fromZkey && !existsSync(artifacts.zkey)) {
    throw new Error(`${instance.name}: --from-zkey needs ${path.relative(REPO_ROOT, artifacts.zkey)}`);
  }

  const steps = ["compile", "powers of tau", "phase 2 setup", "phase 2 contribution", "verify key", "export"];
  const bar = new SingleBar({
    format: `${instance.name} [{bar}] {value}/{total} {step} {detail}`,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 5000,
  });
  const transcript: string[] = [];
  const logger = barLogger(bar, transcript);
  const step = (i: number) => bar.update(i, { step: steps[i], detail: "" });
  bar.start(steps.length, 0, { step: steps[0], detail: "" });
  try {
    mkdirSync(path.dirname(artifacts.main), { recursive: true });
    writeFileSync(artifacts.main, mainSource(instance));
    compile(instance);

    step(1);
    const info = await snarkjs.r1cs.info(artifacts.r1cs);
    // Groth16 needs a domain of at least constraints + public inputs + 1.
    const power = Math.max(8, Math.ceil(Math.log2(info.nConstraints + info.nPubInputs + info.nOutputs + 1)));
    const ptau = options.fromZkey ? adoptPowersOfTau(power, options.ptau) : await powersOfTau(power, bar, []);

    if (!options.fromZkey) {
      step(2);
      const initialZkey = `${artifacts.zkey}.0000`;
      await snarkjs.zKey.newZKey(artifacts.r1cs, ptau, initialZkey, logger);
      step(3);
      const entropy = randomBytes(32).toString("hex");
      await snarkjs.zKey.contribute(initialZkey, artifacts.zkey, "tierproof local phase 2", entropy, logger);
      rmSync(initialZkey);
    }
    step(4);
    if (!(await snarkjs.zKey.verifyFromR1cs(artifacts.r1cs, ptau, artifacts.zkey, logger))) {
      throw new Error(`${instance.name}: the zkey does not match the circuit and the powers of tau`);
    }

    step(5);
    const vk = await exportVerificationKey(artifacts.zkey);
    writeFileSync(artifacts.verificationKey, `${JSON.stringify(vk, null, 2)}\n`);
    mkdirSync(path.dirname(artifacts.solidityVerifier), { recursive: true });
    writeFileSync(artifacts.solidityVerifier, await renderSolidityVerifier(instance.name));
    writeFileSync(path.join(artifacts.buildDir, "transcript.txt"), `${transcript.join("\n")}\n`);
    const buildInfo = {
      inputsHash: hash,
      constraints: info.nConstraints,
      publicSignals: info.nOutputs + info.nPubInputs,
      ptau: path.relative(CIRCUITS_DIR, ptau),
      snarkjs: snarkjsVersion(),
    };
    writeFileSync(artifacts.buildInfo, `${JSON.stringify(buildInfo, null, 2)}\n`);
    bar.update(steps.length, { step: "done", detail: "" });
  } finally {
    bar.stop();
  }
  console.log(
    `${instance.name}: built, ${JSON.parse(readFileSync(artifacts.buildInfo, "utf8")).constraints} constraints`,
  );
}

/** With --from-zkey: the powers of tau of an outside ceremony, copied to where build.json will point. */
function adoptPowersOfTau(power: number, source: string | undefined): string {
  const final = path.join(PTAU_DIR, `pot${power}_final.ptau`);
  if (source !== undefined) copyFileSync(source, final);
  if (!existsSync(final)) throw new Error(`--from-zkey needs the ceremony's powers of tau: pass --ptau <file>`);
  return final;
}

const args = process.argv.slice(2);
const options: BuildOptions = {
  force: args.includes("--force"),
  fromZkey: args.includes("--from-zkey"),
  ptau: args.includes("--ptau") ? args[args.indexOf("--ptau") + 1] : undefined,
};
const wanted = args.filter((arg, i) => !arg.startsWith("--") && args[i - 1] !== "--ptau");
const instances = loadCircuitInstances().filter((i) => wanted.length === 0 || wanted.includes(i.name));
if (wanted.length > 0 && instances.length !== wanted.length) {
  const unknown = wanted.filter((w) => !instances.some((i) => i.name === w));
  throw new Error(`unknown circuit instance(s): ${unknown.join(", ")}`);
}
if (!options.fromZkey) {
  console.warn(
    "NOTE: this is a single-party trusted setup, for development only: whoever ran it could forge proofs.\n" +
      "      For a deployment that holds value, run a multi-party ceremony (circuits/README.md).",
  );
}
for (const instance of instances) await build(instance, options);
await releaseProverThreads();
