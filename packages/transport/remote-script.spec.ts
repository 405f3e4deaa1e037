import { ConnectionError } from './errors';
import { LocalTransport } from './local';
import { RemoteScriptError, runRemoteScript, type RemoteScript } from './remote-script';
import type { ExecOptions, ExecResult, Transport } from './transport';

const ECHO_ARGS: RemoteScript = { name: 'echo-args', body: `printf '%s\\n' "$0" "$@"` };

/** A transport that answers every command with `result` and records what it ran. */
function fakeTransport(result: ExecResult | Error) {
  const calls: { argv: string[]; options?: ExecOptions }[] = [];
  const transport: Transport = {
    kind: 'ssh',
    target: 'alice@hpc-login:22',
    exec: async (argv, options) => {
      calls.push({ argv, options });
      if (result instanceof Error) throw result;
      return result;
    },
    home: async () => '/home/alice',
    writeFile: async () => undefined,
    readFile: async () => Buffer.alloc(0),
    stats: () => ({ connections: 1, commands: calls.length, bytesSent: 0 }),
    close: async () => undefined,
  };
  return { transport, calls };
}

describe('runRemoteScript', () => {
  it('runs the body with bash -c, the arguments as positional parameters never evaluated, and returns stdout', async () => {
    const hostile = ['$HOME', '`id`', 'a b', "it's", '; rm -rf /'];
    const stdout = await runRemoteScript(new LocalTransport(), ECHO_ARGS, hostile);
    expect(stdout).toBe(['nx-slurm', ...hostile].map((word) => `${word}\n`).join(''));
  });

  it('feeds stdin to the script', async () => {
    const cat: RemoteScript = { name: 'cat', body: 'cat' };
    expect(await runRemoteScript(new LocalTransport(), cat, [], { stdin: 'to stdin\n' })).toBe('to stdin\n');
  });

  it('throws a RemoteScriptError naming the script, the host, the exit code and stderr', async () => {
    const { transport, calls } = fakeTransport({ stdout: '', stderr: 'mkdir: Permission denied\n', code: 1 });
    const error = await runRemoteScript(transport, { name: 'create-run', body: 'mkdir "$1"' }, ['/r']).catch(
      (e: unknown) => e,
    );

    expect(calls.map((call) => call.argv)).toEqual([['bash', '-c', 'mkdir "$1"', 'nx-slurm', '/r']]);
    expect(error).toBeInstanceOf(RemoteScriptError);
    expect(error).toMatchObject({
      script: 'create-run',
      target: 'alice@hpc-login:22',
      code: 1,
      stderr: 'mkdir: Permission denied\n',
    });
    expect((error as Error).message).toBe(
      'The remote script "create-run" exited 1 on alice@hpc-login:22: mkdir: Permission denied. ' +
        'Check the free space and permissions of the remote root there, then run again.',
    );
  });

  it('says when the script was killed or printed nothing', async () => {
    const killed = fakeTransport({ stdout: '', stderr: '', code: null });
    await expect(runRemoteScript(killed.transport, ECHO_ARGS, [])).rejects.toThrow(
      'The remote script "echo-args" was killed by a signal on alice@hpc-login:22 without a message.',
    );
    const real = await runRemoteScript(new LocalTransport(), { name: 'fail', body: 'exit 4' }, []).catch(
      (e: unknown) => e,
    );
    expect(real).toMatchObject({ name: 'RemoteScriptError', script: 'fail', target: 'localhost', code: 4 });
  });

  it("lets the transport's own errors through", async () => {
    const lost = new ConnectionError('ssh alice@hpc-login:22: Not connected', 'EXEC_FAILED');
    await expect(runRemoteScript(fakeTransport(lost).transport, ECHO_ARGS, [])).rejects.toBe(lost);
  });
});
