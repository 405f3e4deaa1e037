export { launchSweep, type LaunchOptions } from './launch';
export type { LedgerEntry } from './ledger';
export type { LaunchPlan, SweepIndex } from './plan';
export { prepareSweep, type PreparedSweep, type SweepRequest } from './prepare';
export { runFiles } from './remote-layout';
export { countStates, indexSummary, progressLine, resultsTable, type IndexResult } from './report';
export { elementRanges, statusReport } from './status-report';
export { connectProfile, SessionPool, type Session } from './session';
export { cancelSweep, currentResults, knownEntries } from './inspect';
