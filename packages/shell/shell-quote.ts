/** Words that need no quoting for a POSIX shell: no glob, expansion, `=`, `~` or separator. */
const SAFE_WORD = /^[A-Za-z0-9_./:@,+-]+$/;

/**
 * Quotes one word for a POSIX shell (sh, bash, dash, zsh, ksh) so that it reaches the program
 * byte for byte: inside single quotes nothing is special except `'` itself, written `'\''`.
 */
export function quoteWord(word: string): string {
  if (word.includes('\0')) throw new Error(`A NUL byte cannot be passed in an argument: ${JSON.stringify(word)}`);
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Joins argv into one command line that a POSIX login shell turns back into exactly argv,
 * evaluating nothing (no `$`, backticks, globs, `~`, `;`, newlines, assignments).
 * csh/tcsh/fish login shells are not supported: their quoting rules differ.
 */
export function shellQuote(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('shellQuote: empty argv');
  return argv.map(quoteWord).join(' ');
}
