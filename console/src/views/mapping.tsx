import { useEffect, useState } from 'preact/hooks';
import { PROFILE_FIELDS } from '../../../functions/core/profile.js';
import { IDENTIFIER_KINDS } from '../../../functions/core/types.js';
import { api } from '../api.js';
import { type Sample, sampleOf } from '../csv-sample.js';
import { droppedFiles } from '../files.js';
import { go } from '../hooks.js';
import { startCsvImport } from '../start-import.js';
import type { ColumnRole, Field, Import, Structure } from '../types.js';
import { ErrorNote, Progress, Section } from '../ui.js';

const ROLES = ['identifier', 'profile', 'attribute', 'ignore'] as const;
const NEW_FIELD = '\u0000new';

/**
 * The structure the analysis used (proposed from the headers, or given), as an editable table.
 * "Re-analyze" starts a new dry-run import of the same file with the edited structure and
 * cancels this one.
 */
export function Mapping({ item }: { item: Import }) {
  const [structure, setStructure] = useState<Structure>(item.structure ?? {});
  const [fields, setFields] = useState<Field[]>([]);
  const [sample, setSample] = useState<Sample | null>(null);
  const [file, setFile] = useState<File | undefined>(droppedFiles.get(item.id));
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const headers = item.headers ?? Object.keys(structure);

  useEffect(() => {
    api<{ fields: Field[] }>('GET', `/v1/workspaces/${encodeURIComponent(item.workspace)}/fields`)
      .then((r) => setFields(r.fields))
      .catch(setError);
  }, [item.workspace]);
  useEffect(() => {
    if (file) sampleOf(file).then(setSample, setError);
  }, [file]);

  const set = (header: string, role: ColumnRole) => setStructure({ ...structure, [header]: role });
  const samplesOf = (index: number) =>
    sample
      ? [...sample.rows.values()]
          .slice(0, 3)
          .map((cells) => cells[index] ?? '')
          .join(' · ')
      : '—';

  const reanalyze = async () => {
    if (!file) return setError(new Error('Choose the same file again to re-analyze it'));
    setError(null);
    setProgress(0);
    try {
      const { match_on: _m, ...options } = item.options;
      const next = await startCsvImport(
        { workspace: item.workspace, file, structure, options: { ...options, dry_run: true } },
        setProgress,
      );
      await api('POST', `/v1/imports/${item.id}/actions`, { type: 'cancel' }).catch(() => undefined);
      go(`/imports/${next.id}`);
    } catch (caught) {
      setError(caught);
      setProgress(null);
    }
  };

  return (
    <Section title="Mapping">
      <table class="mapping">
        <caption>How each column maps onto people</caption>
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Sample values</th>
            <th scope="col">Role</th>
            <th scope="col">Identifier kind or field</th>
          </tr>
        </thead>
        <tbody>
          {headers.map((header, index) => {
            const role = structure[header] ?? { role: 'ignore' };
            return (
              <tr key={header}>
                <th scope="row">{header}</th>
                <td class="samples">{samplesOf(sample?.headers.indexOf(header) ?? index)}</td>
                <td>
                  <select
                    aria-label={`Role of ${header}`}
                    value={role.role}
                    onChange={(e) => {
                      const next = e.currentTarget.value as ColumnRole['role'];
                      set(
                        header,
                        next === 'identifier'
                          ? { role: next, kind: 'external_id' }
                          : next === 'profile'
                            ? { role: next, key: 'first_name' }
                            : next === 'attribute'
                              ? { role: next, key: header }
                              : { role: next },
                      );
                    }}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <Target
                    header={header}
                    role={role}
                    fields={fields}
                    onChange={(next) => set(header, next)}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {file ? null : (
        <label>
          The file, to re-analyze it (this tab no longer holds it)
          <input
            type="file"
            accept=".csv,.txt,text/csv"
            onChange={(e) => setFile(e.currentTarget.files?.[0])}
          />
        </label>
      )}
      <button type="button" onClick={reanalyze} disabled={progress !== null}>
        Re-analyze with this mapping
      </button>
      {progress !== null ? <Progress label="Uploading again" value={progress} max={1} /> : null}
      <ErrorNote error={error} />
    </Section>
  );
}

function Target({
  header,
  role,
  fields,
  onChange,
}: {
  header: string;
  role: ColumnRole;
  fields: Field[];
  onChange: (role: ColumnRole) => void;
}) {
  const [custom, setCustom] = useState(false);
  if (role.role === 'identifier')
    return (
      <select
        aria-label={`Identifier kind of ${header}`}
        value={role.kind}
        onChange={(e) =>
          onChange(
            e.currentTarget.value === 'account' ? role : { role: 'identifier', kind: e.currentTarget.value },
          )
        }
      >
        {IDENTIFIER_KINDS.filter((kind) => kind !== 'account').map((kind) => (
          <option key={kind} value={kind}>
            {kind}
          </option>
        ))}
        {role.kind === 'account' ? <option value="account">account ({role.part})</option> : null}
      </select>
    );
  if (role.role === 'profile')
    return (
      <select
        aria-label={`Person field of ${header}`}
        value={role.key}
        onChange={(e) => onChange({ role: 'profile', key: e.currentTarget.value })}
      >
        {Object.keys(PROFILE_FIELDS).map((key) => (
          <option key={key} value={key}>
            {key}
          </option>
        ))}
      </select>
    );
  if (role.role === 'attribute') {
    const known = fields.some((f) => f.key === role.key);
    if (custom || !known)
      return (
        <label>
          New field key
          <input
            aria-label={`New field key for ${header}`}
            value={role.key}
            onInput={(e) => onChange({ role: 'attribute', key: e.currentTarget.value })}
          />
          {fields.length > 0 ? (
            <button type="button" onClick={() => setCustom(false)} disabled={!known}>
              Pick a field
            </button>
          ) : null}
        </label>
      );
    return (
      <select
        aria-label={`Field of ${header}`}
        value={role.key}
        onChange={(e) => {
          if (e.currentTarget.value === NEW_FIELD) setCustom(true);
          else onChange({ role: 'attribute', key: e.currentTarget.value });
        }}
      >
        {fields.map((f) => (
          <option key={f.key} value={f.key}>
            {`${f.label} (${f.key}, ${f.type})`}
          </option>
        ))}
        <option value={NEW_FIELD}>New field…</option>
      </select>
    );
  }
  return <span>—</span>;
}
