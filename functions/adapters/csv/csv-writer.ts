/**
 * Writing CSV: one line at a time (RFC 4180), and defusing cells a spreadsheet would run as a
 * formula. `csvLine` quotes only what must be quoted; a caller writing untrusted text for people to
 * open in a spreadsheet passes each value through `neutralizeFormula` first, and starts the file
 * with `UTF8_BOM`.
 */
import type { Delimiter } from './csv-reader.js';

/**
 * The byte order mark a UTF-8 file for spreadsheets starts with: Excel opens a CSV as UTF-8 only
 * when it has one (without, it reads Windows-1252 and garbles accented names). CSV readers that
 * follow the encoding standard drop it, as the service's own reader does.
 */
export const UTF8_BOM = '\uFEFF';

/**
 * One CSV line ending in CRLF. A value holding the delimiter, a quote, CR or LF is quoted, its
 * quotes doubled. A line of one empty value is written `""`, so that it is not a blank line.
 */
export function csvLine(values: readonly string[], delimiter: Delimiter = ','): string {
  if (values.length === 1 && values[0] === '') return '""\r\n';
  return `${values.map((value) => quoteIfNeeded(value, delimiter)).join(delimiter)}\r\n`;
}

function quoteIfNeeded(value: string, delimiter: Delimiter): string {
  const needsQuotes =
    value.includes('"') || value.includes(delimiter) || value.includes('\n') || value.includes('\r');
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
}

/** First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection). */
const FORMULA_STARTS = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * Prefixes `'` to a value starting with `=`, `+`, `-`, `@`, tab or CR, so a spreadsheet shows it as
 * text instead of evaluating it. Every such value is prefixed, negative numbers included: telling a
 * number from a formula is the spreadsheet's job, and it is what the attack abuses.
 */
export function neutralizeFormula(value: string): string {
  return FORMULA_STARTS.has(value.charAt(0)) ? `'${value}` : value;
}
