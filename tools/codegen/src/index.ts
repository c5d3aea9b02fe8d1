export { generate, type GenerateOptions, type Generated } from './generate.ts';
export { runCodegen, describeDrift, type RunOptions, type RunResult } from './run.ts';
export { checkFiles, writeFiles, type DriftReport, type GeneratedFile } from './files.ts';
export { loadOpenApi, CodegenError } from './openapi/load.ts';
export { buildModel, type ApiModel, type OperationModel } from './openapi/model.ts';
export { readAsyncApi } from './events/generate.ts';
export { benchCodegen, type CodegenComparison } from './bench.ts';
