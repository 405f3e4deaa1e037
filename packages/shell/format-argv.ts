import { quoteWord } from './shell-quote';

/** Words a POSIX shell reads back unchanged without quotes. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** Characters a reader could not see or paste inside plain single quotes. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * A display form of argument words for tables and task descriptions that a reader could paste
 * into a shell: plain words as they are, others in single quotes, and words holding control
 * characters (newlines, tabs) in bash's $'...' form so they stay on one line.
 */
export function formatArgv(argv: readonly string[]): string {
  return argv.map(displayWord).join(' ');
}

function displayWord(word: string): string {
  if (PLAIN_WORD.test(word)) return word;
  if (CONTROL.test(word)) return `$'${[...word].map(escapeForDollarQuotes).join('')}'`;
  return quoteWord(word);
}

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\\': '\\\\', "'": "\\'" };

function escapeForDollarQuotes(char: string): string {
  if (NAMED_ESCAPES[char]) return NAMED_ESCAPES[char];
  return CONTROL.test(char) ? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}` : char;
}
