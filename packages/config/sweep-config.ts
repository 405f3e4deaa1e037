import { z } from 'zod';
import { ENV_NAME, isReservedEnvName, RESERVED_ENV_PREFIXES, splitShellWords } from '../shell';
import { resourcesSchema } from './resources';
import { closestName } from './closest-name';

/** A value an argument can take: what JSON offers besides objects, arrays and null. */
const scalarSchema = z.union([z.number(), z.string(), z.boolean()]);

/** Strings split into words later: an unterminated quote is reported now, with its field. */
function checkShellWords(text: string, context: z.RefinementCtx): void {
  try {
    splitShellWords(text);
  } catch (error) {
    context.addIssue({
      code: 'custom',
      message: 'words with matching quotes',
      params: { hint: (error as Error).message },
    });
  }
}

const flagsObjectSchema = z
  .record(z.string().min(1), scalarSchema)
  .describe('Flags: {"k": v} becomes "--k v", true becomes a bare "--k", false leaves the flag out.');

const matrixPointSchema = z.record(z.string().min(1), scalarSchema);

const matrixSchema = z
  .object({
    include: z
      .array(matrixPointSchema)
      .optional()
      .describe(
        'As in GitHub Actions: each object extends every matrix point it agrees with on the matrix keys, or is added as a point of its own.',
      ),
    exclude: z
      .array(matrixPointSchema)
      .optional()
      .describe('As in GitHub Actions: removes every matrix point that matches all keys of one of these objects.'),
  })
  .catchall(
    z
      .array(scalarSchema)
      .min(1)
      .describe('The values this key takes; every combination of all keys becomes one array index.'),
  )
  .superRefine((matrix, context) => {
    const keys = Object.keys(matrix).filter((key) => key !== 'include' && key !== 'exclude');
    if (keys.length === 0 && (matrix.include ?? []).length === 0) {
      // an empty product is one bare point: the command would run once without any argument
      context.addIssue({
        code: 'custom',
        message: 'at least one parameter (a key with a list of values)',
        params: { hint: 'e.g. "matrix": {"learning_rate": [0.001, 0.01]}; leave "matrix" out to use "args" alone' },
      });
    }
    (matrix.exclude ?? []).forEach((point, index) => {
      for (const key of Object.keys(point)) {
        if (keys.includes(key)) continue;
        // A key the matrix lacks can never match, so the exclusion would silently do nothing.
        const suggestion = closestName(key, keys);
        context.addIssue({
          code: 'custom',
          path: ['exclude', index, key],
          message: `a key of the matrix (${keys.join(', ') || 'it has none'})`,
          params: suggestion ? { hint: `did you mean "${suggestion}"?` } : undefined,
        });
      }
    });
  })
  .describe(
    'Parameters swept as a cartesian product in key order (the first key varies slowest), e.g. {"learning_rate": [0.001, 0.01], "batch_size": [32, 64]}.',
  );

const envSchema = z
  .record(
    z
      .string()
      .regex(ENV_NAME, 'a variable name of letters, digits and _, not starting with a digit')
      .refine((name) => !isReservedEnvName(name), {
        message: `a name not starting with ${RESERVED_ENV_PREFIXES.join(' or ')} (nx-slurm and Slurm set those)`,
      }),
    z.string(),
  )
  .describe('Environment variables set for every array index, e.g. {"WANDB_MODE": "offline"}.');

export const sweepConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('Path or URL of slurm.schema.json, for editor completion.'),
    cluster: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Cluster profile (a key of "clusters" in the nx-slurm options of nx.json, or "local"). --cluster and NX_SLURM_CLUSTER override it.',
      ),
    jobName: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'a name of 1 to 64 letters, digits, ".", "_" or "-"')
      .refine((name) => name !== '.' && name !== '..', { message: 'a name other than "." or ".."' })
      .optional()
      .describe('Slurm job name and folder name of the runs on the cluster. Defaults to the Nx project name.'),
    command: z
      .string()
      .trim()
      .min(1, 'a non-empty command')
      .superRefine(checkShellWords)
      .describe(
        'Program and fixed arguments, split into words like a POSIX shell without any expansion, run from the root of the shipped source; each index appends its arguments.',
      ),
    args: z
      .array(z.union([z.string().superRefine(checkShellWords), flagsObjectSchema]))
      .optional()
      .describe(
        'Argument lists, one array index each: a string is split into words like a POSIX shell, an object {"k": v} becomes "--k v". With "matrix", each entry is appended to every matrix point.',
      ),
    matrix: matrixSchema.optional(),
    libraries: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Code put on PYTHONPATH, each entry shipped as its own bundle: an existing workspace folder ships that folder; any other entry must name an Nx project, whose root ships.',
      ),
    maxConcurrent: z
      .int()
      .min(1)
      .optional()
      .describe('At most this many array indices run at once (sbatch --array=...%N). Local default: the CPU count.'),
    resources: resourcesSchema.optional(),
    env: envSchema.optional(),
    setup: z
      .array(z.string())
      .optional()
      .describe('Shell lines run before the command in each index, e.g. ["source ~/venvs/exp/bin/activate"].'),
    retries: z
      .int()
      .min(0)
      .max(10)
      .default(0)
      .describe('Automatic resubmissions of an index lost to NODE_FAIL, BOOT_FAIL or PREEMPTED.'),
    exclude: z
      .array(z.string().min(1))
      .optional()
      .describe('Globs of project files left out of the bundle, e.g. ["data/**", "*.ckpt"].'),
    include: z
      .array(
        z
          .string()
          .min(1)
          .refine((glob) => !glob.startsWith('/') && !glob.split('/').includes('..'), {
            message: 'a pattern inside the project (relative to it, without "..")',
          }),
      )
      .optional()
      .describe(
        'Globs of project files shipped although they look like secrets (.env*, id_rsa, id_ed25519, *.pem, .npmrc, .netrc), which are left out otherwise, e.g. [".env.example"].',
      ),
  })
  .describe('An nx-slurm sweep: one Slurm job array whose indices are the argument lists of args and matrix.');

export type SweepConfig = z.infer<typeof sweepConfigSchema>;
export type Matrix = z.infer<typeof matrixSchema>;
export type Scalar = z.infer<typeof scalarSchema>;

export const arrayExecutorOptionsSchema = sweepConfigSchema
  .extend({
    force: z
      .boolean()
      .optional()
      .describe('Resubmit every index, even those that already completed with this fingerprint.'),
    dryRun: z.boolean().optional().describe('Print what would be shipped and submitted without connecting.'),
    index: z
      .int()
      .min(0)
      .optional()
      .describe('Run only this sweep index (what each inferred slurm-array--<i> target sets).'),
  })
  .describe('Runs a sweep as one Slurm job array: the options of slurm.json, plus runtime flags.');

export type ArrayExecutorOptions = z.infer<typeof arrayExecutorOptionsSchema>;
