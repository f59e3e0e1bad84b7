import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { usePoll } from '../hooks.js';
import { type Import, RUNNING } from '../types.js';
import { ErrorNote, Status, when } from '../ui.js';
import { WorkspacePicker } from './workspace-picker.js';

interface Listing {
  imports: Import[];
  next_cursor: string | null;
}

/** A workspace's imports, newest first; refreshed every few seconds while any is running. */
export function ImportsList({
  workspace,
  onWorkspace,
}: {
  workspace: string;
  onWorkspace: (w: string) => void;
}) {
  const [items, setItems] = useState<Import[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [pages, setPages] = useState(1);
  const [error, setError] = useState<unknown>(null);
  const running = (items ?? []).some((item) => RUNNING.includes(item.status));

  const load = async () => {
    try {
      // Refreshes every page shown so far.
      let all: Import[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < pages; page++) {
        const listing = await api<Listing>('GET', `/v1/imports?${query({ workspace, limit: 20, cursor })}`);
        all = all.concat(listing.imports);
        cursor = listing.next_cursor ?? undefined;
        setNext(listing.next_cursor);
        if (!cursor) break;
      }
      setItems(all);
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  };
  usePoll(load, running, [workspace, pages], 2000);

  return (
    <>
      <h1>Imports</h1>
      <WorkspacePicker workspace={workspace} onWorkspace={onWorkspace} />
      <p>
        <a class="button" href="#/new">
          New import
        </a>
        {running ? <output> Refreshing while imports run…</output> : null}
      </p>
      <ErrorNote error={error} />
      {items === null ? (
        <p>Loading…</p>
      ) : items.length === 0 ? (
        <p>No imports in workspace {workspace} yet.</p>
      ) : (
        <table>
          <caption>Imports of workspace {workspace}</caption>
          <thead>
            <tr>
              <th scope="col">Import</th>
              <th scope="col">Status</th>
              <th scope="col">Rows</th>
              <th scope="col">Processed</th>
              <th scope="col">Created</th>
              <th scope="col">Updated</th>
              <th scope="col">Failed</th>
              <th scope="col">Started</th>
              <th scope="col">Finished</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <td>
                  <a href={`#/imports/${item.id}`}>{item.id}</a> <small>{item.format}</small>
                </td>
                <td>
                  <Status status={item.status} />
                </td>
                <td>{item.total_rows}</td>
                <td>{item.counters.processed}</td>
                <td>{item.counters.created}</td>
                <td>{item.counters.updated}</td>
                <td>{(item.counters.failed ?? 0) + (item.counters.unprocessed ?? 0)}</td>
                <td>{when(item.created_at)}</td>
                <td>{when(item.completed_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next ? (
        <button type="button" onClick={() => setPages(pages + 1)}>
          Show older imports
        </button>
      ) : null}
    </>
  );
}
