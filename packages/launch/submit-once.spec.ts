import type { ArrayJob, Scheduler, SubmitRequest } from '../scheduler';
import { SlurmError, type ElementStatus, type SubmissionOutcome } from '../slurm';
import { ConnectionError } from '../transport';
import { GaveUpError } from './faults';
import { submitOnce } from './submit-once';

const lost = () => new ConnectionError('ssh alice@hpc:22: cannot run bash: No response from server', 'CONNECTION_LOST');
const unreachable = () =>
  SlurmError.from('sbatch', {
    stdout: '',
    stderr: 'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)\n',
    code: 1,
  });

/** Each submit and lookup takes the next scripted answer: a value, or an error to throw. */
class ScriptedScheduler implements Scheduler {
  readonly name = 'slurm' as const;
  readonly pollIntervalMs = { min: 1, max: 1 };
  submits = 0;
  lookups = 0;

  constructor(
    private readonly submitAnswers: (string | Error)[],
    private readonly lookupAnswers: (SubmissionOutcome | Error)[] = [],
  ) {}

  async limits() {
    return { maxArraySize: 1001 };
  }
  async submit(request: SubmitRequest): Promise<ArrayJob> {
    this.submits++;
    const answer = this.submitAnswers.shift();
    if (answer instanceof Error || answer === undefined) throw answer ?? new Error('no more submits scripted');
    return { jobId: answer, offset: request.offset, taskIds: request.taskIds };
  }
  async findSubmission(): Promise<SubmissionOutcome> {
    this.lookups++;
    const answer = this.lookupAnswers.shift();
    if (answer instanceof Error || answer === undefined) throw answer ?? new Error('no more lookups scripted');
    return answer;
  }
  async poll(): Promise<ElementStatus[]> {
    return [];
  }
  async cancel() {}
}

const request: SubmitRequest = { runDir: '/r/1', jobName: 'mnist', token: 'tok1', taskIds: [0, 1], offset: 0 };
const scope = { cluster: 'lab', jobName: 'mnist', jobs: () => [] };

function patience(patienceMs = 60_000) {
  let now = 0;
  const lines: string[] = [];
  return {
    lines,
    patienceMs,
    log: (line: string) => lines.push(line),
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

describe('submitOnce', () => {
  it('submits once when sbatch answers', async () => {
    const scheduler = new ScriptedScheduler(['612']);
    expect(await submitOnce(scheduler, request, scope, patience())).toEqual({
      jobId: '612',
      offset: 0,
      taskIds: [0, 1],
    });
    expect([scheduler.submits, scheduler.lookups]).toEqual([1, 0]);
  });

  it('finds the array of a reply lost with the connection by its token, and does not submit again', async () => {
    const scheduler = new ScriptedScheduler([lost()], [{ state: 'accepted', jobId: '612' }]);
    const time = patience();
    expect((await submitOnce(scheduler, request, scope, time)).jobId).toBe('612');
    expect([scheduler.submits, scheduler.lookups]).toEqual([1, 1]);
    expect(time.lines).toEqual([
      expect.stringMatching(
        /^mnist: lost the connection to lab; the array may have been accepted: it is looked up by its token/,
      ),
      "mnist: the reply of sbatch was lost; job 612 carries this launch's token: attached to it, not submitted again",
    ]);
  });

  it('waits for a sbatch still under way, and submits again only once it ended without an array', async () => {
    const scheduler = new ScriptedScheduler(
      [lost(), '613'],
      [lost(), { state: 'in-flight' }, { state: 'not-accepted', said: 'sbatch exited with 1' }],
    );
    const time = patience();
    expect((await submitOnce(scheduler, request, scope, time)).jobId).toBe('613');
    expect([scheduler.submits, scheduler.lookups]).toEqual([2, 3]);
    expect(time.lines.some((line) => /sbatch sent before the fault is still running on lab/.test(line))).toBe(true);
  });

  it('tries again while the controller does not answer', async () => {
    const scheduler = new ScriptedScheduler(
      [unreachable(), unreachable(), '614'],
      [{ state: 'not-accepted' }, { state: 'not-accepted' }],
    );
    const time = patience();
    expect((await submitOnce(scheduler, request, scope, time)).jobId).toBe('614');
    expect(time.lines.filter((line) => /Slurm's controller on lab does not answer/.test(line))).toHaveLength(2);
  });

  it('throws at once what cannot pass on its own', async () => {
    const invalid = SlurmError.from('sbatch', {
      stdout: '',
      stderr: 'sbatch: error: Invalid partition name specified',
      code: 1,
    });
    const scheduler = new ScriptedScheduler([invalid]);
    await expect(submitOnce(scheduler, request, scope, patience())).rejects.toBe(invalid);
    expect(scheduler.lookups).toBe(0);
  });

  it('gives up when the patience is spent, saying how to find an array that may exist', async () => {
    const scheduler = new ScriptedScheduler(
      [lost()],
      Array.from({ length: 10 }, () => ({ state: 'in-flight' }) as const),
    );
    const attempt = submitOnce(scheduler, request, scope, patience(20_000));
    await expect(attempt).rejects.toBeInstanceOf(GaveUpError);
    await expect(attempt).rejects.toThrow(
      /squeue --name mnist -o '%i %k'` on lab lists it with the comment nx-slurm:tok1/,
    );
  });
});
