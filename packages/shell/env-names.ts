/** A name a POSIX shell accepts for a variable: letters, digits and `_`, not starting with a digit. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * What a sweep's `env` may not set, because every index gets them from nx-slurm (NX_SLURM_INDEX,
 * NX_SLURM_RUN_DIR...) or from Slurm (SLURM_ARRAY_TASK_ID...). The configuration refuses them and
 * so does the job script's env.bin, both from this one list.
 */
export const RESERVED_ENV_PREFIXES: readonly string[] = ['NX_SLURM_', 'SLURM_'];

export function isReservedEnvName(name: string): boolean {
  return RESERVED_ENV_PREFIXES.some((prefix) => name.startsWith(prefix));
}
