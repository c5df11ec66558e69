// The most values (rows × model outputs) one sample request may produce. Batches stream from the child
// to the writer without back-pressure, so a request past this could queue gigabytes before the writer
// catches up; the engine checks it before starting (with hints for its command) and the child again.
// No onnxruntime import here: the engine reads this constant without loading the runtime.

export const MAX_SAMPLE_VALUES = 256 * 1024 * 1024;
