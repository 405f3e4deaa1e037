export { isFinal, isSuccess, isTransient, normalizeState, type SlurmState } from './states';
export { mergeStatuses, parseSacct, parseSqueue, type ElementStatus } from './element-status';
export { describeFailure } from './describe-failure';
export { encodeArgv, encodeEnv, renderJobScript, type JobScriptSpec, type SbatchResources } from './job-script';
export {
  parseSbatchOutput,
  parseSlurmConfig,
  sacctArgv,
  sbatchArgv,
  scancelArgv,
  scontrolConfigArgv,
  squeueArgv,
  type SbatchArgs,
  type SlurmConfig,
} from './commands';
export { SlurmError } from './slurm-error';
export { slurmTransience, type SlurmTransience } from './transient';
export {
  readSubmissionLookup,
  RECORDED_SUBMIT,
  squeueByNameArgv,
  submissionComment,
  SUBMISSION_LOOKUP,
  type SubmissionOutcome,
} from './submission';
export { SlurmClient, type SlurmExec } from './slurm-client';
export { timeLimitSeconds } from './time-limit';
