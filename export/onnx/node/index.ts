// Node entry point of the ONNX exporter: everything in ../index.ts (see its comment for the API and the file
// layout) plus what needs Node or onnxruntime-web: verification, prediction, writing files.
export * from '../index.ts';
export {
  checkOnnxTarget,
  downloadName,
  exportRun,
  exportVerified,
  packageVersion,
  rawVerificationRows,
  rawPlaneRows,
  runPreprocessing,
  runTransforms,
  saveOnnxFile,
  validationRows,
  writeOnnxFile,
  type ExportDestination,
  type RunExport,
  type VerifiedExport,
} from './export-run.ts';
export { predictRawWithOnnx, predictWithOnnx, type OnnxPredictions } from './predict.ts';
export { ortVersion, runOnnx, runOnnxRaw, type OnnxRunResult } from './runtime.ts';
export { VERIFY_TOLERANCE, verifyOnnxModel, verifyRawOnnxModel, type OnnxVerification } from './verify.ts';
