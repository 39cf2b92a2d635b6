// onnx's own checker with full_check (type and shape inference over the whole graph), for the export tests: Python's
// onnx package, which .ci/run installs from Debian (python3-onnx). Where no Python has it the check is skipped outside
// CI; under CI (CI set) a missing package fails the test instead of skipping it.
import { execFileSync, spawnSync } from 'node:child_process';

const CHECK = `import sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
print("full_check ok", onnx.__version__)`;

/** The first Python that imports onnx, if any. */
export const python = [process.env.MLPW_PYTHON, '/usr/bin/python3', 'python3'].find(
  (p) => p && spawnSync(p, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0,
);

/** Whether the checker test is skipped: only outside CI, and only where no Python has onnx. */
export const skipChecker = !python && !process.env.CI;

/** The checker's output for the model at `path` ("full_check ok VERSION"); throws where it fails. */
export function fullCheck(path: string): string {
  if (!python) throw new Error("CI needs Python's onnx for the checker (apt-get install python3-onnx)");
  return execFileSync(python, ['-c', CHECK, path], { encoding: 'utf8' });
}
