/**
 * MySQL LIKE as CorEMR's list filters use it (`%` any run, `_` one character, `\` escapes the
 * next character), case-insensitive like MySQL's default *_ci collations. A pattern without
 * wildcards is a case-insensitive equality. NULL never matches.
 */
export function likeMatcher(pattern: string): (value: string | null) => boolean {
  const p = pattern.toLowerCase();
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '\\' && i + 1 < p.length) re += escapeRegExp(p[++i]!);
    else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += escapeRegExp(c);
  }
  const compiled = new RegExp(`^${re}$`, 'u');
  return (value) => value !== null && compiled.test(value.toLowerCase());
}

function escapeRegExp(c: string): string {
  // Only the characters that are special outside a class: the 'u' flag refuses needless escapes.
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
