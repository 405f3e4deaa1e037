import type { Bundle } from '../bundle';

export interface BundleOfFolder {
  /** Workspace-relative folder the bundle packs. */
  folder: string;
  bundle: Bundle;
  /** The project's own bundle, whose secret-looking files `include` can name. */
  isProject: boolean;
}

/**
 * One line for each thing a user should know about what ships (pure): secret-looking files left
 * out, symlinks leading outside the workspace left out, a project bundle holding no file.
 */
export function bundleNotices(jobName: string, bundles: readonly BundleOfFolder[]): string[] {
  const lines: string[] = [];
  for (const { folder, bundle, isProject } of bundles) {
    const { secrets, outside } = bundle.leftOut;
    if (secrets.length > 0) {
      const hint = isProject
        ? 'name them in "include" in slurm.json to ship them'
        : 'a library ships none; move what the jobs need out of such files';
      lines.push(
        `nx-slurm: ${jobName}: left out ${secrets.length} secret-looking file(s) from the bundle of ${folder} (${secrets.join(', ')}): ${hint}`,
      );
    }
    for (const link of outside) {
      lines.push(
        `nx-slurm: ${jobName}: left out ${link.path} from the bundle of ${folder}: a symlink to a file outside the workspace (${link.target})`,
      );
    }
    if (isProject && bundle.files.length === 0) {
      lines.push(
        `nx-slurm: ${jobName}: warning: the bundle of ${folder} holds no file (its "exclude" and .gitignore leave nothing): the command runs in an empty folder`,
      );
    }
  }
  return lines;
}
