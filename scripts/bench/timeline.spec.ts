import {
  EXIT,
  EXECUTOR_STARTED,
  GRAPH_READY,
  JOB_RECORDED,
  medianTimeline,
  ownPartMs,
  perfEntries,
  phasesOf,
  TASK_STARTED,
} from './timeline';

describe('phasesOf', () => {
  const startedAt = 1_700_000_000_000;
  const run = {
    startedAt,
    ms: 2500,
    lines: [
      { t: 900, text: '> nx run exp100:slurm-submit' },
      { t: 1300, text: `nx-slurm timeline: ${startedAt + 1200.5} executor started` },
      { t: 1400, text: `nx-slurm timeline: ${startedAt + 1350} bundles built and hashed` },
      { t: 1500, text: 'exp100: submitted job 12 (100 index(es)) on lab, run /r' },
      { t: 2000, text: `nx-slurm timeline: ${startedAt + 1900} job recorded` },
      { t: 2100, text: '> nx run other:target' },
    ],
  };

  it("places nx-slurm's marks by their own clock and Nx's task line by its arrival, then the exit", () => {
    expect(phasesOf(run)).toEqual([
      { name: TASK_STARTED, atMs: 900 },
      { name: EXECUTOR_STARTED, atMs: 1200.5 },
      { name: 'bundles built and hashed', atMs: 1350 },
      { name: JOB_RECORDED, atMs: 1900 },
      { name: EXIT, atMs: 2500 },
    ]);
  });

  it("measures nx-slurm's own part from its executor's start to the job recorded", () => {
    expect(ownPartMs(phasesOf(run))).toBe(699.5);
  });

  it("reads a batch's header lines as the graph ready and the batch handed over", () => {
    const phases = phasesOf({
      startedAt,
      ms: 3000,
      lines: [
        { t: 1000, text: ' NX   Running target slurm-array for project exp and 100 tasks it depends on:' },
        { t: 1600, text: ' NX   Running 100 tasks with nx-slurm:array' },
        { t: 2000, text: '> nx run exp:slurm-array--0' },
      ],
    });
    expect(phases).toEqual([
      { name: GRAPH_READY, atMs: 1000 },
      { name: TASK_STARTED, atMs: 1600 },
      { name: EXIT, atMs: 3000 },
    ]);
  });

  it('has no own part for a command that submitted nothing', () => {
    expect(
      ownPartMs([
        { name: EXECUTOR_STARTED, atMs: 10 },
        { name: EXIT, atMs: 20 },
      ]),
    ).toBeUndefined();
  });
});

describe('medianTimeline', () => {
  it('takes each phase median over the runs that have it', () => {
    const runs = [
      [
        { name: 'a', atMs: 1 },
        { name: 'b', atMs: 10 },
      ],
      [
        { name: 'a', atMs: 3 },
        { name: 'b', atMs: 30 },
        { name: 'c', atMs: 40 },
      ],
      [{ name: 'a', atMs: 2 }],
    ];
    expect(medianTimeline(runs)).toEqual([
      { name: 'a', atMs: 2 },
      { name: 'b', atMs: 20 },
      { name: 'c', atMs: 40 },
    ]);
  });
});

describe('perfEntries', () => {
  it("keeps the longest of each of Nx's performance marks", () => {
    const text = ["Time taken for 'createNodes' 12.5ms", 'other output', "Time taken for 'createNodes' 30ms"].join(
      '\n',
    );
    expect(perfEntries(text)).toEqual(new Map([['createNodes', 30]]));
  });
});
