import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Field } from '../types.js';
import { ErrorNote, when } from '../ui.js';
import { WorkspacePicker } from './workspace-picker.js';

const TYPES = ['string', 'number', 'boolean', 'date', 'select'];

/** A workspace's fields, and a form to create one. */
export function FieldsView({
  workspace,
  onWorkspace,
}: {
  workspace: string;
  onWorkspace: (w: string) => void;
}) {
  const [fields, setFields] = useState<Field[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [type, setType] = useState('string');
  const [options, setOptions] = useState('');
  const path = `/v1/workspaces/${encodeURIComponent(workspace)}/fields`;
  const load = () =>
    api<{ fields: Field[] }>('GET', path).then(
      (r) => setFields(r.fields),
      (caught) => setError(caught),
    );
  useEffect(() => void load(), [workspace]);

  const create = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      await api('POST', path, {
        key: key.trim(),
        ...(label.trim() ? { label: label.trim() } : {}),
        type,
        ...(type === 'select'
          ? {
              options: options
                .split(',')
                .map((o) => o.trim())
                .filter(Boolean),
            }
          : {}),
      });
      setKey('');
      setLabel('');
      setOptions('');
      await load();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <>
      <h1>Fields</h1>
      <WorkspacePicker workspace={workspace} onWorkspace={onWorkspace} />
      {fields === null ? null : fields.length === 0 ? (
        <p>No fields in {workspace} yet.</p>
      ) : (
        <table>
          <caption>Fields of workspace {workspace}</caption>
          <thead>
            <tr>
              <th scope="col">Id</th>
              <th scope="col">Key</th>
              <th scope="col">Label</th>
              <th scope="col">Type</th>
              <th scope="col">Options</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {fields.map((f) => (
              <tr key={f.id}>
                <td>{f.id}</td>
                <td>{f.key}</td>
                <td>{f.label}</td>
                <td>{f.type}</td>
                <td>{f.options?.join(', ') ?? '—'}</td>
                <td>{when(f.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>New field</h2>
      <form class="inline" onSubmit={create}>
        <label>
          Key
          <input required value={key} onInput={(e) => setKey(e.currentTarget.value)} />
        </label>
        <label>
          Label
          <input value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
        </label>
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
            {TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        {type === 'select' ? (
          <label>
            Options (comma-separated)
            <input required value={options} onInput={(e) => setOptions(e.currentTarget.value)} />
          </label>
        ) : null}
        <button type="submit">Create field</button>
      </form>
      <ErrorNote error={error} />
    </>
  );
}
