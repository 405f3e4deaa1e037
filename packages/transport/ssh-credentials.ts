import { readFile } from 'node:fs/promises';
import { utils } from 'ssh2';
import { encryptedIdentityFile, noCredentials, unreadableIdentityFile } from './ssh-errors';

/** What the client offers the server: the first readable identity file, and the agent. */
export interface Credentials {
  privateKey?: Buffer;
  agent?: string;
  /** What was offered or skipped, for the authentication error. */
  offered: string[];
}

/**
 * The first identity file ssh2 can read, plus the agent (`agent`, else SSH_AUTH_SOCK; '' for
 * none). An encrypted key is left to the agent, since nx-slurm never prompts for a passphrase.
 */
export async function loadCredentials(identityFiles: readonly string[], agentSocket?: string): Promise<Credentials> {
  const agent = agentSocket ?? process.env.SSH_AUTH_SOCK;
  const offered: string[] = [];
  let privateKey: Buffer | undefined;
  for (const file of identityFiles) {
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch (error) {
      offered.push(`${file} (not readable: ${(error as NodeJS.ErrnoException).code})`);
      continue;
    }
    const parsed = utils.parseKey(content);
    if (parsed instanceof Error) {
      if (/passphrase/i.test(parsed.message)) {
        if (agent) {
          offered.push(`${file} (encrypted: left to the ssh-agent)`);
          continue;
        }
        throw encryptedIdentityFile(file);
      }
      throw unreadableIdentityFile(file, parsed.message);
    }
    privateKey = content;
    offered.push(file);
    break;
  }
  if (agent) offered.push(`ssh-agent at ${agent}`);
  if (!privateKey && !agent) throw noCredentials(identityFiles, offered);
  return { privateKey, agent, offered };
}
