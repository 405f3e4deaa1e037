import { z } from 'zod';
import { remoteRootProblem } from './remote-root';
import { resourcesSchema } from './resources';

/** Built in: this machine, no Slurm. It needs no profile and may not be redefined. */
export const LOCAL_CLUSTER = 'local';
const DEFAULT_REMOTE_ROOT = '~/nx-slurm';

/** The names a cluster profile may have: they appear in --cluster and in folder names. */
export const CLUSTER_NAME = /^[A-Za-z0-9._-]+$/;

const clusterProfileSchema = z
  .strictObject({
    host: z
      .string()
      .min(1)
      .optional()
      .describe('Login node to reach over SSH: a host name, address, or a Host alias of ~/.ssh/config.'),
    user: z
      .string()
      .min(1)
      .optional()
      .describe('SSH user. Default: User from ~/.ssh/config, else your local user name.'),
    port: z.int().min(1).max(65535).optional().describe('SSH port. Default: Port from ~/.ssh/config, else 22.'),
    identityFile: z
      .string()
      .min(1)
      .optional()
      .describe('Private key file ("~" allowed). Default: IdentityFile from ~/.ssh/config, and the SSH agent.'),
    knownHostsFile: z
      .string()
      .min(1)
      .optional()
      .describe(
        'known_hosts file the host key is verified against ("~" allowed). Default: UserKnownHostsFile from ~/.ssh/config, else ~/.ssh/known_hosts.',
      ),
    proxyJump: z
      .string()
      .min(1)
      .optional()
      .describe('Jump host to connect through, as ssh -J. Default: ProxyJump from ~/.ssh/config.'),
    remoteRoot: z
      .string()
      .min(1)
      .superRefine((root, context) => {
        const problem = remoteRootProblem(root);
        if (problem) context.addIssue({ code: 'custom', message: problem });
      })
      .default(DEFAULT_REMOTE_ROOT)
      .describe(
        'Folder on the cluster holding bundles/ and runs/: absolute, or from the home folder on the cluster ("~/x", "$HOME/x" or a relative path; "~user/x" from that user\'s). With transport "local", relative paths start from the workspace root.',
      ),
    resources: resourcesSchema
      .optional()
      .describe("Default Slurm resources; a sweep's own resources override them field by field."),
    setup: z
      .array(z.string())
      .optional()
      .describe('Shell lines run before every index on this cluster, e.g. ["module load python/3.11"].'),
    transport: z
      .enum(['ssh', 'local'])
      .optional()
      .describe(
        '"ssh" (default) reaches the login node over SSH; "local" runs sbatch and sacct directly, for use on a login node.',
      ),
    strictHostKeyChecking: z
      .enum(['yes', 'accept-new'])
      .optional()
      .describe(
        '"yes" (default) stops on an unknown or changed host key; "accept-new" trusts a host seen for the first time.',
      ),
    maxArraySize: z
      .int()
      .min(1)
      .optional()
      .describe('Overrides the MaxArraySize scontrol reports; larger sweeps are split into several arrays.'),
    scheduler: z
      .enum(['slurm', 'local'])
      .optional()
      .describe(
        '"slurm" (default) submits job arrays; "local" runs the indices as child processes on the target machine.',
      ),
  })
  .superRefine((profile, context) => {
    if (profile.transport !== 'local' && profile.host === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['host'],
        message: 'a host for the ssh transport',
        params: { hint: 'set "host", or "transport": "local" to run sbatch on this machine' },
      });
    }
  })
  .describe('How to reach a cluster and what it runs by default.');

export type ClusterProfile = z.infer<typeof clusterProfileSchema>;

export const pluginOptionsSchema = z
  .strictObject({
    defaultCluster: z
      .string()
      .min(1)
      .optional()
      .describe('Cluster used when neither --cluster, NX_SLURM_CLUSTER nor slurm.json names one. Default: "local".'),
    clusters: z
      .record(
        z
          .string()
          .regex(CLUSTER_NAME, 'a cluster name of letters, digits, ".", "_" or "-"')
          .refine((name) => name !== LOCAL_CLUSTER, {
            message: `a name other than "${LOCAL_CLUSTER}"`,
            params: { hint: `"${LOCAL_CLUSTER}" is built in (this machine, no Slurm); pick another name` },
          }),
        clusterProfileSchema,
      )
      .optional()
      .describe('Cluster profiles by name.'),
  })
  .superRefine((options, context) => {
    const known = [LOCAL_CLUSTER, ...Object.keys(options.clusters ?? {})];
    if (options.defaultCluster !== undefined && !known.includes(options.defaultCluster)) {
      context.addIssue({
        code: 'custom',
        path: ['defaultCluster'],
        message: `a known cluster (${known.join(', ')})`,
      });
    }
  })
  .describe('Options of the nx-slurm plugin in nx.json.');

export type PluginOptions = z.infer<typeof pluginOptionsSchema>;
