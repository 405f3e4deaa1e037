/**
 * Seconds of an `sbatch --time` value (already validated by the config schema): minutes, MM:SS,
 * HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. The `local` scheduler enforces the same limit.
 */
export function timeLimitSeconds(time: string): number {
  const [days, clock] = time.includes('-') ? time.split('-') : [undefined, time];
  const parts = clock.split(':').map(Number);
  if (parts.some((n) => !Number.isInteger(n) || n < 0) || Number.isNaN(Number(days ?? 0))) {
    throw new Error(`"${time}" is not an sbatch time limit`);
  }
  if (days !== undefined) {
    const [hours, minutes = 0, seconds = 0] = parts;
    return ((Number(days) * 24 + hours) * 60 + minutes) * 60 + seconds;
  }
  if (parts.length === 1) return parts[0] * 60;
  if (parts.length === 2) return parts[0] * 60 + parts[1];
  return (parts[0] * 60 + parts[1]) * 60 + parts[2];
}
