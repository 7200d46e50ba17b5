/**
 * The ONNX protobuf schema, from the `onnx-proto` package (protobufjs code generated from onnx.proto, ONNX 1.10),
 * and the few conversions between its messages and plain numbers that the importer and exporter share.
 */
import onnxProto from "onnx-proto";

export const { onnx } = onnxProto;
export type OnnxModel = onnxProto.onnx.ModelProto;
export type OnnxGraph = onnxProto.onnx.IGraphProto;
export type OnnxNode = onnxProto.onnx.INodeProto;
export type OnnxTensor = onnxProto.onnx.ITensorProto;
export type OnnxAttribute = onnxProto.onnx.IAttributeProto;

/** The IR version and default-domain opset we write (onnxruntime 1.30 runs both; the importer reads any). */
export const IR_VERSION = 8;
export const OPSET_VERSION = 13;

/** A protobuf int64 (a number or a protobufjs Long) as a number; throws beyond 2^53. */
export function toNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === "number" ? value : value.toNumber();
  if (!Number.isSafeInteger(n)) throw new RangeError(`int64 value ${n} is beyond 2^53`);
  return n;
}

/** A float32 tensor of `dims` holding `values` (row-major). */
export function floatTensor(name: string, dims: number[], values: readonly number[]): OnnxTensor {
  const size = dims.reduce((a, b) => a * b, 1);
  if (values.length !== size) throw new Error(`tensor ${name}: ${values.length} values for dims [${dims}]`);
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: [...values] };
}

/** The values of a FLOAT, DOUBLE or INT64 tensor (typed fields or little-endian raw data), row-major. */
export function tensorValues(tensor: OnnxTensor): { dims: number[]; values: number[] } {
  const dims = (tensor.dims ?? []).map(toNumber);
  const size = dims.reduce((a, b) => a * b, 1);
  const type = tensor.dataType ?? 0;
  let values: number[];
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new Error(`tensor ${tensor.name} keeps its data in an external file, which is not supported`);
  } else if (type === onnx.TensorProto.DataType.FLOAT) {
    if (tensor.rawData && tensor.rawData.length > 0) {
      const raw = tensor.rawData;
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      values = Array.from({ length: raw.byteLength / 4 }, (_, i) => view.getFloat32(4 * i, true));
    } else values = [...(tensor.floatData ?? [])];
  } else if (type === onnx.TensorProto.DataType.DOUBLE) {
    if (tensor.rawData && tensor.rawData.length > 0) {
      const raw = tensor.rawData;
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      values = Array.from({ length: raw.byteLength / 8 }, (_, i) => view.getFloat64(8 * i, true));
    } else values = [...(tensor.doubleData ?? [])];
  } else if (type === onnx.TensorProto.DataType.INT64) {
    // Shapes (e.g. a Reshape's target) come as int64: little-endian raw data or int64_data.
    if (tensor.rawData && tensor.rawData.length > 0) {
      const raw = tensor.rawData;
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      values = Array.from({ length: raw.byteLength / 8 }, (_, i) => Number(view.getBigInt64(8 * i, true)));
    } else values = (tensor.int64Data ?? []).map((v) => toNumber(v as number));
  } else {
    const name = onnx.TensorProto.DataType[type] ?? String(type);
    throw new Error(
      `tensor ${tensor.name} has element type ${name}; only FLOAT and DOUBLE weights (and INT64 shapes) are supported`,
    );
  }
  if (values.length !== size) throw new Error(`tensor ${tensor.name}: ${values.length} values for dims [${dims}]`);
  return { dims, values };
}
