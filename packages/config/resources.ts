import { z } from 'zod';

/** Every form `sbatch --time` accepts: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
const TIME_PATTERN = /^(?:\d+(?::\d{1,2}){0,2}|\d+-\d{1,2}(?::\d{1,2}){0,2})$/;
/** `sbatch --mem`: megabytes, or a number with a K, M, G or T suffix (no regex flag: it must survive into the JSON schema). */
const MEMORY_PATTERN = /^\d+[KMGTkmgt]?$/;
/** Values written into `#SBATCH` lines: whitespace would split or end the line. */
const SINGLE_TOKEN = /^\S+$/;

const slurmName = (what: string) => z.string().regex(SINGLE_TOKEN, `a ${what} name without spaces`);

export const resourcesSchema = z
  .strictObject({
    time: z
      .string()
      .regex(TIME_PATTERN, 'a time limit like "02:00:00", "1-12:00:00", "30:00" or minutes like "90"')
      .optional()
      .describe(
        'Wall-clock limit per array index (sbatch --time): "HH:MM:SS", "D-HH:MM:SS", "MM:SS" or a number of minutes.',
      ),
    cpusPerTask: z.int().min(1).optional().describe('CPU cores per array index (sbatch --cpus-per-task).'),
    mem: z
      .string()
      .regex(MEMORY_PATTERN, 'a memory size like "16G", "500M" or "1024" (megabytes)')
      .optional()
      .describe('Memory per node (sbatch --mem): a number with a K, M, G or T suffix; no suffix means megabytes.'),
    gpus: z.int().min(0).optional().describe('GPUs per array index (sbatch --gpus); 0 requests none.'),
    partition: slurmName('partition').optional().describe('Slurm partition to run in (sbatch --partition).'),
    account: slurmName('account').optional().describe('Account charged for the job (sbatch --account).'),
    qos: slurmName('QOS').optional().describe('Quality of service (sbatch --qos).'),
    extra: z
      .array(
        z.string().regex(/^--[A-Za-z][^\r\n]*$/, 'an sbatch flag starting with "--" on one line, like "--exclusive"'),
      )
      .optional()
      .describe('Further sbatch flags written verbatim as #SBATCH lines, e.g. ["--exclusive", "--constraint=a100"].'),
  })
  .describe('Slurm resources requested for each array index.');

export type Resources = z.infer<typeof resourcesSchema>;
