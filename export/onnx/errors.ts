// Errors of the ONNX exporter and reader, as plain data the CLI and the store can show and rebuild
// ({code, message, details}); the message names the file, field or value at fault.
export type OnnxErrorCode =
  | 'not_onnx' // the bytes are not an ONNX ModelProto
  | 'not_ours' // a valid ONNX model, but not an MLP exported by MLP Workbench
  | 'unsupported' // a snapshot the exporter cannot express (e.g. an unknown activation)
  | 'bad_input' // rows given to predict/verify do not match the model's features
  | 'verification_failed' // onnxruntime's outputs differ from the engine's beyond the tolerance
  | 'bad_path' // an output path we refuse: not .onnx, or an existing file that is not one of our models
  | 'write_failed'; // the output file could not be written

export class OnnxError extends Error {
  constructor(
    readonly code: OnnxErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'OnnxError';
  }
}
