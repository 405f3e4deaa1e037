export { launchSweep } from './launch';
export type { LedgerEntry } from './ledger';
export { prepareSweep, readSweepRecord, type PreparedSweep, type SweepRecord, type SweepRequest } from './prepare';
export { runFiles } from './remote-layout';
export { countStates, indexSummary, progressLine, resultsTable, type IndexResult } from './report';
export { connectProfile } from './connect';
export { SessionPool, type Session } from './session';
export { cancelSweep, currentResults, knownEntries } from './inspect';
