/**
 * Exports a circuit instance of circuits/circuits.json (LinearRegression, LogisticRegression, Mlp, Cnn) to ONNX:
 *   npm run model:export -- Mlp_4-8-3 [out.onnx] [--matmul]
 * The float weights are the fixed-point ones divided by their scales; the graph takes the circuit's input divided by
 * 2^fracBits. A thin layer over sdk/tooling/onnx.
 */
import { writeFileSync } from "node:fs";

import { Command } from "commander";

import { exportNetwork, networkOfInstance } from "../../sdk/tooling/index.js";
import { loadCircuitInstance } from "../../sdk/tooling/zk/circuitFiles.js";

const program = new Command()
  .name("model:export")
  .argument("<instance>", "circuit instance name in circuits/circuits.json")
  .argument("[out]", "output file (default <instance>.onnx)")
  .option("--matmul", "write dense layers as MatMul + Add instead of Gemm")
  .parse();
const [name, out = `${name}.onnx`] = program.args;
const instance = loadCircuitInstance(name);
const bytes = exportNetwork(networkOfInstance(instance), {
  name,
  dense: program.opts<{ matmul?: boolean }>().matmul ? "matmul" : "gemm",
  description: instance.description,
});
writeFileSync(out, bytes);
console.log(`${name} (${instance.template}) → ${out}, ${bytes.length} bytes`);
