import * as path from 'node:path';
import { jobYaml, parseJobId, parseState, peersDir, sshConfigText, which } from './peer';

describe('peersDir', () => {
  it('is NX_SLURM_PEERS when set', () => {
    expect(peersDir('/work/repo', { NX_SLURM_PEERS: '/opt/peers' })).toBe('/opt/peers');
  });

  it('is the nearest shared/peers above the repository: beside it, or beside the folder of worktrees', () => {
    const present = (dir: string) => dir === path.join('/work', 'shared', 'peers');
    expect(peersDir('/work/main', {}, present)).toBe('/work/shared/peers');
    expect(peersDir('/work/wt/h5-bench', {}, present)).toBe('/work/shared/peers');
  });

  it('names ../shared/peers when there is none, for the message', () => {
    expect(peersDir('/work/main', {}, () => false)).toBe('/work/shared/peers');
  });
});

describe('which', () => {
  it('finds the first program of that name on the PATH', () => {
    const present = new Set(['/usr/local/bin/rsync', '/usr/bin/rsync']);
    expect(which('rsync', '/opt/bin:/usr/local/bin:/usr/bin', (f) => present.has(f))).toBe('/usr/local/bin/rsync');
    expect(which('python3', '/usr/bin', (f) => present.has(f))).toBeUndefined();
  });
});

describe('sshConfigText', () => {
  it("points slurmpilot's host `lab` at the proxy port, with the key and known_hosts given, never asking", () => {
    const text = sshConfigText(
      { user: 'slurmuser', identityFile: '/lab/id', knownHostsFile: '/tmp/known_hosts', remotePath: '~/sp' },
      40123,
    );
    expect(text).toContain('Host lab\n  HostName 127.0.0.1\n  Port 40123\n  User slurmuser\n');
    expect(text).toContain('  UserKnownHostsFile /tmp/known_hosts\n  StrictHostKeyChecking yes\n  BatchMode yes\n');
  });
});

describe('jobYaml', () => {
  it('is JSON (which YAML reads) with the same partition, time and hold as the nx-slurm sweep', () => {
    const job = JSON.parse(
      jobYaml({ srcDir: '/ws/exp', library: '/ws/libs/shared', args: ['--i 0', '--i 1'], hold: true }),
    );
    expect(job).toEqual({
      entrypoint: 'main.py',
      src_dir: '/ws/exp',
      python_libraries: ['/ws/libs/shared'],
      python_binary: 'python3',
      partition: 'debug',
      max_runtime_minutes: 60,
      python_args: ['--i 0', '--i 1'],
      sbatch_arguments: '--hold',
    });
  });

  it('has no sbatch arguments for a sweep that runs', () => {
    expect(
      JSON.parse(jobYaml({ srcDir: '/s', library: '/l', args: [], hold: false })).sbatch_arguments,
    ).toBeUndefined();
  });
});

describe("reading slurmpilot's output", () => {
  it('finds the job id of a launch', () => {
    expect(
      parseJobId('Starting job x on lab.\n\nJob submitted to Slurm / lab with id 612 saving the jobid locally.'),
    ).toBe('612');
    expect(parseJobId('Error: missing required field(s): cluster')).toBeUndefined();
  });

  it("takes a status's last line as its answer", () => {
    expect(parseState('No job specified, using latest: x\nCOMPLETED\n')).toBe('COMPLETED');
  });
});
