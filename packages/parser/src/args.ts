/**
 * Argument text → structured values, on demand. Plain parsing keeps arguments as text; analysis
 * decodes only the calls it looks at (`execve`, `openat`, `clone`, `prctl`, …).
 *
 * strace's argument syntax, by example:
 *   strings   "/etc/ld.so.cache", "a\"b\n\303\251", "long..."...  (octal/`\x` escapes; `...` = cut by -s)
 *   numbers   3, -1, 0x7ffe17c54320, 0666
 *   symbols   AT_FDCWD, NULL, O_WRONLY|O_CREAT|O_TRUNC, FUTEX_OP_SET<<28|0<<12
 *   arrays    ["s6-svscan", "-d4"], [{fd=5, revents=POLLIN}], ~[RTMIN RT_1], [...]
 *   structs   {st_mode=S_IFDIR|0755, st_size=4096, ...}, {WIFEXITED(s) && WEXITSTATUS(s) == 0}
 *   fds       3</run/s6/container_environment> (-y), 3<TCP:[127.0.0.1:4->127.0.0.1:80]> (-yy)
 *   comments  0x7ffe17c54320 /* 1 var *\/, 0x3039 /* F_??? *\/
 *   calls     makedev(0x1, 0x3), inet_addr("127.0.0.1"), htons(80)
 */

/** A decoded argument. `raw` is always the exact text. */
export type ArgValue =
  | { readonly type: 'string'; readonly raw: string; readonly value: string; readonly truncated: boolean }
  | { readonly type: 'number'; readonly raw: string; readonly value: number }
  | { readonly type: 'fd'; readonly raw: string; readonly fd: number; readonly path: string }
  | { readonly type: 'flags'; readonly raw: string; readonly flags: readonly string[] }
  | { readonly type: 'array'; readonly raw: string; readonly items: readonly ArgValue[] }
  | { readonly type: 'struct'; readonly raw: string; readonly fields: readonly StructField[] }
  | { readonly type: 'other'; readonly raw: string };

/** One `name=value` of a struct; `name` is `null` for a bare item (`{WIFEXITED(s) && …}`). */
export interface StructField {
  readonly name: string | null;
  readonly value: ArgValue;
}

/** An argument with the strace comment that followed it (`/* 3 vars *\/`), if any. */
export interface DecodedArg {
  readonly value: ArgValue;
  readonly comment: string | null;
}

/** The closer of `(`, `[`, `{` (by character code), else 0. */
function closerOf(c: number): number {
  return c === 40 ? 41 : c === 91 ? 93 : c === 123 ? 125 : 0;
}

/**
 * Splits `text` at top-level `sep` characters: not inside quotes, brackets, braces or parentheses.
 * Unbalanced closers (a cut argument list) are tolerated. With `limit`, only the first `limit`
 * parts are returned (and the rest is not scanned).
 */
export function splitTopLevel(text: string, sep = ',', limit = Infinity): string[] {
  const parts: string[] = [];
  const stack: number[] = [];
  const sepCode = sep.charCodeAt(0);
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i = endOfString(text, i) - 1;
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 1;
    } else if (closerOf(c) !== 0) {
      stack.push(closerOf(c));
    } else if (stack.length > 0 && c === stack[stack.length - 1]) {
      stack.pop();
    } else if (c === sepCode && stack.length === 0) {
      parts.push(text.slice(start, i).trim());
      if (parts.length >= limit) return parts;
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last !== '' || parts.length > 0) parts.push(last);
  return parts;
}

/** Index just past the string literal starting at `i` (a `"`), including a `...` truncation mark. */
function endOfString(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 92 /* \ */) j += 2;
    else if (c === 34 /* " */) {
      j++;
      return text.startsWith('...', j) ? j + 3 : j;
    } else j++;
  }
  return text.length;
}

/** Decodes a strace string literal (`"a\"b\n\303\251"...`) into text (UTF-8) and its cut mark. */
export function decodeString(raw: string): { value: string; truncated: boolean } {
  const { body, truncated } = literalBody(raw);
  if (!body.includes('\\')) return { value: body, truncated };
  return { value: Buffer.from(bodyBytes(body)).toString('utf8'), truncated };
}

/** A strace string literal's bytes, as the program had them (`"\303\251"` is two bytes), and its cut mark. */
export function decodeBytes(raw: string): { bytes: Uint8Array; truncated: boolean } {
  const { body, truncated } = literalBody(raw);
  return { bytes: body.includes('\\') ? Uint8Array.from(bodyBytes(body)) : Buffer.from(body, 'utf8'), truncated };
}

function literalBody(raw: string): { body: string; truncated: boolean } {
  const end = raw.endsWith('"...') ? raw.length - 3 : raw.length;
  const truncated = end !== raw.length;
  return { body: raw.slice(1, raw.charCodeAt(end - 1) === 34 && end > 1 ? end - 1 : end), truncated };
}

function bodyBytes(body: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c !== 92) {
      if (c < 0x80) bytes.push(c);
      else for (const b of Buffer.from(body[i] as string, 'utf8')) bytes.push(b);
      continue;
    }
    const n = body[i + 1];
    i++;
    switch (n) {
      case 'n': bytes.push(10); break;
      case 't': bytes.push(9); break;
      case 'r': bytes.push(13); break;
      case 'v': bytes.push(11); break;
      case 'f': bytes.push(12); break;
      case '"': bytes.push(34); break;
      case '\\': bytes.push(92); break;
      case 'x': {
        const hex = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 1, i + 3))?.[0] ?? '';
        bytes.push(hex === '' ? 120 : parseInt(hex, 16));
        i += hex.length;
        break;
      }
      default: {
        const oct = /^[0-7]{1,3}/.exec(body.slice(i, i + 3))?.[0] ?? '';
        if (oct !== '') {
          bytes.push(parseInt(oct, 8) & 0xff);
          i += oct.length - 1;
        } else if (n !== undefined) {
          bytes.push(n.charCodeAt(0));
        }
      }
    }
  }
  return bytes;
}

/** Splits a trailing `/* … *\/` comment off an argument. */
function splitComment(text: string): { body: string; comment: string | null } {
  if (!text.endsWith('*/')) return { body: text, comment: null };
  const open = text.lastIndexOf('/*');
  if (open < 0) return { body: text, comment: null };
  return { body: text.slice(0, open).trimEnd(), comment: text.slice(open + 2, -2).trim() };
}

/** Decodes one argument's text. */
export function decodeValue(text: string): ArgValue {
  const raw = text.trim();
  const c = raw[0];
  if (c === '"') {
    if (endOfString(raw, 0) === raw.length) return { type: 'string', raw, ...decodeString(raw) };
    return { type: 'other', raw };
  }
  if (c === '[' && raw.endsWith(']')) {
    const inner = raw.slice(1, -1);
    return { type: 'array', raw, items: splitTopLevel(inner).filter((s) => s !== '').map(decodeValue) };
  }
  if (c === '{' && raw.endsWith('}')) {
    const fields = splitTopLevel(raw.slice(1, -1))
      .filter((s) => s !== '')
      .map((part): StructField => {
        const eq = /^([A-Za-z_][\w.]*)=/.exec(part);
        return eq
          ? { name: eq[1] as string, value: decodeValue(part.slice(eq[0].length)) }
          : { name: null, value: decodeValue(part) };
      });
    return { type: 'struct', raw, fields };
  }
  const fd = /^(\d+)<(.*)>$/s.exec(raw);
  if (fd) return { type: 'fd', raw, fd: Number(fd[1]), path: fd[2] as string };
  if (/^-?\d+$/.test(raw)) {
    return { type: 'number', raw, value: raw.length > 1 && raw[0] === '0' ? parseInt(raw, 8) : Number(raw) };
  }
  if (/^-?0x[0-9a-fA-F]+$/.test(raw)) return { type: 'number', raw, value: Number(raw) };
  if (/^[A-Za-z_0-9|<>~]+$/.test(raw)) return { type: 'flags', raw, flags: raw.split('|') };
  return { type: 'other', raw };
}

/**
 * Decodes an argument list (the text between a call's parentheses): all of it, or with `limit`
 * only the first `limit` arguments, which are then decoded exactly as in the whole list.
 */
export function decodeArgs(args: string, limit = Infinity): DecodedArg[] {
  return splitTopLevel(args, ',', limit).map((part) => {
    const { body, comment } = splitComment(part);
    return { value: decodeValue(body), comment };
  });
}
