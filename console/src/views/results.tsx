import { useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { FINAL, type Import } from '../types.js';
import { Counts, ErrorNote, Progress, Section } from '../ui.js';
import { PagedRows } from './review.js';

type Act = 'cancel' | 'retry_failed' | 'revert';

/** What a revert will do, in numbers, for the confirmation. */
function revertSummary(item: Import): string {
  const c = item.counters;
  const restored = (c.updated ?? 0) + (c.merged ?? 0) + (c.deleted ?? 0);
  return (
    `Reverting deletes the ${c.created ?? 0} people this import created and restores the ${restored} ` +
    'it updated, merged or deleted to how they were before it. A person changed since is not touched: ' +
    'that row is reported as a conflict. The import then ends "reverted"; its files stay.'
  );
}

/** Progress while the import runs, then its outcome counts, row results, files and actions. */
export function Results({ item, onChanged }: { item: Import; onChanged: () => Promise<void> }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const c = item.counters;
  const finished = FINAL.includes(item.status);

  const act = async (type: Act) => {
    setBusy(true);
    setError(null);
    try {
      await api('POST', `/v1/imports/${item.id}/actions`, { type });
    } catch (caught) {
      setError(caught);
    }
    await onChanged();
    setBusy(false);
  };
  const download = async (name: 'results' | 'errors') => {
    setError(null);
    try {
      const links = await api<{ results_url: string; errors_url: string }>(
        'GET',
        `/v1/imports/${item.id}/files`,
      );
      // A short-lived link to storage, fetched without the key (storage answers CORS for this origin),
      // then saved under the import's name.
      const response = await fetch(name === 'results' ? links.results_url : links.errors_url);
      if (!response.ok)
        throw new Error(`Storage answered ${response.status} for the ${name} file; try again`);
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `${item.id}-${name}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (caught) {
      setError(caught);
    }
  };

  const { processed, ...outcomes } = c;
  const failedRows = (c.failed ?? 0) + (c.unprocessed ?? 0);
  return (
    <Section title={finished ? 'Results' : 'Progress'}>
      {finished ? null : (
        <Progress
          label={`${item.status.replaceAll('_', ' ')}: ${processed} of ${item.total_rows} rows`}
          value={processed}
          max={item.total_rows}
        />
      )}
      <Counts title="Outcomes" counts={outcomes} />
      <div class="actions">
        {finished ? (
          <>
            <button type="button" onClick={() => download('results')}>
              Download results
            </button>
            <button type="button" onClick={() => download('errors')}>
              Download error file
            </button>
          </>
        ) : null}
        {!finished && item.status !== 'cancelling' && item.status !== 'reverting' ? (
          <button type="button" disabled={busy} onClick={() => act('cancel')}>
            Cancel
          </button>
        ) : null}
        {failedRows > 0 && ['completed_with_errors', 'cancelled'].includes(item.status) ? (
          <button type="button" disabled={busy} onClick={() => act('retry_failed')}>
            {`Retry ${failedRows} failed row(s)`}
          </button>
        ) : null}
        {finished && ['completed', 'completed_with_errors'].includes(item.status) ? (
          <button type="button" disabled={busy} onClick={() => dialog.current?.showModal()}>
            Revert…
          </button>
        ) : null}
      </div>
      <dialog ref={dialog} aria-labelledby="revert-title">
        <form
          method="dialog"
          onSubmit={(e) => {
            const choice = (e.submitter as HTMLButtonElement | null)?.value;
            if (choice === 'revert') void act('revert');
          }}
        >
          <h2 id="revert-title">Revert import {item.id}?</h2>
          <p>{revertSummary(item)}</p>
          <button type="submit" value="revert">
            Revert the import
          </button>
          <button type="submit" value="keep" autofocus>
            Keep it
          </button>
        </form>
      </dialog>
      <ErrorNote error={error} />
      {item.total_rows > 0 ? <PagedRows item={item} preview={false} /> : null}
    </Section>
  );
}
