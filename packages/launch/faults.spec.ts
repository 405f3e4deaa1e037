import { SlurmError } from '../slurm';
import { AuthenticationError, ConnectionError } from '../transport';
import { faultOf, GaveUpError, patiently, retryNotice, type RetryScope } from './faults';

const lost = () =>
  new ConnectionError('ssh alice@hpc:22: cannot run squeue: No response from server', 'CONNECTION_LOST');
const controllerDown = () =>
  SlurmError.from('squeue', {
    stdout: '',
    stderr: 'slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n',
    code: 1,
  });

const scope = (jobs: string[] = ['612']): RetryScope => ({ cluster: 'lab', jobName: 'mnist', jobs: () => jobs });

describe('faultOf', () => {
  it('sees a lost connection, an unanswered controller and a busy one', () => {
    expect(faultOf(lost())).toEqual({ kind: 'connection', detail: lost().message });
    expect(faultOf(controllerDown())).toEqual({
      kind: 'unreachable',
      detail: 'squeue: slurm_load_jobs error: Unable to contact slurm controller (connect failure)',
    });
    const busy = SlurmError.from('sbatch', {
      stdout: '',
      stderr:
        'sbatch: error: QOSMaxSubmitJobPerUserLimit\nsbatch: error: Batch job submission failed: Job violates accounting/QOS policy',
      code: 1,
    });
    expect(faultOf(busy)).toEqual({
      kind: 'busy',
      detail: 'sbatch: error: Batch job submission failed: Job violates accounting/QOS policy',
    });
  });

  it('sees nothing transient in a refused key, a bad request or a bug', () => {
    expect(faultOf(new AuthenticationError('refused every credential'))).toBeUndefined();
    expect(
      faultOf(new ConnectionError('proxyJump "a,b": only one jump host is supported', 'BAD_PROXY_JUMP')),
    ).toBeUndefined();
    const invalid = SlurmError.from('sbatch', {
      stdout: '',
      stderr: 'sbatch: error: invalid partition specified: gpu',
      code: 1,
    });
    expect(faultOf(invalid)).toBeUndefined();
    expect(faultOf(new TypeError('x is undefined'))).toBeUndefined();
  });
});

describe('retryNotice', () => {
  it('says the jobs keep running, what it does next and when', () => {
    expect(retryNotice(faultOf(lost())!, scope(), { attempt: 3, delayMs: 8000 })).toBe(
      `mnist: lost the connection to lab; the jobs keep running. Reconnecting (attempt 3, next in 8 s): ${lost().message}`,
    );
    expect(retryNotice(faultOf(controllerDown())!, scope([]), { attempt: 1, delayMs: 2000 })).toBe(
      "mnist: Slurm's controller on lab does not answer (squeue: slurm_load_jobs error: Unable to contact slurm controller (connect failure)); nothing was submitted yet. Retrying (attempt 1, next in 2 s)",
    );
  });
});

describe('patiently', () => {
  function fakeTime() {
    let now = 0;
    const pauses: number[] = [];
    return {
      pauses,
      now: () => now,
      sleep: async (ms: number) => {
        pauses.push(ms);
        now += ms;
      },
    };
  }

  it('retries transient faults with back-off until the operation succeeds', async () => {
    const time = fakeTime();
    const lines: string[] = [];
    const failures = [lost(), lost(), controllerDown()];
    const result = await patiently(
      async () => {
        const failure = failures.shift();
        if (failure) throw failure;
        return 'answered';
      },
      scope(),
      { patienceMs: 60_000, log: (line) => lines.push(line), ...time },
    );
    expect(result).toBe('answered');
    expect(time.pauses).toEqual([2000, 4000, 8000]);
    expect(lines.map((line) => /\(attempt (\d+)/.exec(line)?.[1])).toEqual(['1', '2', '3']);
  });

  it('rethrows at once what is not transient', async () => {
    const time = fakeTime();
    const invalid = SlurmError.from('sbatch', { stdout: '', stderr: 'sbatch: error: invalid partition', code: 1 });
    await expect(
      patiently(() => Promise.reject(invalid), scope(), { patienceMs: 60_000, log: () => {}, ...time }),
    ).rejects.toBe(invalid);
    expect(time.pauses).toEqual([]);
  });

  it('gives up when the patience is spent, naming the jobs and how to attach', async () => {
    const time = fakeTime();
    const attempt = patiently(() => Promise.reject(lost()), scope(['612', '613']), {
      patienceMs: 10_000,
      log: () => {},
      ...time,
    });
    await expect(attempt).rejects.toBeInstanceOf(GaveUpError);
    await expect(attempt).rejects.toThrow(
      /^gave up after 0:10 without a connection to lab \(.*\)\. The jobs keep running on lab: job 612, 613; rerun the same command to attach to them/,
    );
    expect(time.pauses).toEqual([2000, 4000, 4000]);
  });

  it('says nothing was submitted when it gives up before a submission', async () => {
    const time = fakeTime();
    await expect(
      patiently(() => Promise.reject(controllerDown()), scope([]), { patienceMs: 3000, log: () => {}, ...time }),
    ).rejects.toThrow(/without an answer from Slurm on lab .*Nothing was submitted: rerun the same command/);
  });
});
