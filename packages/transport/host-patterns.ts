/**
 * OpenSSH host patterns, shared by ssh_config `Host` lines and known_hosts host fields
 * (ssh_config(5) "PATTERNS"): `*` is any run of characters, `?` one character, case-insensitive.
 * A list matches a name when one of its patterns does and none of its negated (`!`) ones does.
 */
export function matchesHostPatterns(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (!matchesWildcard(negated ? pattern.slice(1) : pattern, name)) continue;
    // A matching negated pattern rules the name out, whatever else matches.
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function matchesWildcard(pattern: string, name: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(name);
}
