const WORD_SEPARATORS = new Set([' ', '\t', '\n']);
/** Inside double quotes a backslash escapes only these; before anything else it stays literal. */
const ESCAPABLE_IN_DOUBLE_QUOTES = new Set(['$', '`', '"', '\\', '\n']);

/**
 * Splits a line into words the way a POSIX shell does, but performs no expansion at all:
 * `$HOME`, `*`, `~`, backticks, `;` and `#` are ordinary characters. Quotes and backslashes
 * only group and escape. Throws on an unterminated quote, naming it and its column (1-based).
 */
export function splitShellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  // A word may be empty ('' or ""), so "have we started one" is tracked apart from its text.
  let inWord = false;
  let position = 0;
  while (position < line.length) {
    const char = line[position];
    if (WORD_SEPARATORS.has(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      position += 1;
      continue;
    }
    inWord = true;
    if (char === "'") {
      const end = line.indexOf("'", position + 1);
      if (end === -1) throw unterminatedQuote('single', position);
      word += line.slice(position + 1, end);
      position = end + 1;
    } else if (char === '"') {
      position = readDoubleQuoted(line, position, (text) => (word += text));
    } else if (char === '\\' && position + 1 < line.length) {
      // Backslash-newline is a line continuation: both characters disappear.
      if (line[position + 1] !== '\n') word += line[position + 1];
      position += 2;
    } else {
      // A trailing lone backslash stays literal, as in `sh -c 'echo a\'`.
      word += char;
      position += 1;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Reads a double-quoted part starting at `open`, appends its text, returns the index after it. */
function readDoubleQuoted(line: string, open: number, append: (text: string) => void): number {
  let position = open + 1;
  while (position < line.length) {
    const char = line[position];
    if (char === '"') return position + 1;
    const next = line[position + 1];
    if (char === '\\' && next !== undefined && ESCAPABLE_IN_DOUBLE_QUOTES.has(next)) {
      if (next !== '\n') append(next);
      position += 2;
    } else {
      append(char);
      position += 1;
    }
  }
  throw unterminatedQuote('double', open);
}

function unterminatedQuote(kind: 'single' | 'double', index: number): Error {
  const mark = kind === 'single' ? "'" : '"';
  return new Error(`unterminated ${kind} quote (${mark}) opened at column ${index + 1}`);
}
