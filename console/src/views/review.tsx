import { useEffect, useState } from 'preact/hooks';
import { ROW_OUTCOMES } from '../../../functions/core/types.js';
import { api, query } from '../api.js';
import { type Sample, sampleOf } from '../csv-sample.js';
import { droppedFiles } from '../files.js';
import type { Import, RowError, RowView } from '../types.js';
import { Counts, ErrorNote, Section } from '../ui.js';

const PAGE = 20;

/** Whether an error names this column: by its header, or by the identifier kind or key it maps to. */
const names = (error: RowError, header: string, item: Import) => {
  if (error.field === null) return false;
  const role = item.structure?.[header];
  return error.field === header || error.field === role?.kind || error.field === role?.key;
};

/** A page of rows with their outcome and errors; the cells come from the dropped file when this tab has it. */
export function RowsTable({
  item,
  rows,
  sample,
  caption,
}: {
  item: Import;
  rows: RowView[];
  sample: Sample | null;
  caption: string;
}) {
  // Cells only where the API says which line a row is on (the preview does; row results do not).
  const headers = rows.some((row) => row.line) ? (sample?.headers ?? []) : [];
  return (
    <table class="rows">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Row</th>
          <th scope="col">Line</th>
          <th scope="col">Outcome</th>
          {headers.map((h) => (
            <th key={h} scope="col">
              {h}
            </th>
          ))}
          <th scope="col">Problems</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const cells = row.line ? sample?.rows.get(row.line) : undefined;
          return (
            <tr key={row.row} class={row.errors.length > 0 ? 'has-errors' : undefined}>
              <td>{row.row}</td>
              <td>{row.line ?? '—'}</td>
              <td>{row.outcome}</td>
              {headers.map((h, i) => {
                const bad = row.errors.filter((e) => names(e, h, item));
                return (
                  <td
                    key={h}
                    class={bad.length > 0 ? 'invalid' : undefined}
                    title={bad.map((e) => e.message).join('; ')}
                  >
                    {cells?.[i] ?? ''}
                  </td>
                );
              })}
              <td>
                {row.errors.map((e) => (
                  <div key={e.code + e.message}>
                    <code>{e.code}</code> {e.message}
                  </div>
                ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Rows of the import a page at a time, filtered by outcome: the preview (predicted) or the results. */
export function PagedRows({ item, preview }: { item: Import; preview: boolean }) {
  const [outcome, setOutcome] = useState('');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<{ rows: RowView[]; next_cursor: string | null } | null>(null);
  const [sample, setSample] = useState<Sample | null>(null);
  const [error, setError] = useState<unknown>(null);
  const cursor = cursors[cursors.length - 1];

  useEffect(() => {
    const file = droppedFiles.get(item.id);
    if (file) sampleOf(file).then(setSample, () => undefined);
  }, [item.id]);
  useEffect(() => {
    api<{ rows: RowView[]; next_cursor: string | null }>(
      'GET',
      `/v1/imports/${item.id}/rows?${query({ preview: preview ? 'true' : undefined, outcome: outcome || undefined, limit: PAGE, cursor })}`,
    ).then((p) => {
      setPage(p);
      setError(null);
    }, setError);
  }, [item.id, item.status, item.updated_at, preview, outcome, cursor]);

  const label = preview ? 'Predicted outcome' : 'Outcome';
  return (
    <>
      <label>
        {`Show rows by ${label.toLowerCase()}`}
        <select
          value={outcome}
          onChange={(e) => {
            setOutcome(e.currentTarget.value);
            setCursors([undefined]);
          }}
        >
          <option value="">all</option>
          {ROW_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
      <ErrorNote error={error} />
      {page ? (
        <RowsTable
          item={item}
          rows={page.rows}
          sample={sample}
          caption={`${preview ? 'Preview' : 'Row results'}, page ${cursors.length}`}
        />
      ) : null}
      <div class="pager">
        <button
          type="button"
          disabled={cursors.length === 1}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous page
        </button>
        <button
          type="button"
          disabled={!page?.next_cursor}
          onClick={() => setCursors([...cursors, page?.next_cursor ?? undefined])}
        >
          Next page
        </button>
      </div>
    </>
  );
}

/** A ready (dry-run) import: the predicted counts, the preview, then Process. */
export function Review({ item, onChanged }: { item: Import; onChanged: () => Promise<void> }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const review = item.review ?? {};
  const process = async () => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/v1/imports/${item.id}/actions`, { type: 'process' });
    } catch (caught) {
      setError(caught);
    }
    await onChanged();
    setBusy(false);
  };
  const { rows: _rows, ...predicted } = review;
  return (
    <Section title="Review">
      <Counts title="Predicted outcomes" counts={predicted} />
      <PagedRows item={item} preview />
      <p>
        {item.review?.invalid && !item.options.skip_invalid
          ? `${item.review.invalid} invalid row(s): processing will fail the import without writing anything (re-import with "skip invalid rows" to apply the others).`
          : 'Processing applies the rows as previewed.'}
      </p>
      <button type="button" onClick={process} disabled={busy}>
        Process
      </button>
      <ErrorNote error={error} />
    </Section>
  );
}
