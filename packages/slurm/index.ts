export { isFinal, isSuccess, isTransient, type SlurmState } from './states';
export type { ElementStatus } from './element-status';
export { describeFailure } from './describe-failure';
export { encodeArgv, encodeEnv, exitMarkerPath, renderJobScript, type SbatchResources } from './job-script';
export { SlurmError } from './slurm-error';
export { SlurmClient } from './slurm-client';
export { timeLimitSeconds } from './time-limit';
export { compressIndices, parseIndexList, chunkForArraySize } from './array-indices';
export { neverStartsBecause } from './pending-reasons';
