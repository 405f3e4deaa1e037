export { launchSweep, resultOf, type LaunchOptions } from './launch';
export { LedgerFile, type Ledger, type LedgerEntry } from './ledger';
export { planLaunch, type LaunchPlan, type SweepIndex } from './plan';
export { prepareSweep, type PreparedSweep, type SweepRequest } from './prepare';
export { RemoteLayout, runFiles } from './remote-layout';
export {
  countStates,
  elapsedSeconds,
  formatDuration,
  indexSummary,
  progressLine,
  resultsTable,
  type IndexResult,
  type ProgressCounts,
} from './report';
export { connectProfile, localClusterRoot, openSession, SessionPool, type Session } from './session';
export { cancelSweep, currentResults, knownEntries, latestEntries } from './inspect';
