export { splitShellWords } from './shell-words';
export { quoteWord, shellQuote } from './shell-quote';
export { formatArgv } from './format-argv';
export { ENV_NAME, isReservedEnvName, RESERVED_ENV_PREFIXES } from './env-names';
