/**
 * Makes trace-derived text safe for a terminal: C0 and C1 control characters (ESC above all) and
 * DEL are shown as `\xNN` instead of being sent raw.
 */
export function safeText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
