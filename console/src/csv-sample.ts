/**
 * The first rows of a CSV the person just dropped, read in the browser to show sample values in
 * the mapping and the cells of the preview (the API reports outcomes and errors, not the cells).
 * Only for display: the service reads the file itself, by its own rules.
 */

export interface Sample {
  headers: string[];
  /** Cells of each data row by its line number in the file (where the row starts). */
  rows: Map<number, string[]>;
}

const DELIMITERS = [',', ';', '\t', '|'];

/** Reads up to `maxBytes` of the file as UTF-8 and parses the whole rows in it. */
export async function sampleOf(file: File, maxBytes = 4 * 1024 * 1024): Promise<Sample> {
  const text = (await file.slice(0, maxBytes).text()).replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = DELIMITERS.reduce((best, d) =>
    firstLine.split(d).length > firstLine.split(best).length ? d : best,
  );
  const records = parse(text, delimiter, file.size > maxBytes);
  const [header, ...rest] = records;
  return { headers: header?.cells ?? [], rows: new Map(rest.map((r) => [r.line, r.cells])) };
}

function parse(text: string, delimiter: string, truncated: boolean): { line: number; cells: string[] }[] {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      if (!(cells.length === 1 && cells[0] === '')) records.push({ line: start, cells });
      cells = [];
      cell = '';
      line++;
      start = line;
    } else cell += c;
  }
  // The last row is whole only when the file ended here.
  if (!truncated && (cell !== '' || cells.length > 0)) records.push({ line: start, cells: [...cells, cell] });
  return records;
}
