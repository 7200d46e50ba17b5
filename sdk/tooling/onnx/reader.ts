import type { ConvLayer, DenseLayer, Head, Layer, Network } from "./network.js";
import { onnx, tensorValues, toNumber, type OnnxAttribute, type OnnxNode } from "./proto.js";

/** The operators the reader understands (default ONNX domain). */
export const SUPPORTED_OPERATORS = [
  "Sub",
  "Div",
  "Gemm",
  "MatMul",
  "Add",
  "BatchNormalization",
  "Relu",
  "Sigmoid",
  "HardSigmoid",
  "Flatten",
  "Reshape",
  "Conv",
  "Softmax",
  "ArgMax",
  "Identity",
  "Dropout",
  "Constant",
] as const;

/** A network read from an ONNX file, with what the reader noticed on the way (approximations, folded nodes). */
export interface ReadNetwork {
  network: Network;
  /** The graph's input name, for feeding the original model to an ONNX runtime. */
  inputName: string;
  /** The graph's output names. */
  outputNames: string[];
  notes: string[];
}

type Tensor = { dims: number[]; values: number[] };

function attributes(node: OnnxNode): Map<string, OnnxAttribute> {
  return new Map((node.attribute ?? []).map((a) => [a.name ?? "", a]));
}

function intAttr(attrs: Map<string, OnnxAttribute>, name: string, fallback: number): number {
  const a = attrs.get(name);
  return a === undefined ? fallback : toNumber(a.i as number);
}

function intsAttr(attrs: Map<string, OnnxAttribute>, name: string): number[] | undefined {
  const a = attrs.get(name);
  return a === undefined ? undefined : (a.ints ?? []).map((v) => toNumber(v as number));
}

function floatAttr(attrs: Map<string, OnnxAttribute>, name: string, fallback: number): number {
  const a = attrs.get(name);
  return a === undefined ? fallback : (a.f ?? 0);
}

/** A row-major tensor of dims [rows, cols] as rows. */
function rows(t: Tensor, rowCount: number, colCount: number): number[][] {
  return Array.from({ length: rowCount }, (_, r) => t.values.slice(r * colCount, (r + 1) * colCount));
}

/** A bias tensor broadcast to `size` values (shapes [size], [1, size], [1] or a scalar). */
function broadcastBias(t: Tensor, size: number, where: string): number[] {
  const n = t.values.length;
  if (n === size) return [...t.values];
  if (n === 1) return new Array(size).fill(t.values[0]);
  throw new Error(`${where}: a bias of shape [${t.dims}] does not broadcast to ${size} outputs`);
}

/**
 * Reads an ONNX model into a float network: a single chain of supported operators from the one graph input,
 * optionally ending in Softmax and/or ArgMax. Every node that is not supported, or that breaks the chain, is refused
 * with an error naming the node and its operator.
 */
export function readOnnx(bytes: Uint8Array): ReadNetwork {
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new Error(`not an ONNX model: ${(error as Error).message}`);
  }
  const graph = model.graph;
  if (!graph || (graph.node ?? []).length === 0) throw new Error("the ONNX model has no graph nodes");
  const opset = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === "ai.onnx");
  const opsetVersion = opset ? toNumber(opset.version as number) : 0;
  const notes: string[] = [];

  const constants = new Map<string, Tensor>();
  for (const init of graph.initializer ?? []) constants.set(init.name ?? "", tensorValues(init));
  const inputs = (graph.input ?? []).filter((i) => !constants.has(i.name ?? ""));
  if (inputs.length !== 1) throw new Error(`the graph has ${inputs.length} inputs; exactly one is supported`);
  const input = inputs[0];
  const dims = (input.type?.tensorType?.shape?.dim ?? []).map((d) =>
    d.dimValue !== undefined && d.dimValue !== null && toNumber(d.dimValue as number) > 0
      ? toNumber(d.dimValue as number)
      : -1,
  );
  if (dims.length !== 2 && dims.length !== 4)
    throw new Error(`input "${input.name}" has rank ${dims.length}; supported: [batch, n] or [batch, channels, h, w]`);
  if (dims[0] !== 1 && dims[0] !== -1) throw new Error(`input "${input.name}" has batch size ${dims[0]}; use 1`);
  if (dims.slice(1).some((d) => d < 0)) throw new Error(`input "${input.name}" has a symbolic dimension besides batch`);
  const inputShape = dims.slice(1);

  const layers: Layer[] = [];
  let tip = input.name ?? "";
  let shape = [...inputShape];
  let head: Head = "none";
  let headTip: string | undefined;
  // Leading Sub/Div: stage 0 none yet, 1 after Sub, 2 after Div.
  const inputSize = inputShape.reduce((a, b) => a * b, 1);
  const standardize = {
    stage: 0,
    mean: new Array(inputSize).fill(0) as number[],
    std: new Array(inputSize).fill(1) as number[],
  };
  // The tensor a bias Add may follow: the output of the last dense or convolution.
  let biasable: string | undefined;

  (graph.node ?? []).forEach((node, index) => {
    const op = node.opType ?? "";
    const where = `node "${node.name || `#${index}`}" (${node.domain ? `${node.domain}.` : ""}${op})`;
    if (node.domain && node.domain !== "ai.onnx")
      throw new Error(`unsupported operator at ${where}: only the default ONNX domain is supported`);
    if (!(SUPPORTED_OPERATORS as readonly string[]).includes(op))
      throw new Error(`unsupported operator at ${where}; supported: ${SUPPORTED_OPERATORS.join(", ")}`);
    const attrs = attributes(node);
    const ins = node.input ?? [];
    const outs = node.output ?? [];
    const constant = (name: string | undefined, what: string): Tensor => {
      const t = name === undefined ? undefined : constants.get(name);
      if (t === undefined) throw new Error(`${where}: ${what} "${name}" must be a constant (initializer)`);
      return t;
    };
    const activation = (name: string) => {
      if (head !== "none")
        throw new Error(`${where} follows the output head; Softmax/ArgMax are supported only at the output`);
      if (name !== tip)
        throw new Error(
          `${where} reads "${name}", not the previous layer's output "${tip}": only a chain is supported`,
        );
    };
    const advance = () => {
      tip = outs[0];
      biasable = undefined;
    };

    switch (op) {
      case "Constant": {
        const value = attrs.get("value")?.t;
        if (!value) throw new Error(`${where}: only a tensor "value" is supported`);
        constants.set(outs[0], tensorValues(value));
        return;
      }
      case "Identity":
      case "Dropout":
        if (head !== "none" && ins[0] === headTip) headTip = outs[0];
        else {
          activation(ins[0]);
          tip = outs[0];
          if (biasable === ins[0]) biasable = outs[0];
        }
        notes.push(`${where}: passed through (inference)`);
        return;
      case "Gemm":
      case "MatMul": {
        activation(ins[0]);
        if (shape.length !== 1) throw new Error(`${where}: input of shape [${shape}] needs a Flatten first`);
        const b = constant(ins[1], "the weight matrix");
        if (b.dims.length !== 2) throw new Error(`${where}: the weight matrix has rank ${b.dims.length}`);
        const transA = op === "Gemm" ? intAttr(attrs, "transA", 0) : 0;
        if (transA !== 0) throw new Error(`${where}: transA = ${transA} is not supported`);
        const transB = op === "Gemm" ? intAttr(attrs, "transB", 0) : 0;
        const alpha = op === "Gemm" ? floatAttr(attrs, "alpha", 1) : 1;
        const beta = op === "Gemm" ? floatAttr(attrs, "beta", 1) : 1;
        const [inCount, outCount] = transB ? [b.dims[1], b.dims[0]] : b.dims;
        if (inCount !== shape[0])
          throw new Error(`${where}: ${inCount} inputs expected, the previous layer gives ${shape[0]}`);
        const matrix = transB
          ? rows(b, outCount, inCount)
          : Array.from({ length: outCount }, (_, o) =>
              Array.from({ length: inCount }, (_, i) => b.values[i * outCount + o]),
            );
        const bias =
          op === "Gemm" && ins[2]
            ? broadcastBias(constant(ins[2], "the bias"), outCount, where)
            : new Array(outCount).fill(0);
        const layer: DenseLayer = {
          op: "dense",
          weights: matrix.map((row) => row.map((v) => alpha * v)),
          bias: bias.map((v) => beta * v),
        };
        layers.push(layer);
        shape = [outCount];
        advance();
        biasable = tip;
        return;
      }
      case "Add": {
        const [a, c] = constants.has(ins[0]) ? [ins[1], ins[0]] : [ins[0], ins[1]];
        activation(a);
        const last = layers[layers.length - 1];
        if (biasable !== a || (last?.op !== "dense" && last?.op !== "conv"))
          throw new Error(`${where}: only a constant bias added right after Gemm, MatMul or Conv is supported`);
        const t = constant(c, "the added tensor");
        const size = last.bias.length;
        const added = broadcastBias(t, size, where);
        last.bias = last.bias.map((v, i) => v + added[i]);
        notes.push(
          `${where}: folded into the bias of the previous ${last.op === "dense" ? "dense layer" : "convolution"}`,
        );
        tip = outs[0];
        biasable = tip;
        return;
      }
      case "Sub":
      case "Div": {
        // (x - mean) / std on the raw input, before any layer: recorded as the instance's preprocessing.
        activation(ins[0]);
        const size = inputShape.reduce((a, b) => a * b, 1);
        if (layers.length > 0 || (op === "Sub" && standardize.stage > 0) || standardize.stage > 1)
          throw new Error(`${where}: Sub and Div are supported only as (input - mean) / std before the first layer`);
        const t = constant(ins[1], op === "Sub" ? "the subtracted tensor" : "the divisor");
        // Broadcast a per-channel constant ([C, 1, 1] or [1, C, 1, 1]) over an image, else per value or a scalar.
        const perChannel = inputShape.length === 3 && t.values.length === inputShape[0] && t.values.length > 1;
        const perValue = perChannel
          ? t.values.flatMap((v) => new Array(inputShape[1] * inputShape[2]).fill(v) as number[])
          : broadcastBias(t, size, where);
        if (op === "Sub") standardize.mean = perValue;
        else {
          if (perValue.some((v) => v === 0)) throw new Error(`${where}: division by zero`);
          standardize.std = perValue;
        }
        standardize.stage = op === "Sub" ? 1 : 2;
        tip = outs[0];
        return;
      }
      case "BatchNormalization": {
        // Inference mode: y = scale·(x − mean)/√(var + ε) + B per channel, folded into the previous Gemm/MatMul/Conv
        // (w' = w·k, b' = (b − mean)·k + B with k = scale/√(var + ε)), as EZKL and the ONNX optimisers do.
        activation(ins[0]);
        const last = layers[layers.length - 1];
        if (biasable !== ins[0] || (last?.op !== "dense" && last?.op !== "conv"))
          throw new Error(`${where}: only right after Gemm, MatMul or Conv (folded into it) is supported`);
        if (outs.length > 1 && outs.slice(1).some((o) => o !== ""))
          throw new Error(`${where}: training mode (running mean/var outputs) is not supported`);
        const channels = last.bias.length;
        const [gamma, beta, mean, variance] = ["scale", "B", "input_mean", "input_var"].map((what, k) =>
          broadcastBias(constant(ins[k + 1], what), channels, where),
        );
        const epsilon = floatAttr(attrs, "epsilon", 1e-5);
        const factor = gamma.map((g, c) => g / Math.sqrt(variance[c] + epsilon));
        if (last.op === "dense") last.weights = last.weights.map((row, c) => row.map((w) => w * factor[c]));
        else
          last.filters = last.filters.map((filter, c) =>
            filter.map((ch) => ch.map((row) => row.map((w) => w * factor[c]))),
          );
        last.bias = last.bias.map((b, c) => (b - mean[c]) * factor[c] + beta[c]);
        notes.push(`${where}: folded into the previous ${last.op === "dense" ? "dense layer" : "convolution"}`);
        tip = outs[0];
        biasable = tip;
        return;
      }
      case "Relu":
        activation(ins[0]);
        layers.push({ op: "relu" });
        advance();
        return;
      case "Sigmoid":
        activation(ins[0]);
        layers.push({ op: "sigmoid" });
        notes.push(`${where}: approximated by the hard sigmoid clamp(x/4 + 1/2, 0, 1) the circuit proves`);
        advance();
        return;
      case "HardSigmoid": {
        activation(ins[0]);
        const [alpha, beta] = [floatAttr(attrs, "alpha", 0.2), floatAttr(attrs, "beta", 0.5)];
        if (Math.abs(alpha - 0.25) > 1e-7 || Math.abs(beta - 0.5) > 1e-7)
          throw new Error(`${where}: alpha = ${alpha}, beta = ${beta}; the circuit proves alpha 0.25, beta 0.5`);
        layers.push({ op: "hardSigmoid" });
        advance();
        return;
      }
      case "Flatten": {
        activation(ins[0]);
        const axis = intAttr(attrs, "axis", 1);
        if (axis !== 1) throw new Error(`${where}: axis = ${axis}; only axis 1 (keep the batch) is supported`);
        layers.push({ op: "flatten" });
        shape = [shape.reduce((x, y) => x * y, 1)];
        advance();
        return;
      }
      case "Reshape": {
        // Only a flatten that keeps the batch: a constant target [b, n] with b in {1, -1, 0} and n the size or -1.
        activation(ins[0]);
        const target = constant(ins[1], "the target shape").values;
        const size = shape.reduce((x, y) => x * y, 1);
        if (target.length !== 2 || ![1, -1, 0].includes(target[0]) || (target[1] !== size && target[1] !== -1))
          throw new Error(`${where}: reshape to [${target}]; only a flatten to [batch, ${size}] is supported`);
        layers.push({ op: "flatten" });
        shape = [size];
        advance();
        return;
      }
      case "Conv": {
        activation(ins[0]);
        if (shape.length !== 3) throw new Error(`${where}: input of shape [${shape}], expected [channels, h, w]`);
        const w = constant(ins[1], "the filters");
        if (w.dims.length !== 4)
          throw new Error(`${where}: filters of rank ${w.dims.length}; only 2-D convolution is supported`);
        const [outChannels, inChannels, kh, kw] = w.dims;
        const ones = (name: string) => (intsAttr(attrs, name) ?? []).every((v) => v === 1);
        const zeros = (intsAttr(attrs, "pads") ?? []).every((v) => v === 0);
        const autoPad = new TextDecoder().decode(attrs.get("auto_pad")?.s ?? new Uint8Array());
        if (kh !== kw) throw new Error(`${where}: kernel ${kh}×${kw}; only square kernels are supported`);
        if (kh > 7) throw new Error(`${where}: kernel ${kh}×${kw}; small kernels (up to 7×7) are supported`);
        if (!ones("strides") || !ones("dilations") || intAttr(attrs, "group", 1) !== 1)
          throw new Error(`${where}: only stride 1, dilation 1 and group 1 are supported`);
        if (!zeros || (autoPad !== "" && autoPad !== "NOTSET" && autoPad !== "VALID"))
          throw new Error(`${where}: only valid convolution (no padding) is supported`);
        if (inChannels !== shape[0] || shape[1] !== shape[2])
          throw new Error(`${where}: ${inChannels} input channels of a square image expected, got [${shape}]`);
        const filters = Array.from({ length: outChannels }, (_, o) =>
          Array.from({ length: inChannels }, (_, c) =>
            Array.from({ length: kh }, (_, i) =>
              w.values.slice(((o * inChannels + c) * kh + i) * kw, ((o * inChannels + c) * kh + i + 1) * kw),
            ),
          ),
        );
        const bias = ins[2]
          ? broadcastBias(constant(ins[2], "the bias"), outChannels, where)
          : new Array(outChannels).fill(0);
        const layer: ConvLayer = { op: "conv", filters, bias };
        layers.push(layer);
        shape = [outChannels, shape[1] - kh + 1, shape[2] - kw + 1];
        advance();
        biasable = tip;
        return;
      }
      case "Softmax":
      case "ArgMax": {
        // The head reads the logits (the chain's tip) or the other head's output (ArgMax after Softmax).
        if (ins[0] !== tip && ins[0] !== headTip)
          throw new Error(`${where} reads "${ins[0]}", not the logits "${tip}": only a chain is supported`);
        if (shape.length !== 1) throw new Error(`${where}: only over a vector of class scores`);
        // Softmax's default axis is 1 before opset 13 and -1 from it: both are the class axis of [1, n].
        const axis = intAttr(attrs, "axis", op === "Softmax" && opsetVersion < 13 ? 1 : op === "Softmax" ? -1 : 0);
        if (axis !== 1 && axis !== -1) throw new Error(`${where}: axis = ${axis}; only the class axis (1 or -1)`);
        if (op === "ArgMax" && intAttr(attrs, "select_last_index", 0) !== 0)
          throw new Error(`${where}: select_last_index = 1; the circuit picks the first maximum`);
        if (op === "Softmax" && head !== "none") throw new Error(`${where}: a second Softmax`);
        if (op === "ArgMax" && head === "argmax") throw new Error(`${where}: a second ArgMax`);
        head = op === "Softmax" ? "softmax" : "argmax";
        headTip = outs[0];
        notes.push(
          op === "Softmax"
            ? `${where}: the circuit proves the logits and their argmax; softmax is monotone, so the class is the same`
            : `${where}: the circuit's ArgMax (first maximum)`,
        );
        return;
      }
    }
  });

  if (standardize.stage > 0)
    notes.push("leading Sub/Div: recorded as preprocessing (x - mean) / std, applied before the circuit");
  return {
    network: {
      inputShape,
      layers,
      head,
      ...(standardize.stage > 0
        ? { preprocessing: { standardize: { mean: standardize.mean, std: standardize.std } } }
        : {}),
    },
    inputName: input.name ?? "",
    outputNames: (graph.output ?? []).map((o) => o.name ?? ""),
    notes,
  };
}
