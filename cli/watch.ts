import type { IntakeClient, Json } from './api-client.js';
import type { Output } from './output.js';

/** Following an import until it settles, with a progress bar of its rows on a terminal. */

export const FINAL_STATUSES = ['completed', 'completed_with_errors', 'failed', 'cancelled', 'reverted'];
const POLL_MS = 400;

export interface ImportView extends Json {
  id: string;
  status: string;
  workspace: string;
  total_rows: number | null;
  counters: Record<string, number>;
  review: Record<string, number> | null;
  error: { code: string; message: string; rows?: number[] } | null;
}

/** The exit code a settled import answers: 0 completed (and reverted), 2 with errors, 1 otherwise. */
export function exitCodeOf(status: string): number {
  if (status === 'completed' || status === 'reverted') return 0;
  if (status === 'completed_with_errors') return 2;
  return 1;
}

export const getImport = (client: IntakeClient, id: string) =>
  client.get<ImportView>(`/v1/imports/${encodeURIComponent(id)}`);

/** Polls the import until `done` says so; answers it as it then is. */
export async function waitUntil(
  client: IntakeClient,
  id: string,
  done: (item: ImportView) => boolean,
  onPoll: (item: ImportView) => void = () => {},
): Promise<ImportView> {
  for (;;) {
    const item = await getImport(client, id);
    onPoll(item);
    if (done(item)) return item;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Waits for the analysis to end (ready, or a final status), showing the time it takes. */
export async function followAnalysis(client: IntakeClient, out: Output, id: string): Promise<ImportView> {
  const started = Date.now();
  const bar = out.progress('analyzing {elapsed}s  {status}');
  const item = await waitUntil(
    client,
    id,
    (view) => !['awaiting_upload', 'analyzing'].includes(view.status),
    (view) => bar.update(0, 1, { elapsed: Math.round((Date.now() - started) / 1000), status: view.status }),
  );
  bar.stop();
  return item;
}

/** Waits for the import's final status, with rows done, rows per second and the time left. */
export async function followProcessing(client: IntakeClient, out: Output, id: string): Promise<ImportView> {
  const started = Date.now();
  let first: number | null = null;
  const bar = out.progress('{status} [{bar}] {value}/{total} rows | {rate} rows/s | ETA {eta_formatted}');
  const item = await waitUntil(
    client,
    id,
    (view) => FINAL_STATUSES.includes(view.status),
    (view) => {
      const processed = view.counters.processed ?? 0;
      first ??= processed;
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round((processed - first) / seconds) : 0;
      bar.update(processed, view.total_rows ?? processed, { rate, status: view.status });
    },
  );
  bar.stop();
  return item;
}
