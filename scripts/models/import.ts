/**
 * Imports an ONNX model into a circuit instance:
 *   npm run model:import -- model.onnx [--name Onnx-Mlp_4-8-3] [--samples inputs.json] [--out dir] [--compose] [--add]
 * Reads the graph, maps it onto a circuit template (or composes one from the layer templates, written as
 * `<out>/<name>_model.circom`, when no fixed template fits or with --compose), calibrates the fixed-point scale on the sample inputs (a JSON
 * array of float input vectors, flat and channel first; without --samples, seeded uniform inputs in
 * [-range, range]), and writes `<out>/<name>.json` (a circuits.json instance) and `<out>/<name>.circom` (its main
 * circuit). With --add the instance is also merged into circuits/circuits.json, so `npm run circuits:build <name>`
 * builds its verifier. A thin layer over sdk/tooling/onnx.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

import { Command } from "commander";

import { GENERATED_MODELS_DIR, importOnnx, readOnnx, writeImport } from "../../sdk/tooling/index.js";
import { seededRandom } from "../../sdk/tooling/models/train.js";
import { CIRCUITS_DIR, REPO_ROOT } from "../../sdk/tooling/zk/circuitFiles.js";

const program = new Command()
  .name("model:import")
  .argument("<model.onnx>", "the ONNX file")
  .option("--name <name>", "circuit instance name (default: Onnx-<file name>)")
  .option("--samples <file>", "JSON array of float input vectors to calibrate on")
  .option("--random-samples <n>", "without --samples: this many seeded uniform inputs", "256")
  .option("--range <r>", "without --samples: inputs uniform in [-r, r]", "3")
  .option("--accumulator-bits <bits>", "signed accumulator width", "32")
  .option("--max-frac-bits <bits>", "widest fraction tried", "16")
  .option("--frac-bits <bits>", "use this fraction width instead of searching")
  .option("--out <dir>", "output folder", GENERATED_MODELS_DIR)
  .option("--compose", "compose a circuit from the layer templates even where a fixed template fits")
  .option("--private-weights", "also write the private-weights instance <name>_private (Linear, Logistic, Mlp, Cnn)")
  .option("--add", "also add the instance(s) to circuits/circuits.json")
  .parse();

const [file] = program.args;
const opts = program.opts<{
  name?: string;
  samples?: string;
  randomSamples: string;
  range: string;
  accumulatorBits: string;
  maxFracBits: string;
  fracBits?: string;
  out: string;
  compose?: boolean;
  privateWeights?: boolean;
  add?: boolean;
}>();
const bytes = new Uint8Array(readFileSync(file));
const source = path.relative(REPO_ROOT, path.resolve(file)).startsWith("..")
  ? path.basename(file)
  : path.relative(REPO_ROOT, path.resolve(file));

let samples: number[][];
if (opts.samples !== undefined) {
  samples = JSON.parse(readFileSync(opts.samples, "utf8")) as number[][];
  if (!Array.isArray(samples) || !samples.every((s) => Array.isArray(s) && s.every((v) => typeof v === "number")))
    throw new Error(`${opts.samples}: expected a JSON array of number arrays`);
} else {
  const { network } = readOnnx(bytes);
  const size = network.inputShape.reduce((a, b) => a * b, 1);
  const random = seededRandom(1);
  const range = Number(opts.range);
  samples = Array.from({ length: Number(opts.randomSamples) }, () =>
    Array.from({ length: size }, () => (random() * 2 - 1) * range),
  );
  console.warn(`no --samples: calibrating on ${samples.length} seeded uniform inputs in [-${range}, ${range}]`);
}

const name = opts.name ?? `Onnx-${path.basename(file, path.extname(file))}`;
let result: ReturnType<typeof importOnnx>;
try {
  result = importOnnx(bytes, {
    name,
    source,
    samples,
    accumulatorBits: Number(opts.accumulatorBits),
    maxFracBits: Number(opts.maxFracBits),
    fracBits: opts.fracBits === undefined ? undefined : Number(opts.fracBits),
    dir: opts.out,
    prefer: opts.compose ? "sequential" : "fixed",
  });
} catch (error) {
  // The importer's errors name the node and operator or the unsupported layer sequence: print them without a trace.
  console.error(`model:import: ${file}: ${(error as Error).message}`);
  process.exit(1);
}
const files = await writeImport(result, opts.out, {
  source,
  addTo: opts.add ? path.join(CIRCUITS_DIR, "circuits.json") : undefined,
  privateWeights: opts.privateWeights,
});
const { calibration: c } = result;
console.log(`${name}: ${result.model.template} (${result.model.instance.file})`);
console.log(
  `  scale 2^${c.fracBits} (${c.reason}), ${c.accumulatorBits}-bit accumulators, peak ${c.peak.toPrecision(4)}, ` +
    `headroom ${Number.isFinite(c.headroomBits) ? c.headroomBits.toFixed(1) : "∞"} bits, ${c.samples} samples`,
);
for (const note of result.notes) console.log(`  note: ${note}`);
const written = [files.instance, files.circuit, files.template, files.privateCircuit].filter((f) => f !== undefined);
console.log(`  wrote ${written.map((f) => path.relative(process.cwd(), f)).join(", ")}`);
if (opts.add) {
  const names = opts.privateWeights ? `${name} ${name}_private` : name;
  console.log(`  added to circuits/circuits.json: build with npm run circuits:build -- ${names}`);
}
