/**
 * The test cluster (e2e/cluster/start.sh writes its `env` file) and the two links the tools
 * reach it by, both through e2e/support/tcp-proxy.ts so that connections, bytes and round trips
 * are counted the same way for every tool: one as is, one shaped like a laptop on a university
 * cluster (the kernel here has no netem).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TcpProxy, type LinkShape } from '../../e2e/support/tcp-proxy';
import type { SshConnection } from '../../packages/transport';
import type { LinkName, Traffic } from './stats';

export interface Lab {
  host: string;
  port: number;
  user: string;
  identityFile: string;
  knownHostsFile: string;
}

/** The test cluster's access, or undefined when it is not started. */
export function readLab(env: NodeJS.ProcessEnv = process.env): Lab | undefined {
  const file = path.join(env.NX_SLURM_LAB || '/tmp/nx-slurm-lab', 'env');
  if (!existsSync(file)) return undefined;
  const values = parseEnvFile(readFileSync(file, 'utf8'));
  if (!values.NX_SLURM_LAB_HOST) return undefined;
  return {
    host: values.NX_SLURM_LAB_HOST,
    port: Number(values.NX_SLURM_LAB_PORT),
    user: values.NX_SLURM_LAB_USER,
    identityFile: values.NX_SLURM_LAB_IDENTITY_FILE,
    knownHostsFile: values.NX_SLURM_LAB_KNOWN_HOSTS_FILE,
  };
}

export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]] = match[2];
  }
  return values;
}

export const LINKS: Record<LinkName, { label: string; shape: LinkShape }> = {
  loopback: { label: 'loopback through the proxy, no shaping', shape: {} },
  wan: {
    label: 'through the proxy at 25 ms each way and 20 Mbit/s',
    shape: { delayMs: 25, bitsPerSecond: 20_000_000 },
  },
};

export interface Link {
  name: LinkName;
  label: string;
  proxy: TcpProxy;
}

export async function startLinks(lab: Lab): Promise<Link[]> {
  const links: Link[] = [];
  for (const name of Object.keys(LINKS) as LinkName[]) {
    const proxy = await TcpProxy.start({ host: lab.host, port: lab.port }, LINKS[name].shape);
    links.push({ name, label: LINKS[name].label, proxy });
  }
  return links;
}

/** Counts what one command sends through the link. */
export async function measured<T>(link: Link, run: () => Promise<T>): Promise<{ result: T; traffic: Traffic }> {
  link.proxy.resetCounters();
  const result = await run();
  const { connections, bytesUp, bytesDown, roundTrips } = link.proxy.counters();
  return { result, traffic: { connections, bytesUp, bytesDown, roundTrips } };
}

/**
 * known_hosts lines for the cluster's keys under each proxy port (`[127.0.0.1]:PORT`), so both
 * tools still verify the host key when they connect through a proxy.
 */
export function knownHostsForPorts(text: string, host: string, labPort: number, ports: number[]): string {
  const labName = labPort === 22 ? host : `[${host}]:${labPort}`;
  const keys = text
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 3 && !fields[0].startsWith('#') && fields[0].split(',').includes(labName))
    .map((fields) => fields.slice(1).join(' '));
  if (keys.length === 0)
    throw new Error(
      `no host key for ${labName} in the test cluster's known_hosts; restart the cluster (bash e2e/cluster/start.sh)`,
    );
  return ports.flatMap((port) => keys.map((key) => `[${host}]:${port} ${key}`)).join('\n') + '\n';
}

/** An ssh2 connection to the cluster through `port` (the cluster's own or a proxy's). */
export function sshConnection(lab: Lab, port: number, knownHostsFile: string): SshConnection {
  return {
    host: lab.host,
    port,
    user: lab.user,
    identityFiles: [lab.identityFile],
    knownHostsFile,
    strictHostKeyChecking: 'yes',
    agent: '',
  };
}
