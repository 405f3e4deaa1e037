/** What OpenSSH uses when neither the cluster profile nor ~/.ssh/config says (ssh_config(5)). */
export const DEFAULT_SSH_PORT = 22;
export const DEFAULT_KNOWN_HOSTS_FILE = '~/.ssh/known_hosts';
/** Unanswered keep-alives after which a connection counts as lost (ServerAliveCountMax). */
export const SERVER_ALIVE_COUNT_MAX = 3;
