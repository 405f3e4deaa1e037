/**
 * `NX_SLURM_TIMELINE=1`: one stderr line per phase of a command, with the wall-clock time it
 * ended (ms since the epoch), so that scripts/bench/timeline.ts can line up the phases of the
 * Nx process, the executor and the launcher, which may be three different processes.
 */
export const TIMELINE_ENV = 'NX_SLURM_TIMELINE';

/** What precedes every timeline line on stderr: `nx-slurm timeline: <epoch ms> <phase>`. */
export const TIMELINE_PREFIX = 'nx-slurm timeline:';

export function markPhase(phase: string): void {
  if (process.env[TIMELINE_ENV] !== '1') return;
  process.stderr.write(`${TIMELINE_PREFIX} ${(performance.timeOrigin + performance.now()).toFixed(1)} ${phase}\n`);
}
