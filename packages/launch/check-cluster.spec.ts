import {
  AuthenticationError,
  ConnectionError,
  HostKeyError,
  TransportError,
  type ExecResult,
  type Transport,
} from '../transport';
import { checkCluster, checkClusterProfile, checkPassed, connectAndCheck, formatClusterCheck } from './check-cluster';

type Answers = Partial<Record<'sbatch' | 'sinfo' | 'scontrol' | 'sacct', Partial<ExecResult>>>;

const HEALTHY: Answers = {
  sbatch: { stdout: 'slurm 23.11.4\n' },
  sinfo: { stdout: 'debug*|up|1-00:00:00|2\ngpu|up|infinite|4\n' },
  scontrol: {
    stdout:
      'Configuration data as of 2025-01-01T00:00:00\nMaxArraySize            = 1001\nMinJobAge               = 300 sec\n',
  },
  sacct: { stdout: '' },
};

/** Answers each Slurm command from a table, and records what ran. */
class FakeTransport implements Transport {
  readonly target = 'alice@hpc-login:22';
  readonly commands: string[][] = [];
  closed = false;

  constructor(
    private readonly answers: Answers,
    readonly kind: 'ssh' | 'local' = 'ssh',
  ) {}

  async exec(argv: string[]): Promise<ExecResult> {
    this.commands.push(argv);
    const answer = this.answers[argv[0] as keyof Answers];
    if (!answer) return { stdout: '', stderr: `${argv[0]}: command not found`, code: 127 };
    return { stdout: '', stderr: '', code: 0, ...answer };
  }
  async home() {
    return '/home/alice';
  }
  async writeFile() {}
  async readFile(): Promise<Buffer> {
    throw new Error('not used');
  }
  stats() {
    return { connections: 1, commands: this.commands.length, bytesSent: 0 };
  }
  async close() {
    this.closed = true;
  }
}

describe('checkCluster', () => {
  it('reports version, partitions, MaxArraySize, MinJobAge and a working sacct', async () => {
    const transport = new FakeTransport(HEALTHY);
    const check = await checkCluster(transport);

    expect(check).toEqual({
      target: 'alice@hpc-login:22',
      slurmVersion: '23.11.4',
      partitions: [
        { name: 'debug', isDefault: true, availability: 'up', timeLimit: '1-00:00:00', nodes: 2 },
        { name: 'gpu', isDefault: false, availability: 'up', timeLimit: 'infinite', nodes: 4 },
      ],
      maxArraySize: 1001,
      minJobAge: 300,
      accounting: 'works',
      problems: [],
    });
    expect(checkPassed(check)).toBe(true);
    expect(transport.commands.map((argv) => argv[0])).toEqual(['sbatch', 'sinfo', 'scontrol', 'sacct']);
  });

  it('stops at a missing sbatch and says how to put it on the PATH of SSH commands', async () => {
    const check = await checkCluster(new FakeTransport({}));

    expect(check.problems).toEqual([expect.objectContaining({ kind: 'no-sbatch', severity: 'error' })]);
    expect(check.problems[0].message).toMatch(/exit 127/);
    expect(check.problems[0].message).toMatch(/module load slurm/);
    expect(check.problems[0].message).toMatch(/~\/\.bashrc/);
    expect(checkPassed(check)).toBe(false);
  });

  it('gives the local transport its own advice for a missing sbatch', async () => {
    const check = await checkCluster(new FakeTransport({}, 'local'));

    expect(check.problems[0].message).toMatch(/this machine's PATH/);
    expect(check.problems[0].message).toMatch(/--host/);
  });

  it('passes with a warning when accounting storage is disabled', async () => {
    const sacct = { stderr: 'Slurm accounting storage is disabled\n', code: 1 };
    const check = await checkCluster(new FakeTransport({ ...HEALTHY, sacct }));

    expect(check.accounting).toBe('disabled');
    expect(check.problems).toEqual([expect.objectContaining({ kind: 'accounting-disabled', severity: 'warning' })]);
    expect(check.problems[0].message).toMatch(/squeue and the exit markers/);
    expect(checkPassed(check)).toBe(true);
  });

  it('fails when sacct errors otherwise (the launcher polls with it)', async () => {
    const sacct = { stderr: 'sacct: error: Problem talking to the database: Connection refused\n', code: 1 };
    const check = await checkCluster(new FakeTransport({ ...HEALTHY, sacct }));

    expect(check.problems).toEqual([expect.objectContaining({ kind: 'accounting', severity: 'error' })]);
    expect(check.problems[0].message).toMatch(/Problem talking to the database.*exit 1/);
    expect(checkPassed(check)).toBe(false);
  });

  it('fails when sacct is missing though sbatch is there', async () => {
    const sacct = { stderr: 'bash: sacct: command not found\n', code: 127 };
    const check = await checkCluster(new FakeTransport({ ...HEALTHY, sacct }));

    expect(check.accounting).toBeUndefined();
    expect(check.problems).toEqual([expect.objectContaining({ kind: 'accounting', severity: 'error' })]);
    expect(check.problems[0].message).toMatch(/sacct is not on the PATH on alice@hpc-login:22, though sbatch is/);
  });

  it('stops at an sbatch that is there but fails, with the first lines it printed', async () => {
    const sbatch = { stderr: 'sbatch: error: line one\nline two\nline three\nline four\n', code: 1 };
    const transport = new FakeTransport({ ...HEALTHY, sbatch });
    const check = await checkCluster(transport);

    expect(check.problems).toEqual([
      {
        kind: 'slurm',
        severity: 'error',
        message:
          '"sbatch --version" failed on alice@hpc-login:22: sbatch: error: line one / line two / line three (exit 1)',
      },
    ]);
    expect(transport.commands).toEqual([['sbatch', '--version']]);
  });

  it('fails when the controller does not answer', async () => {
    const sinfo = { stderr: 'slurm_load_partitions: Unable to contact slurm controller (connect failure)\n', code: 1 };
    const check = await checkCluster(new FakeTransport({ ...HEALTHY, sinfo }));

    expect(check.slurmVersion).toBe('23.11.4');
    expect(check.problems).toEqual([expect.objectContaining({ kind: 'slurm', severity: 'error' })]);
    expect(check.problems[0].message).toMatch(/Unable to contact slurm controller/);
  });

  it('reports a failing scontrol but goes on to sacct', async () => {
    const scontrol = { stderr: 'scontrol: error: permission denied\n', code: 1 };
    const check = await checkCluster(new FakeTransport({ ...HEALTHY, scontrol }));

    expect(check.maxArraySize).toBeUndefined();
    expect(check.accounting).toBe('works');
    expect(check.problems).toEqual([expect.objectContaining({ kind: 'slurm', severity: 'error' })]);
    expect(check.problems[0].message).toMatch(/scontrol show config.*permission denied/);
  });

  it('warns about a partition sinfo does not list and a maxArraySize above the real one', async () => {
    const check = await checkCluster(new FakeTransport(HEALTHY), { partition: 'a100', maxArraySize: 5000 });

    expect(check.problems.map((p) => [p.kind, p.severity])).toEqual([
      ['partition', 'warning'],
      ['max-array-size', 'warning'],
    ]);
    expect(check.problems[0].message).toMatch(/"a100".*debug, gpu/);
    expect(check.problems[1].message).toMatch(/5000.*1001/);
  });
});

describe('connectAndCheck', () => {
  it('closes the transport after checking', async () => {
    const transport = new FakeTransport(HEALTHY);
    const check = await connectAndCheck(async () => transport);

    expect(checkPassed(check)).toBe(true);
    expect(transport.closed).toBe(true);
  });

  it.each([
    [
      'unreachable',
      new ConnectionError('Cannot connect to hpc:22: connection refused. Is sshd running there?', 'ECONNREFUSED'),
    ],
    ['unreachable', new ConnectionError('No route to hpc:22 (ETIMEDOUT).', 'ETIMEDOUT')],
    ['unreachable', new ConnectionError('Cannot resolve host "hpc" (ENOTFOUND).', 'ENOTFOUND')],
    ['auth', new AuthenticationError('alice@hpc:22 refused every credential offered: ~/.ssh/id_ed25519.')],
    ['connection', new TransportError('cannot read known_hosts file x: EACCES', 'KNOWN_HOSTS_UNREADABLE')],
  ])('turns a connection failure into a %s problem with the transport message', async (kind, error) => {
    const check = await connectAndCheck(async () => {
      throw error;
    });

    expect(check.problems).toEqual([{ kind, severity: 'error', message: error.message }]);
    expect(checkPassed(check)).toBe(false);
  });

  it('keeps the fingerprint of an unknown host key and offers --accept-new-host-key', async () => {
    const error = new HostKeyError(
      'The host key of hpc:22 is not known.\n  ED25519 key fingerprint: SHA256:abc',
      'unknown',
      'SHA256:abc',
    );
    const check = await connectAndCheck(async () => {
      throw error;
    });

    expect(check.problems[0].kind).toBe('host-key');
    expect(check.problems[0].message).toContain('SHA256:abc');
    expect(check.problems[0].message).toMatch(/--accept-new-host-key/);
  });

  it('does not offer to accept a changed host key', async () => {
    const error = new HostKeyError('THE HOST KEY OF hpc:22 HAS CHANGED', 'changed', 'SHA256:new');
    const check = await connectAndCheck(async () => {
      throw error;
    });

    expect(check.problems[0].message).not.toMatch(/accept-new/);
  });

  it('reports a connection lost during the check, and still closes', async () => {
    const transport = new FakeTransport(HEALTHY);
    transport.exec = async () => {
      throw new ConnectionError('ssh alice@hpc-login:22: cannot run sbatch: Not connected', 'EXEC_FAILED');
    };
    const check = await connectAndCheck(async () => transport);

    expect(check.problems).toEqual([expect.objectContaining({ kind: 'connection', severity: 'error' })]);
    expect(transport.closed).toBe(true);
  });
});

describe('checkClusterProfile', () => {
  it("logs the report, checks the profile's partition and says whether sweeps can run", async () => {
    const lines: string[] = [];
    const transport = new FakeTransport(HEALTHY);
    const passed = await checkClusterProfile(
      'hpc',
      { host: 'hpc-login', remoteRoot: '~/nx-slurm', resources: { partition: 'a100' } },
      { connect: async () => transport, log: (line) => lines.push(line) },
    );

    expect(passed).toBe(true);
    expect(transport.closed).toBe(true);
    expect(lines[0]).toBe('Checking cluster "hpc"...');
    expect(lines).toContain('Cluster "hpc" (alice@hpc-login:22):');
    expect(lines.join('\n')).toMatch(/WARNING: The profile's partition "a100"/);
  });

  it('returns false when the cluster cannot run sweeps', async () => {
    const passed = await checkClusterProfile(
      'hpc',
      { host: 'hpc-login', remoteRoot: '~/nx-slurm' },
      { connect: async () => new FakeTransport({}), log: () => undefined },
    );
    expect(passed).toBe(false);
  });
});

describe('formatClusterCheck', () => {
  it('indents the further lines of a multi-line problem', () => {
    const lines = formatClusterCheck('hpc', {
      problems: [
        {
          kind: 'host-key',
          severity: 'error',
          message: 'The host key of hpc:22 is not known.\n  fingerprint: SHA256:abc',
        },
      ],
    });

    expect(lines).toEqual([
      'Cluster "hpc":',
      '  ERROR: The host key of hpc:22 is not known.',
      '      fingerprint: SHA256:abc',
    ]);
  });
});
