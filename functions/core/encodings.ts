/**
 * Which text encodings a CSV import may name. The labels are the WHATWG Encoding Standard's, as
 * the platform's `TextDecoder` knows them (`utf-8`, `utf-16le`, `utf-16be`, `windows-1252`,
 * `iso-8859-1`, `latin1`, `macintosh`, `shift_jis`, ...), compared ignoring case; each stands for
 * its canonical name (`iso-8859-1`, `latin1` and `ascii` are all `windows-1252`, as in browsers).
 */

/** The encoding of a file with no `encoding` given: UTF-8 (a UTF-16 BOM is followed). */
export const DEFAULT_ENCODING = 'utf-8';

/**
 * The canonical name of an encoding label, or null when the platform's decoder does not know it.
 * The `replacement` and `x-user-defined` encodings are not text a person wrote: null too.
 */
export function canonicalEncoding(label: string): string | null {
  let name: string;
  try {
    name = new TextDecoder(label.trim()).encoding;
  } catch {
    return null;
  }
  return name === 'replacement' || name === 'x-user-defined' ? null : name;
}
