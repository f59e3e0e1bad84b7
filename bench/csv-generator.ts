/**
 * The benchmark's CSV files: `rows` people with two identifiers (external_id, email) and three
 * attributes; `variant(i)` gives row i's city, so two files can describe the same people differently.
 */
import { createWriteStream } from 'node:fs';

export function writeCsv(path: string, rows: number, variant: (i: number) => string): Promise<void> {
  return new Promise((done, fail) => {
    const out = createWriteStream(path);
    out.on('error', fail);
    out.write('external_id,email,team,city,score\n');
    let i = 0;
    const pump = () => {
      let ok = true;
      while (i < rows && ok) {
        ok = out.write(`ext-${i},user${i}@example.com,team-${i % 7},${variant(i)},${i % 100}\n`);
        i += 1;
      }
      if (i < rows) out.once('drain', pump);
      else out.end(done);
    };
    pump();
  });
}
