import { matchesHostPatterns } from './host-patterns';

/** What ~/.ssh/config says about one host (only the settings nx-slurm uses). */
export interface SshHostConfig {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  proxyJump?: string;
  userKnownHostsFile?: string;
  strictHostKeyChecking?: string;
  /** Seconds between keep-alives (ServerAliveInterval); 0 switches them off. */
  serverAliveInterval?: number;
}

type Section = { kind: 'global' } | { kind: 'host'; patterns: string[] } | { kind: 'match' };

interface Setting {
  section: Section;
  keyword: string;
  values: string[];
}

/**
 * Reads an OpenSSH client config and returns a lookup by host, with OpenSSH's semantics: the
 * first value obtained for a keyword wins (IdentityFile accumulates), Host patterns as in
 * host-patterns.ts, keywords are case-insensitive. `Match` blocks never apply (their
 * conditions need a live connection) and `Include` is ignored: following it means reading
 * files, and a setting kept in an included file can be written in the cluster profile instead.
 */
export function parseSshConfig(text: string): (host: string) => SshHostConfig {
  const settings = readSettings(text);
  return (host) => {
    const result: SshHostConfig = { identityFiles: [] };
    const seen = new Set<string>();
    for (const { section, keyword, values } of settings) {
      if (!appliesTo(section, host) || values.length === 0) continue;
      if (keyword === 'identityfile') {
        result.identityFiles.push(values[0]);
        continue;
      }
      if (seen.has(keyword)) continue;
      seen.add(keyword);
      apply(result, keyword, values, host);
    }
    // "none" is how a config switches a jump host off; it still counts as the obtained value.
    if (result.proxyJump === 'none') delete result.proxyJump;
    return result;
  };
}

function apply(result: SshHostConfig, keyword: string, [value]: string[], host: string): void {
  switch (keyword) {
    case 'hostname':
      result.hostName = value.replace(/%[h%]/g, (token) => (token === '%h' ? host : '%'));
      break;
    case 'user':
      result.user = value;
      break;
    case 'port': {
      const port = Number(value);
      if (Number.isInteger(port) && port > 0 && port < 65536) result.port = port;
      break;
    }
    case 'proxyjump':
      result.proxyJump = value;
      break;
    case 'userknownhostsfile':
      result.userKnownHostsFile = value;
      break;
    case 'stricthostkeychecking':
      result.strictHostKeyChecking = value.toLowerCase();
      break;
    case 'serveraliveinterval': {
      const seconds = Number(value);
      if (Number.isInteger(seconds) && seconds >= 0) result.serverAliveInterval = seconds;
      break;
    }
  }
}

function readSettings(text: string): Setting[] {
  const settings: Setting[] = [];
  let section: Section = { kind: 'global' };
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(line) ?? /^([A-Za-z]+)()$/.exec(line);
    if (!match) continue;
    const keyword = match[1].toLowerCase();
    const values = splitArguments(match[2]);
    if (keyword === 'host') section = { kind: 'host', patterns: values };
    else if (keyword === 'match') section = { kind: 'match' };
    else settings.push({ section, keyword, values });
  }
  return settings;
}

/** Whitespace-separated arguments; double or single quotes group words with spaces. */
function splitArguments(text: string): string[] {
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3]);
}

function appliesTo(section: Section, host: string): boolean {
  if (section.kind !== 'host') return section.kind === 'global';
  return matchesHostPatterns(section.patterns, host);
}
