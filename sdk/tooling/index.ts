/**
 * tierproof's build tooling: ONNX import and export (float networks, their circuit templates, calibration, the ONNX
 * reader and writer), model training, Solidity verifier rendering, and the gas snapshot comparison. Used by the
 * scripts, benches and tests of this repository; it depends only on the library.
 */

// ONNX import and export.
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
} from "./onnx/network.js";
export { EXPORT_NAMES, exportNetwork, type ExportOptions } from "./onnx/exporter.js";
export { SUPPORTED_OPERATORS, readOnnx, type ReadNetwork } from "./onnx/reader.js";
export {
  TEMPLATE_FILES,
  fixedPointModel,
  matchTemplate,
  networkOfInstance,
  preprocessingOf,
  quantizeNetwork,
  type FixedPointModel,
  type TemplateName,
} from "./onnx/templates.js";
export {
  calibrate,
  exactFracBits,
  quantizeInput,
  type Calibration,
  type CalibrationOptions,
} from "./onnx/calibration.js";
export {
  GENERATED_MODELS_DIR,
  importOnnx,
  instanceEntry,
  mainComponentSource,
  writeImport,
  type ImportFiles,
  type ImportOptions,
  type ImportResult,
} from "./onnx/importer.js";
export { compareWithOnnxRuntime, type AccuracyReport } from "./onnx/accuracy.js";
export {
  inferSequential,
  sequentialOf,
  sequentialParams,
  sequentialSource,
  sequentialStructure,
  sequentialTemplateName,
  type SequentialLayer,
  type SequentialStructure,
} from "./onnx/sequential.js";
export { privateWeightsInstance } from "./onnx/privateWeights.js";

// Training the project's models in TypeScript.
export {
  barImages,
  fitStandardizer,
  predictCnn,
  predictFloat,
  predictLogistic,
  quantizeMlp,
  seededRandom,
  standardize,
  toFixed,
  trainCnn,
  trainLogistic,
  trainMlp,
  type CnnShape,
  type FloatCnn,
  type FloatLogistic,
  type FloatMlp,
} from "./models/train.js";

// Solidity verifiers and verification keys from the circuits' zkeys.
export { exportVerificationKey, renderSolidityVerifier, snarkjsVersion } from "./zk/solidityVerifier.js";

// The committed gas snapshot and its comparison.
export {
  GAS_SNAPSHOT_COMMAND,
  GAS_TOLERANCE,
  allowedDrift,
  compareGasSnapshots,
  formatGasComparison,
  parseGasSnapshot,
  type GasComparison,
  type GasPathComparison,
  type GasPathStatus,
  type GasPaths,
  type GasSnapshot,
  type GasTolerance,
} from "./gas/snapshot.js";
