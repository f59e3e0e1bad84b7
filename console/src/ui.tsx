import type { ComponentChildren } from 'preact';
import { ApiError } from './api.js';

/** Small pieces every view uses. */

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div class="error" role="alert">
      <p>
        {error instanceof ApiError && error.status > 0 ? <strong>{`${error.code}: `}</strong> : null}
        {message}
      </p>
      {error instanceof ApiError && error.details.length > 0 ? (
        <ul>
          {error.details.map((d) => (
            <li key={d.pointer + d.message}>
              <code>{d.pointer}</code> {d.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Progress({ label, value, max }: { label: string; value?: number; max?: number }) {
  const known = value !== undefined && max !== undefined && max > 0;
  return (
    <div class="progress">
      <label>
        {label}
        {known ? ` ${Math.round((100 * value) / max)}%` : ''}
        <progress value={known ? value : undefined} max={known ? max : undefined} />
      </label>
    </div>
  );
}

export function Counts({ title, counts }: { title: string; counts: Record<string, number> }) {
  const shown = Object.entries(counts).filter(([, n]) => n > 0);
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      {shown.length === 0 ? (
        <p>None yet.</p>
      ) : (
        <dl class="counts">
          {shown.map(([name, n]) => (
            <div key={name} data-count={name}>
              <dt>{name.replaceAll('_', ' ')}</dt>
              <dd>{n.toLocaleString()}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function Status({ status }: { status: string }) {
  return <span class={`status status-${status}`}>{status.replaceAll('_', ' ')}</span>;
}
