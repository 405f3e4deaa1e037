/**
 * Jest globalSetup of the e2e project: the test cluster must be up (e2e/cluster/start.sh is
 * idempotent: about a second when it already runs), and the plugin is packed and installed into
 * a template workspace once for the run.
 * e2e tests need Linux and root (they run Slurm's daemons): elsewhere this fails, never skips.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { CLUSTER_DIR } from './cluster';
import { buildAndPack, installTemplate, PACK_ERROR_ENV, TARBALL_ENV, TEMPLATE_ENV } from './workspace';

const log = (message: string) => process.stdout.write(`[e2e global-setup] ${message}\n`);

export default async function globalSetup(): Promise<void> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    throw new Error(
      `e2e tests need Linux and root: they start a real Slurm cluster (e2e/cluster/). ` +
        `Here: platform ${process.platform}, uid ${process.getuid?.()}. Run them on CI or in a Debian 12 VM/container as root; ` +
        `unit tests alone: npx jest --selectProjects unit`,
    );
  }

  let started = Date.now();
  const start = spawnSync('bash', [path.join(CLUSTER_DIR, 'start.sh')], { encoding: 'utf8', timeout: 300_000 });
  if (start.status !== 0) {
    throw new Error(
      `e2e/cluster/start.sh failed (${start.error?.message ?? `exit ${start.status}`}); did e2e/cluster/install.sh run?\n${start.stdout}${start.stderr}`,
    );
  }
  const ping = spawnSync('scontrol', ['ping'], { encoding: 'utf8' });
  if (!/is UP/.test(ping.stdout))
    throw new Error(`the test cluster's slurmctld does not answer: ${ping.stdout}${ping.stderr}`);
  log(`cluster up (${((Date.now() - started) / 1000).toFixed(1)} s): ${ping.stdout.trim()}`);

  // A build or install failure must not stop the specs that do not need the plugin (cluster,
  // transport): the specs that do get the error from packPlugin().
  started = Date.now();
  try {
    process.env[TARBALL_ENV] = await buildAndPack();
    delete process.env[PACK_ERROR_ENV];
    log(`plugin packed (${((Date.now() - started) / 1000).toFixed(1)} s): ${process.env[TARBALL_ENV]}`);
    started = Date.now();
    process.env[TEMPLATE_ENV] = await installTemplate();
    log(`workspace template installed (${((Date.now() - started) / 1000).toFixed(1)} s): ${process.env[TEMPLATE_ENV]}`);
  } catch (error) {
    process.env[PACK_ERROR_ENV] = (error as Error).message;
    log(
      `WARNING: ${(error as Error).message.split('\n')[0]} (specs that install the plugin will fail with the full output)`,
    );
  }
}
