import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import type { CircuitInstance } from "../../lib/zk/circuits.js";
import { calibrate, type Calibration, type CalibrationOptions } from "./calibration.js";
import { describeLayers, type Network } from "./network.js";
import { readOnnx } from "./reader.js";
import { privateWeightsInstance } from "./privateWeights.js";
import { sequentialOf, sequentialSource } from "./sequential.js";
import type { FixedPointModel } from "./templates.js";
import { CIRCUITS_DIR } from "../zk/circuitFiles.js";

/** Where `npm run model:import` writes imported instances and their circuits by default. */
export const GENERATED_MODELS_DIR = path.join(CIRCUITS_DIR, "models", "generated");

/** Options of an import: the instance's name and the calibration. */
export interface ImportOptions extends CalibrationOptions {
  /** The circuit instance name (circuits.json key); carry the shape in it, e.g. `Onnx-Mlp_4-8-3`. */
  name: string;
  /** Where the model came from (a file name), recorded in the instance. */
  source?: string;
  /** Where the files will be written (default circuits/models/generated); a composed circuit's template goes there. */
  dir?: string;
  /** Compose a circuit from the layer templates even where a fixed template fits. */
  prefer?: "fixed" | "sequential";
}

/** An imported model: the float network, its circuit instance and reference, and how its scale was chosen. */
export interface ImportResult {
  network: Network;
  model: FixedPointModel;
  calibration: Calibration;
  /** The ONNX graph's input and output names. */
  inputName: string;
  outputNames: string[];
  /** What the importer did beyond a one-to-one mapping (approximations, folded nodes). */
  notes: string[];
}

/**
 * Imports an ONNX model: reads its graph (Gemm, MatMul, Add, Relu, Sigmoid, HardSigmoid, Flatten, Conv, Softmax,
 * ArgMax; anything else is refused naming the node and operator), maps it onto a circuit template, and calibrates the
 * fixed-point scale on `options.samples`.
 */
export function importOnnx(bytes: Uint8Array, options: ImportOptions): ImportResult {
  if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(options.name))
    throw new Error(`instance name "${options.name}": use letters, digits, "_", "-" and "."`);
  const read = readOnnx(bytes);
  const { model, calibration } = calibrate(
    read.network,
    {
      name: options.name,
      description:
        `Imported from ${options.source ?? "an ONNX model"}: ${describeLayers(read.network)}, ` +
        `weights at 2^${"{F}"}`,
      generatedFile: path
        .relative(CIRCUITS_DIR, path.join(options.dir ?? GENERATED_MODELS_DIR, `${options.name}_model.circom`))
        .split(path.sep)
        .join("/"),
      prefer: options.prefer,
    },
    options,
  );
  // The description names the chosen scale.
  model.instance.description = model.instance.description!.replace("{F}", String(calibration.fracBits));
  return {
    network: read.network,
    model,
    calibration,
    inputName: read.inputName,
    outputNames: read.outputNames,
    notes: read.notes,
  };
}

/** The circuits.json entry of an import: the instance and, under `onnx`, where it came from and its calibration. */
export function instanceEntry(result: ImportResult, source?: string): Record<string, unknown> {
  const { name, ...entry } = result.model.instance;
  return {
    [name]: {
      ...entry,
      onnx: {
        source: source ?? null,
        layers: describeLayers(result.network),
        calibration: result.calibration,
        notes: result.notes,
      },
    },
  };
}

/** The main component of an instance written at `file` (includes resolved relative to it, as circom does). */
export function mainComponentSource(instance: CircuitInstance, file: string, origin: string): string {
  const include = path.relative(path.dirname(file), path.join(CIRCUITS_DIR, instance.file)).split(path.sep).join("/");
  const params = instance.params.map((p) => JSON.stringify(p)).join(", ");
  return [
    `// GENERATED FILE: do not edit. Written by \`npm run model:import\` from ${origin}, instance ${instance.name}.`,
    "pragma circom 2.1.0;",
    "",
    `include "${include}";`,
    "",
    `component main {public [${instance.pubs.join(", ")}]} = ${instance.template}(${params});`,
    "",
  ].join("\n");
}

/** The files an import writes. */
export interface ImportFiles {
  /** `<name>.json`: a circuits.json-style object with the one instance. */
  instance: string;
  /** `<name>.circom`: the main component over the template. */
  circuit: string;
  /** `<name>_model.circom`: a composed circuit's generated template (absent for the fixed templates). */
  template?: string;
  /** With `privateWeights`: `<name>_private.circom`, the main component of the private-weights instance. */
  privateCircuit?: string;
}

/**
 * Writes the instance (`<dir>/<name>.json`, circuits.json format) and its main circuit (`<dir>/<name>.circom`); with
 * `privateWeights` also its private-weights instance (`<name>_private`, same JSON file) and main circuit; with
 * `addTo`, merges the instance(s) into that circuits.json so `npm run circuits:build <name>` builds the verifier.
 */
export async function writeImport(
  result: ImportResult,
  dir: string,
  options: { source?: string; addTo?: string; privateWeights?: boolean } = {},
): Promise<ImportFiles> {
  mkdirSync(dir, { recursive: true });
  const name = result.model.instance.name;
  const files: ImportFiles = { instance: path.join(dir, `${name}.json`), circuit: path.join(dir, `${name}.circom`) };
  const entry = instanceEntry(result, options.source);
  if (options.privateWeights) {
    // The private-weights instance beside it (its `weightsOf` names the public one, which holds the weights).
    const { name: privateName, ...privateEntry } = privateWeightsInstance(result.model.instance);
    entry[privateName] = privateEntry;
    files.privateCircuit = path.join(dir, `${privateName}.circom`);
    writeFileSync(
      files.privateCircuit,
      mainComponentSource(
        { name: privateName, ...privateEntry },
        files.privateCircuit,
        options.source ?? "an ONNX model",
      ),
    );
  }
  // Formatted as the repository's prettier formats circuits.json (arrays of numbers packed to the line width).
  const { format } = await import("prettier");
  const json = (value: unknown) => format(JSON.stringify(value), { parser: "json", printWidth: 120 });
  writeFileSync(files.instance, await json(entry));
  const origin = options.source ?? "an ONNX model";
  writeFileSync(files.circuit, mainComponentSource(result.model.instance, files.circuit, origin));
  const structure = sequentialOf(result.model.instance);
  if (structure !== undefined) {
    const template = path.join(CIRCUITS_DIR, result.model.instance.file);
    if (path.dirname(template) !== path.resolve(dir))
      throw new Error(`the composed template ${template} belongs in ${dir}: import with the same dir`);
    writeFileSync(template, sequentialSource(structure, result.model.instance.template, template, origin));
    files.template = template;
  }
  if (options.addTo !== undefined) {
    const all = JSON.parse(readFileSync(options.addTo, "utf8")) as Record<string, unknown>;
    Object.assign(all, entry);
    writeFileSync(options.addTo, await json(all));
  }
  return files;
}
