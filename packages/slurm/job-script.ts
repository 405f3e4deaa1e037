import { posix } from 'node:path';
import { ENV_NAME, isReservedEnvName, quoteWord, RESERVED_ENV_PREFIXES } from '../shell';

/** sbatch resources, structurally compatible with the config layer's `Resources`. */
export interface SbatchResources {
  time?: string;
  cpusPerTask?: number;
  mem?: string;
  /** GPUs per element (`--gpus`, cons_tres); 0 requests none. */
  gpus?: number;
  partition?: string;
  account?: string;
  qos?: string;
  /** Further sbatch options, one `#SBATCH` line each, written as given. */
  extra?: string[];
}

export interface JobScriptSpec {
  jobName: string;
  /** Absolute run folder: args/, logs/, out/, exit/, env.bin. */
  runDir: string;
  /** Absolute folder of the extracted project bundle: the command runs here. */
  sourceDir: string;
  /** Absolute folders of the extracted library bundles, on PYTHONPATH after sourceDir. */
  libraryDirs: string[];
  resources: SbatchResources;
  /** Shell lines the user wrote, run as they are before the command. */
  setup: readonly string[];
}

/**
 * Quotes a value for an `#SBATCH` line. sbatch splits these lines itself: whitespace separates
 * words, `#` starts a comment, quotes group, and a backslash escapes the next character even
 * inside quotes (so shell quoting would lose backslashes).
 */
function sbatchQuote(value: string): string {
  return /^[A-Za-z0-9_.,:/=+@%-]+$/.test(value) ? value : `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

function directive(option: string, value: string): string {
  if (/[\r\n\0]/.test(value)) {
    throw new Error(`sbatch ${option} must fit on one line, got ${JSON.stringify(value)}.`);
  }
  return `#SBATCH ${option}=${sbatchQuote(value)}`;
}

function positiveInteger(name: string, value: number): string {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`resources.${name} must be a positive integer, got ${value}.`);
  return String(value);
}

function resourceDirectives(resources: SbatchResources): string[] {
  const lines: string[] = [];
  if (resources.time !== undefined) lines.push(directive('--time', resources.time));
  if (resources.cpusPerTask !== undefined) {
    lines.push(directive('--cpus-per-task', positiveInteger('cpusPerTask', resources.cpusPerTask)));
  }
  if (resources.mem !== undefined) lines.push(directive('--mem', resources.mem));
  if (resources.gpus !== undefined && resources.gpus !== 0) {
    lines.push(directive('--gpus', positiveInteger('gpus', resources.gpus)));
  }
  if (resources.partition !== undefined) lines.push(directive('--partition', resources.partition));
  if (resources.account !== undefined) lines.push(directive('--account', resources.account));
  if (resources.qos !== undefined) lines.push(directive('--qos', resources.qos));
  for (const option of resources.extra ?? []) {
    if (!option.startsWith('-') || /[\r\n\0]/.test(option)) {
      throw new Error(
        `resources.extra entries must be sbatch options on one line, like "--exclusive"; got ${JSON.stringify(option)}.`,
      );
    }
    lines.push(`#SBATCH ${option}`);
  }
  return lines;
}

function absoluteDir(name: string, dir: string): string {
  if (!posix.isAbsolute(dir)) throw new Error(`${name} must be an absolute path, got ${JSON.stringify(dir)}.`);
  return dir.replace(/\/+$/, '') || '/';
}

function pythonPathEntry(name: string, dir: string): string {
  if (dir.includes(':')) throw new Error(`${name} cannot go on PYTHONPATH: it contains ":" (${dir}).`);
  return absoluteDir(name, dir);
}

/**
 * The bash script that runs one sweep index: through `sbatch --array` (index = task id + the
 * offset in $1), and also through the local scheduler as `bash job.sbatch <offset>` with
 * SLURM_ARRAY_TASK_ID set, so it relies on nothing else Slurm provides.
 */
export function renderJobScript(spec: JobScriptSpec): string {
  const runDir = absoluteDir('runDir', spec.runDir);
  const sourceDir = pythonPathEntry('sourceDir', spec.sourceDir);
  const pythonPath = [sourceDir, ...spec.libraryDirs.map((dir, i) => pythonPathEntry(`libraryDirs[${i}]`, dir))];
  const run = quoteWord(runDir);
  // `%` starts a Slurm filename pattern; `%%` is a literal one.
  const slurmLog = `${runDir.replace(/%/g, '%%')}/logs/slurm-%A_%a.out`;
  const lines = [
    '#!/bin/bash',
    directive('--job-name', spec.jobName),
    directive('--output', slurmLog),
    directive('--error', slurmLog),
    ...resourceDirectives(spec.resources),
    '',
    '# Written by nx-slurm: runs one sweep index. Slurm runs it with --array; the local scheduler',
    '# runs `bash job.sbatch <offset>` with SLURM_ARRAY_TASK_ID set.',
    'case "${SLURM_ARRAY_TASK_ID:-}" in',
    `  ''|*[!0-9]*) echo "nx-slurm: SLURM_ARRAY_TASK_ID must be a task id, got '\${SLURM_ARRAY_TASK_ID:-}': submit with sbatch --array" >&2; exit 2 ;;`,
    'esac',
    'case "${1:-0}" in',
    `  ''|*[!0-9]*) echo "nx-slurm: the index offset (first argument) must be a number, got '$1'" >&2; exit 2 ;;`,
    'esac',
    "# The user's env and setup may change PATH: nx-slurm's own bookkeeping keeps this one.",
    'nx_slurm_path=$PATH',
    '# 10#: base ten even with a leading zero.',
    'export NX_SLURM_INDEX=$((10#$SLURM_ARRAY_TASK_ID + 10#${1:-0}))',
    `export NX_SLURM_RUN_DIR=${run}`,
    `export NX_SLURM_OUTPUT_DIR=${run}/out/"$NX_SLURM_INDEX"`,
    `mkdir -p "$NX_SLURM_OUTPUT_DIR" ${run}/logs ${run}/exit || exit 2`,
    '# A marker left by an earlier attempt at this index must not outlive this one.',
    `rm -f ${run}/exit/"$NX_SLURM_INDEX"`,
    '# Append: a resubmission after a node failure adds to the same logs.',
    `exec >>${run}/logs/"$NX_SLURM_INDEX".out 2>>${run}/logs/"$NX_SLURM_INDEX".err`,
    '',
    'nx_slurm_finish() {',
    '  trap - EXIT',
    `  printf '%s\\n' "$1" >${run}/exit/"$NX_SLURM_INDEX".$$.tmp &&`,
    `    PATH=$nx_slurm_path mv -f ${run}/exit/"$NX_SLURM_INDEX".$$.tmp ${run}/exit/"$NX_SLURM_INDEX"`,
    '  exit "$1"',
    '}',
    '',
    '# NUL-separated KEY=VALUE records: export assigns each value as it is, nothing evaluates it.',
    `if [ -f ${run}/env.bin ]; then`,
    `  while IFS= read -r -d '' nx_slurm_kv; do export "$nx_slurm_kv"; done <${run}/env.bin`,
    '  unset nx_slurm_kv',
    'fi',
    `export PYTHONPATH=${pythonPath.map(quoteWord).join(':')}"\${PYTHONPATH:+:$PYTHONPATH}"`,
    '',
    ...setupLines(spec.setup),
    '# NUL-terminated words; a read loop rather than `mapfile -d` works on bash 4.2 too.',
    'nx_slurm_argv=()',
    `while IFS= read -r -d '' nx_slurm_word; do nx_slurm_argv+=("$nx_slurm_word"); done <${run}/args/"$NX_SLURM_INDEX"`,
    'if [ "${#nx_slurm_argv[@]}" -eq 0 ]; then',
    `  echo "nx-slurm: no command for index $NX_SLURM_INDEX in "${run}/args/"$NX_SLURM_INDEX" >&2`,
    '  nx_slurm_finish 2',
    'fi',
    `cd ${quoteWord(sourceDir)} || nx_slurm_finish 2`,
    '"${nx_slurm_argv[@]}"',
    'nx_slurm_finish $?',
    '',
  ];
  return lines.join('\n');
}

/**
 * The user's setup lines, each followed by a check: a failing line (a missing venv) fails the
 * index with its exit code and names the line, rather than running the command in the wrong
 * environment. The EXIT trap gives `exit N` in a setup line its marker too.
 */
function setupLines(setup: readonly string[]): string[] {
  if (setup.length === 0) return [];
  return [
    '# setup (from the sweep configuration and the cluster profile), each line checked',
    'nx_slurm_setup_check() {',
    '  [ "$1" -eq 0 ] && return 0',
    `  printf 'nx-slurm: setup line %s failed (exit code %s): %s\\n' "$2" "$1" "$3" >&2`,
    '  nx_slurm_finish "$1"',
    '}',
    "trap 'nx_slurm_finish $?' EXIT",
    ...setup.flatMap((line, k) => [line, `nx_slurm_setup_check $? ${k + 1} ${quoteWord(line)}`]),
    'trap - EXIT',
    '',
  ];
}

/** The file the job script writes an index's exit code to, the most durable record of how it ended. */
export function exitMarkerPath(runDir: string, index: number): string {
  return posix.join(runDir, 'exit', String(index));
}

/** The `args/<i>` file: each word NUL-terminated, so any byte but NUL survives. */
export function encodeArgv(argv: string[]): Buffer {
  if (argv.length === 0) throw new Error('An argument vector needs at least the program to run.');
  const bad = argv.find((word) => word.includes('\0'));
  if (bad !== undefined) {
    throw new Error(`Argument ${JSON.stringify(bad)} contains a NUL byte, which no program can receive.`);
  }
  return Buffer.from(argv.map((word) => `${word}\0`).join(''), 'utf8');
}

/** The `env.bin` file: `KEY=VALUE` records, NUL-terminated, keys sorted so equal env gives equal bytes. */
export function encodeEnv(env: Record<string, string>): Buffer {
  const records = Object.keys(env)
    .sort()
    .map((key) => {
      const value = env[key];
      if (!ENV_NAME.test(key)) {
        throw new Error(
          `env key ${JSON.stringify(key)} is not a variable name (letters, digits, _; not first a digit).`,
        );
      }
      if (isReservedEnvName(key)) {
        throw new Error(
          `env key ${key} is reserved: nx-slurm and Slurm set ${RESERVED_ENV_PREFIXES.join('* and ')}* for each index.`,
        );
      }
      if (value.includes('\0')) throw new Error(`env ${key} contains a NUL byte, which no program can receive.`);
      return `${key}=${value}\0`;
    });
  return Buffer.from(records.join(''), 'utf8');
}
