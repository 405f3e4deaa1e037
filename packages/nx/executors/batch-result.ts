/** Nx's batch result shape (its own type lives in @nx/devkit/internal). */
export interface BatchResult {
  task: string;
  result: { success: boolean; terminalOutput: string; startTime?: number; endTime?: number };
}
