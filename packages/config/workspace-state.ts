/** nx-slurm's own folder in a workspace, ignored by git and never shipped: the run ledger, the `local` cluster. */
export const WORKSPACE_STATE_DIR = '.nx-slurm';
/** Relative to the workspace root: the bundles and runs of the built-in `local` cluster. */
export const LOCAL_REMOTE_ROOT = `${WORKSPACE_STATE_DIR}/local`;
