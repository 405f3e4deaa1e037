/**
 * Glob patterns as .gitignore and `exclude` write them: `*` and `?` stay within one path
 * segment, `**` as a whole segment spans any number of them, `[...]` is a character class,
 * `\` escapes. Our own small matcher: node 20's `path.matchesGlob` is experimental (it prints a
 * warning) and skips dotfiles, which .gitignore patterns do not.
 */
export function globToRegExpSource(pattern: string): string {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*' && pattern[i + 1] === '*') {
      const startsSegment = i === 0 || pattern[i - 1] === '/';
      const endsSegment = i + 2 === pattern.length || pattern[i + 2] === '/';
      if (startsSegment && endsSegment) {
        if (i + 2 === pattern.length) {
          source += '.*';
        } else {
          // `**/` matches zero or more whole segments.
          source += '(?:.*/)?';
          i++;
        }
        i++;
        continue;
      }
    }
    if (char === '*') {
      source += '[^/]*';
      while (pattern[i + 1] === '*') i++;
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '[') {
      const end = classEnd(pattern, i);
      if (end === -1) {
        source += '\\[';
      } else {
        source += characterClass(pattern.slice(i + 1, end));
        i = end;
      }
    } else if (char === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i]);
    } else {
      source += escapeRegExp(char);
    }
  }
  return source;
}

/** Index of the `]` closing the class opened at `open`, or -1 when it is not a class. */
function classEnd(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === '!' || pattern[i] === '^') i++;
  // A `]` right after the opening (or its negation) is a member, not the end.
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === ']') return i;
    if (pattern[i] === '/') return -1;
  }
  return -1;
}

function characterClass(body: string): string {
  const negated = body.startsWith('!') || body.startsWith('^');
  const members = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&');
  return negated ? `[^/${members}]` : `[${members}]`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
