import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { usePoll } from '../hooks.js';
import { FINAL, type Import, RUNNING } from '../types.js';
import { ErrorNote, Progress, Status, when } from '../ui.js';
import { Mapping } from './mapping.js';
import { Results } from './results.js';
import { Review } from './review.js';

/** One import, refreshed while it runs: analysis, mapping and review, progress, results. */
export function ImportView({ id }: { id: string }) {
  const [item, setItem] = useState<Import | null>(null);
  const [error, setError] = useState<unknown>(null);
  const running = item === null || RUNNING.includes(item.status);
  const refresh = async () => {
    try {
      setItem(await api<Import>('GET', `/v1/imports/${encodeURIComponent(id)}`));
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  };
  usePoll(refresh, running && error === null, [id]);

  if (item === null)
    return (
      <>
        <h1>Import {id}</h1>
        {error ? <ErrorNote error={error} /> : <p>Loading…</p>}
      </>
    );
  const processing = ['queued', 'processing', 'finalizing', 'cancelling', 'reverting'].includes(item.status);
  return (
    <>
      <h1>Import {item.id}</h1>
      <p>
        <Status status={item.status} /> · workspace <strong>{item.workspace}</strong> · {item.total_rows} rows
        · started {when(item.created_at)}
        {item.completed_at ? ` · finished ${when(item.completed_at)}` : ''}
        {item.options.dry_run ? ' · dry run' : ''}
      </p>
      <ErrorNote error={error} />
      {item.error ? (
        <div class="error" role="alert">
          <p>
            <strong>{item.error.code}:</strong> {item.error.message}
          </p>
        </div>
      ) : null}
      {item.status === 'awaiting_upload' ? <p>Waiting for the file to be uploaded.</p> : null}
      {item.status === 'analyzing' ? (
        <Progress
          label={`Analyzing${item.total_rows ? `: ${item.total_rows.toLocaleString()} rows read` : ''}`}
          value={item.chunks.total ? item.chunks.done : undefined}
          max={item.chunks.total || undefined}
        />
      ) : null}
      {item.status === 'ready' ? (
        <>
          {item.format === 'csv' && item.structure ? <Mapping item={item} /> : null}
          <Review item={item} onChanged={refresh} />
        </>
      ) : null}
      {processing || FINAL.includes(item.status) ? <Results item={item} onChanged={refresh} /> : null}
    </>
  );
}
