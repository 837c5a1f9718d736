/**
 * A copy of `s` that keeps no other string alive. V8 makes a substring of 13 or more characters a
 * view into its parent: a name or an argument kept from a line would keep the whole line (often
 * kilobytes of argv) for as long as its keeper lives. A JSON round trip makes a flat copy.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}
