import type { ResolvedCluster } from '../config';
import { interruptMessage } from './session';

const cluster = (name: string) => ({ name }) as ResolvedCluster;

describe('interruptMessage', () => {
  it('says nothing runs when nothing was submitted or attached', () => {
    expect(interruptMessage([{ cluster: cluster('lab'), jobs: new Set() }])).toBe(
      'nx-slurm: interrupted before anything was submitted: nothing runs on the cluster. Rerun the same command to start again.',
    );
  });

  it('names the jobs that keep running, and how to attach or cancel', () => {
    expect(
      interruptMessage([
        { cluster: cluster('lab'), jobs: new Set(['12', '13']) },
        { cluster: cluster('idle'), jobs: new Set() },
      ]),
    ).toBe(
      'nx-slurm: interrupted. The jobs keep running on lab (job 12, 13): rerun the same command to attach to them, or cancel them with `nx run <project>:slurm-cancel`.',
    );
  });
});
