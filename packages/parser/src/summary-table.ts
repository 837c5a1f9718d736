/**
 * `-c`/`-C` tables (strace's count.c): a header that names the columns, dividers, a row per
 * syscall and a total row. Read here and only here: after its header (which `TraceLineParser`
 * keeps: `-U` picks the columns and their order), or, for a line read alone, as a line of strace's
 * default table (`% time     seconds  usecs/call     calls    errors syscall`).
 */

/** Column titles (count.c); `% time` is one title of two words. */
const TITLES = new Set(['%', 'time', 'seconds', 'usecs/call', 'calls', 'errors', 'syscall', 'shortest', 'longest', 'wall-total', 'wall-min', 'wall-max', 'wall-avg']);
const NUMBER = /^\d+(?:\.\d+)?$/;
const DECIMAL = /^\d+\.\d+$/;
const NAME = /^[A-Za-z_]\w*$/;
/** `------ ----------- ---…`: a run of dashes per column. */
const DIVIDER = /^-+(?: +-+)*$/;
const DEFAULT_HEADER = '% time     seconds  usecs/call     calls    errors syscall';

/**
 * The columns of a table, from its header. A row is one syscall name (or `total`) among numbers,
 * a cell per column; strace leaves a cell blank where there is nothing to say: `errors` with none,
 * and `usecs/call` in the total row of strace 4.x.
 */
export class SummaryTable {
  private constructor(
    private readonly columns: number,
    /** Cells that may be blank. */
    private readonly blanks: number,
  ) {}

  /** The table a header line starts, or null when the line is not one. */
  static fromHeader(text: string): SummaryTable | null {
    const words = text.trim().split(/\s+/);
    if (words.length < 2 || !words.includes('syscall') || !words.every((w) => TITLES.has(w))) return null;
    // "% time" is two words and one column.
    const columns = words.filter((w) => w !== 'time' && w !== '%').length + (words.includes('%') ? 1 : 0);
    return new SummaryTable(columns, words.filter((w) => w === 'errors' || w === 'usecs/call').length);
  }

  /** Is `text` a divider, a row or the totals of this table? */
  reads(text: string): boolean {
    if (DIVIDER.test(text)) return true;
    if (text.startsWith('System call usage summary for ')) return true;
    return this.isRow(text.trim().split(/ +/));
  }

  private isRow(fields: readonly string[]): boolean {
    if (fields.length > this.columns || fields.length < this.columns - this.blanks) return false;
    let names = 0;
    for (const f of fields) {
      if (NAME.test(f)) names++;
      else if (!NUMBER.test(f)) return false;
    }
    return names === 1;
  }

  /**
   * Is `text`, read alone, a line of strace's default table: its header, a divider, or a row? A
   * row of it starts with `% time` and `seconds` (decimals) and ends with the name; counts may be
   * blank (see {@link SummaryTable}).
   */
  static isDefaultLine(text: string): boolean {
    const c = text.charCodeAt(0);
    if (c === 37 /* % */) return text.startsWith('% time');
    if (c === 45 /* - */) return text.startsWith('------') && DIVIDER.test(text);
    if (c !== 32 /* space */ && !(c >= 48 && c <= 57)) return false;
    // Every line of a -f log starts with digits too (its pid): a row's first field is a decimal,
    // so look at what follows the first run of digits before splitting the line.
    let i = 0;
    while (text.charCodeAt(i) === 32) i++;
    while (i < text.length && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (text.charCodeAt(i) !== 46 /* . */) return false;
    const fields = text.trim().split(/ +/);
    return DECIMAL.test(fields[0] as string) && DECIMAL.test(fields[1] ?? '') && NAME.test(fields[fields.length - 1] as string) && DEFAULT.isRow(fields);
  }
}

const DEFAULT = SummaryTable.fromHeader(DEFAULT_HEADER) as SummaryTable;
