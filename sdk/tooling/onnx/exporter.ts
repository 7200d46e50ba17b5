import { IR_VERSION, OPSET_VERSION, floatTensor, onnx, type OnnxNode, type OnnxTensor } from "./proto.js";
import type { Network } from "./network.js";

/** How the exporter writes a network. */
export interface ExportOptions {
  /** The graph's name. */
  name: string;
  /** Write dense layers as Gemm (default) or as MatMul followed by Add. */
  dense?: "gemm" | "matmul";
  /** A note stored as the model's doc string. */
  description?: string;
}

/** The graph's input and output names, fixed so that callers (and onnxruntime) can feed and read them. */
export const EXPORT_NAMES = { input: "input", output: "output", logits: "logits", class: "class" } as const;

function valueInfo(name: string, elemType: number, dims: number[]) {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  };
}

/**
 * Writes `network` as an ONNX model (IR 8, opset 13) with batch size 1: input `input` of shape [1, ...inputShape];
 * output `output` (no head), `output` holding the probabilities (softmax head), or `logits` and `class` (argmax head,
 * class as int64); a standardisation becomes leading Sub and Div nodes. Written with our own code from the layer list, so the project's fixed-point models can be handed
 * to any ONNX tool and read back by the importer.
 */
export function exportNetwork(network: Network, options: ExportOptions): Uint8Array {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [];
  let current: string = EXPORT_NAMES.input;
  let shape = [1, ...network.inputShape];
  const next = (i: number, what: string) => `${what}_${i}`;

  const standardize = network.preprocessing?.standardize;
  if (standardize !== undefined) {
    // (input - mean) / std, with the input's own shape: the importer reads it back as preprocessing.
    initializers.push(floatTensor("mean", [1, ...network.inputShape], standardize.mean));
    initializers.push(floatTensor("std", [1, ...network.inputShape], standardize.std));
    nodes.push({ name: "center", opType: "Sub", input: [current, "mean"], output: ["centered"] });
    nodes.push({ name: "scale", opType: "Div", input: ["centered", "std"], output: ["standardized"] });
    current = "standardized";
  }
  network.layers.forEach((layer, i) => {
    switch (layer.op) {
      case "dense": {
        const [outputs, inputs] = [layer.weights.length, layer.weights[0].length];
        if (shape.length !== 2 || shape[1] !== inputs)
          throw new Error(`layer ${i}: dense of ${inputs} inputs after shape [${shape}] (flatten first)`);
        const out = next(i, "dense");
        if ((options.dense ?? "gemm") === "gemm") {
          initializers.push(floatTensor(`W_${i}`, [outputs, inputs], layer.weights.flat()));
          initializers.push(floatTensor(`B_${i}`, [outputs], layer.bias));
          nodes.push({
            name: `gemm_${i}`,
            opType: "Gemm",
            input: [current, `W_${i}`, `B_${i}`],
            output: [out],
            attribute: [{ name: "transB", type: onnx.AttributeProto.AttributeType.INT, i: 1 }],
          });
        } else {
          // MatMul takes W as [inputs][outputs].
          const transposed = Array.from({ length: inputs }, (_, r) => layer.weights.map((row) => row[r]));
          initializers.push(floatTensor(`W_${i}`, [inputs, outputs], transposed.flat()));
          initializers.push(floatTensor(`B_${i}`, [outputs], layer.bias));
          nodes.push({ name: `matmul_${i}`, opType: "MatMul", input: [current, `W_${i}`], output: [`${out}_mm`] });
          nodes.push({ name: `add_${i}`, opType: "Add", input: [`${out}_mm`, `B_${i}`], output: [out] });
        }
        current = out;
        shape = [1, outputs];
        break;
      }
      case "conv": {
        const [channels, inChannels, kernel] = [
          layer.filters.length,
          layer.filters[0].length,
          layer.filters[0][0].length,
        ];
        if (shape.length !== 4 || shape[1] !== inChannels)
          throw new Error(`layer ${i}: convolution of ${inChannels} channels after shape [${shape}]`);
        const out = next(i, "conv");
        initializers.push(floatTensor(`W_${i}`, [channels, inChannels, kernel, kernel], layer.filters.flat(3)));
        initializers.push(floatTensor(`B_${i}`, [channels], layer.bias));
        const ints = (name: string, values: number[]) => ({
          name,
          type: onnx.AttributeProto.AttributeType.INTS,
          ints: values,
        });
        nodes.push({
          name: `conv_${i}`,
          opType: "Conv",
          input: [current, `W_${i}`, `B_${i}`],
          output: [out],
          attribute: [ints("kernel_shape", [kernel, kernel]), ints("strides", [1, 1]), ints("pads", [0, 0, 0, 0])],
        });
        current = out;
        shape = [1, channels, shape[2] - kernel + 1, shape[3] - kernel + 1];
        break;
      }
      case "relu":
      case "sigmoid":
      case "hardSigmoid": {
        const out = next(i, layer.op);
        const opType = { relu: "Relu", sigmoid: "Sigmoid", hardSigmoid: "HardSigmoid" }[layer.op];
        const attribute =
          layer.op === "hardSigmoid"
            ? [
                { name: "alpha", type: onnx.AttributeProto.AttributeType.FLOAT, f: 0.25 },
                { name: "beta", type: onnx.AttributeProto.AttributeType.FLOAT, f: 0.5 },
              ]
            : [];
        nodes.push({ name: `${layer.op}_${i}`, opType, input: [current], output: [out], attribute });
        current = out;
        break;
      }
      case "flatten": {
        const out = next(i, "flatten");
        nodes.push({ name: `flatten_${i}`, opType: "Flatten", input: [current], output: [out] });
        current = out;
        shape = [1, shape.slice(1).reduce((a, b) => a * b, 1)];
        break;
      }
    }
  });

  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const outputs = [];
  const rename = (name: string) => {
    // The last layer's output gets the public name.
    for (const node of nodes) {
      node.input = node.input!.map((n) => (n === current ? name : n));
      node.output = node.output!.map((n) => (n === current ? name : n));
    }
    current = name;
  };
  if (network.head === "none") {
    rename(EXPORT_NAMES.output);
    outputs.push(valueInfo(EXPORT_NAMES.output, FLOAT, shape));
  } else if (network.head === "softmax") {
    nodes.push({
      name: "softmax",
      opType: "Softmax",
      input: [current],
      output: [EXPORT_NAMES.output],
      attribute: [{ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: -1 }],
    });
    outputs.push(valueInfo(EXPORT_NAMES.output, FLOAT, shape));
  } else {
    rename(EXPORT_NAMES.logits);
    nodes.push({
      name: "argmax",
      opType: "ArgMax",
      input: [EXPORT_NAMES.logits],
      output: [EXPORT_NAMES.class],
      attribute: [
        { name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: 1 },
        { name: "keepdims", type: onnx.AttributeProto.AttributeType.INT, i: 0 },
      ],
    });
    outputs.push(valueInfo(EXPORT_NAMES.logits, FLOAT, shape));
    outputs.push(valueInfo(EXPORT_NAMES.class, onnx.TensorProto.DataType.INT64, [1]));
  }

  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: OPSET_VERSION }],
    producerName: "tierproof",
    producerVersion: "0.1.0",
    docString: options.description ?? "",
    graph: {
      name: options.name,
      node: nodes,
      initializer: initializers,
      input: [valueInfo(EXPORT_NAMES.input, FLOAT, [1, ...network.inputShape])],
      output: outputs,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
