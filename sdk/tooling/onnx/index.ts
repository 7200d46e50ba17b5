/** ONNX import and export: float networks, their circuit templates, calibration, and the ONNX reader and writer. */
export {
  argmaxFloat,
  describeLayers,
  forwardFloat,
  hardSigmoidFloat,
  sigmoid,
  softmax,
  standardizeInput,
  type Head,
  type Layer,
  type Network,
  type Standardize,
} from "./network.js";
export { EXPORT_NAMES, exportNetwork, type ExportOptions } from "./exporter.js";
export { SUPPORTED_OPERATORS, readOnnx, type ReadNetwork } from "./reader.js";
export {
  TEMPLATE_FILES,
  fixedPointModel,
  matchTemplate,
  networkOfInstance,
  preprocessingOf,
  quantizeNetwork,
  type FixedPointModel,
  type TemplateName,
} from "./templates.js";
export { calibrate, exactFracBits, quantizeInput, type Calibration, type CalibrationOptions } from "./calibration.js";
export {
  GENERATED_MODELS_DIR,
  importOnnx,
  instanceEntry,
  mainComponentSource,
  writeImport,
  type ImportFiles,
  type ImportOptions,
  type ImportResult,
} from "./importer.js";
export { compareWithOnnxRuntime, type AccuracyReport } from "./accuracy.js";
export {
  inferSequential,
  sequentialOf,
  sequentialParams,
  sequentialSource,
  sequentialStructure,
  sequentialTemplateName,
  type SequentialLayer,
  type SequentialStructure,
} from "./sequential.js";
export { privateWeightsInstance } from "./privateWeights.js";
