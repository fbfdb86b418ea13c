/**
 * Go's regexp (RE2 syntax) compiled into a JavaScript RegExp with the same answers for the
 * patterns Reloader builds (`"^" + entry + "$"`, searched with `Match`). Go rejects what RE2 does
 * not have (lookarounds, backreferences, unknown escapes): those give null, as Reloader skips an
 * entry it cannot compile.
 *
 * Known approximation: a flag group in the middle of a pattern (`a|(?i)b`, `(?i:b)`) is applied to
 * the whole pattern, since Node 20 has no scoped modifiers. Kubernetes names are lower case, so
 * this differs only for upper-case literals before the flag.
 */

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Escapes of a letter or digit that Go knows, copied as they are (JS reads them alike). */
const SAME_ESCAPES = new Set(['d', 'D', 's', 'S', 'w', 'W', 't', 'n', 'r', 'f', 'v']);
const ESCAPES_OUTSIDE_CLASS = new Set([...SAME_ESCAPES, 'b', 'B']);

type Translation = { source: string; flags: Set<string> };

function escapeLiteral(char: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(char) ? `\\${char}` : char;
}

/** One escape at `pattern[i] === '\\'`: the JS text and the index after it, or null when Go rejects it. */
function translateEscape(pattern: string, i: number, inClass: boolean, out: Translation): [string, number] | null {
  const c = pattern[i + 1];
  if (c === undefined) return null; // trailing backslash
  if ((inClass ? SAME_ESCAPES : ESCAPES_OUTSIDE_CLASS).has(c)) return [`\\${c}`, i + 2];
  if (c === 'a') return ['\\x07', i + 2];
  if (!inClass && c === 'A') return ['^', i + 2];
  if (!inClass && c === 'z') return ['$', i + 2];
  if (c === 'x') {
    if (pattern[i + 2] === '{') {
      const end = pattern.indexOf('}', i + 3);
      const hex = end < 0 ? '' : pattern.slice(i + 3, end);
      if (!/^[0-9A-Fa-f]{1,6}$/.test(hex)) return null;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) return null;
      return [code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : String.fromCodePoint(code).replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&'), end + 1];
    }
    const hex = pattern.slice(i + 2, i + 4);
    return /^[0-9A-Fa-f]{2}$/.test(hex) ? [`\\x${hex}`, i + 4] : null;
  }
  if (c === 'p' || c === 'P') {
    out.flags.add('u');
    if (pattern[i + 2] === '{') {
      const end = pattern.indexOf('}', i + 3);
      if (end < 0) return null;
      return [`\\${c}{${pattern.slice(i + 3, end)}}`, end + 1];
    }
    const name = pattern[i + 2];
    return name && /[A-Za-z]/.test(name) ? [`\\${c}{${name}}`, i + 3] : null;
  }
  if (c >= '0' && c <= '7') {
    // Go: \0, or octal of up to three digits; a single non-zero digit would be a backreference, which RE2 lacks.
    const digits = /^[0-7]{1,3}/.exec(pattern.slice(i + 1))![0];
    if (c !== '0' && digits.length === 1) return null;
    return [`\\x${parseInt(digits, 8).toString(16).padStart(2, '0')}`, i + 1 + digits.length];
  }
  if (/[A-Za-z0-9]/.test(c)) return null; // Go: invalid escape sequence
  return [`\\${c}`, i + 2];
}

/** A bracket expression starting at `pattern[i] === '['`. */
function translateClass(pattern: string, i: number, out: Translation): [string, number] | null {
  let j = i + 1;
  let text = '[';
  if (pattern[j] === '^') {
    text += '^';
    j++;
  }
  let first = true;
  while (j < pattern.length) {
    const c = pattern[j]!;
    if (c === ']' && !first) return [`${text}]`, j + 1];
    first = false;
    if (c === '[' && pattern[j + 1] === ':') {
      const end = pattern.indexOf(':]', j + 2);
      if (end < 0) return null;
      let name = pattern.slice(j + 2, end);
      const negated = name.startsWith('^');
      if (negated) name = name.slice(1);
      const range = POSIX_CLASSES[name];
      if (range === undefined || negated) return null; // a negated POSIX class inside a class has no JS form
      text += range;
      j = end + 2;
      continue;
    }
    if (c === '\\') {
      const escaped = translateEscape(pattern, j, true, out);
      if (!escaped) return null;
      text += escaped[0];
      j = escaped[1];
      continue;
    }
    text += c === '[' || c === ']' ? `\\${c}` : c;
    j++;
  }
  return null; // missing closing ]
}

function translate(entry: string): Translation | null {
  const out: Translation = { source: '', flags: new Set() };
  let i = 0;
  while (i < entry.length) {
    const c = entry[i]!;
    if (c === '\\') {
      if (entry[i + 1] === 'Q') {
        const end = entry.indexOf('\\E', i + 2);
        const literal = end < 0 ? entry.slice(i + 2) : entry.slice(i + 2, end);
        out.source += [...literal].map(escapeLiteral).join('');
        i = end < 0 ? entry.length : end + 2;
        continue;
      }
      const escaped = translateEscape(entry, i, false, out);
      if (!escaped) return null;
      out.source += escaped[0];
      i = escaped[1];
      continue;
    }
    if (c === '[') {
      const made = translateClass(entry, i, out);
      if (!made) return null;
      out.source += made[0];
      i = made[1];
      continue;
    }
    if (c === '(' && entry[i + 1] === '?') {
      const rest = entry.slice(i + 2);
      const named = /^P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      if (named) {
        out.source += `(?<${named[1]}>`;
        i += 2 + named[0].length;
        continue;
      }
      const flagGroup = /^(-?[imsU]+(?:-[imsU]*)?|[imsU]*-[imsU]+)([:)])/.exec(rest);
      if (flagGroup) {
        const [on] = flagGroup[1]!.split('-');
        // U (ungreedy) cannot change whether an anchored pattern matches; i, s, m are JS flags.
        for (const flag of on ?? '') if (flag !== 'U') out.flags.add(flag);
        out.source += flagGroup[2] === ':' ? '(?:' : '';
        i += 2 + flagGroup[0].length;
        continue;
      }
      if (rest.startsWith(':')) {
        out.source += '(?:';
        i += 3;
        continue;
      }
      return null; // lookarounds, atomic groups and the rest: RE2 has none of them
    }
    out.source += c;
    i++;
  }
  return out;
}

/**
 * `regexp.Compile("^" + entry + "$")` as Go builds it, searched like `re.Match`: the entry is not
 * grouped, so `a|b` means `^a` or `b$`, and a leading `*` or `?` repeats the `^` itself (which
 * makes the start anchor optional). null: Go would not compile it.
 */
export function compileGoAnchored(entry: string): RegExp | null {
  const translated = translate(entry);
  if (!translated) return null;
  const startsWithRepeat = /^[*+?]|^\{\d+(,\d*)?\}/.test(entry);
  const anchor = startsWithRepeat ? '(?:^)' : '^';
  try {
    return new RegExp(`${anchor}${translated.source}$`, [...translated.flags].sort().join(''));
  } catch {
    return null;
  }
}
