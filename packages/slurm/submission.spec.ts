import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  readSubmissionLookup,
  RECORDED_SUBMIT,
  squeueByNameArgv,
  submissionComment,
  SUBMISSION_LOOKUP,
} from './submission';

/** Runs one of the fixed scripts as the cluster would, with `printf` standing in for sbatch and squeue. */
function bash(script: string, args: string[]): { stdout: string; code: number } {
  try {
    return {
      stdout: execFileSync('bash', ['-c', script, 'nx-slurm', ...args], { encoding: 'utf8', stdio: 'pipe' }),
      code: 0,
    };
  } catch (error) {
    const failed = error as { stdout: string; status: number };
    return { stdout: failed.stdout, code: failed.status };
  }
}

describe('submission tokens', () => {
  const record = () => join(mkdtempSync(join(tmpdir(), 'nx-slurm-submission-')), 'submits', 'tok1');

  it('puts the token in a comment and looks jobs up by name', () => {
    expect(submissionComment('a1b2')).toBe('nx-slurm:a1b2');
    expect(() => submissionComment('a b')).toThrow(/Invalid submission token/);
    expect(squeueByNameArgv('mnist')).toEqual(['squeue', '-h', '-t', 'all', '--name', 'mnist', '-o', '%F|%k']);
  });

  it('RECORDED_SUBMIT passes sbatch through and leaves its outcome on the cluster', () => {
    const at = record();
    const run = bash(RECORDED_SUBMIT, [at, 'printf', '612\\n']);
    expect(run).toEqual({ stdout: '612\n', code: 0 });
    expect(readFileSync(`${at}.code`, 'utf8')).toBe('0\n');
    const failed = bash(RECORDED_SUBMIT, [`${at}-2`, 'bash', '-c', 'echo refused >&2; exit 1']);
    expect(failed.code).toBe(1);
    expect(readFileSync(`${at}-2.err`, 'utf8')).toBe('refused\n');
  });

  it('a lookup finds the array by its token in squeue, whatever the record says', () => {
    const at = record();
    const squeue = ['printf', '%s\\n', '600|(null)', '611|nx-slurm:other', '612|nx-slurm:tok1'];
    expect(readSubmissionLookup(bash(SUBMISSION_LOOKUP, [at, ...squeue]).stdout, 'tok1')).toEqual({
      state: 'accepted',
      jobId: '612',
    });
  });

  it('a lookup reads the record: never started, still running, ended with or without a job id', () => {
    const at = record();
    const squeue = ['printf', '%s\\n', '611|nx-slurm:other'];
    const lookup = () => readSubmissionLookup(bash(SUBMISSION_LOOKUP, [at, ...squeue]).stdout, 'tok1');
    expect(lookup()).toEqual({ state: 'not-accepted' });
    bash(RECORDED_SUBMIT, [at, 'true']);
    execFileSync('rm', [`${at}.code`]);
    expect(lookup()).toEqual({ state: 'in-flight' });
    bash(RECORDED_SUBMIT, [at, 'printf', '613;lab\\n']);
    expect(lookup()).toEqual({ state: 'accepted', jobId: '613' });
    bash(RECORDED_SUBMIT, [at, 'bash', '-c', 'exit 1']);
    expect(lookup()).toEqual({ state: 'not-accepted', said: 'sbatch exited with 1' });
  });

  it('a lookup whose squeue fails fails with squeue', () => {
    const at = record();
    const run = bash(SUBMISSION_LOOKUP, [
      at,
      'bash',
      '-c',
      'echo "slurm_load_jobs error: Unable to contact slurm controller" >&2; exit 1',
    ]);
    expect(run.code).toBe(1);
  });
});
