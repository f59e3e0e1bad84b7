import { useState } from 'preact/hooks';
import { api, query } from '../api.js';
import type { Person } from '../types.js';
import { ErrorNote, when } from '../ui.js';

/** Look a person up by email or external id. */
export function PeopleView({
  workspace,
  onWorkspace,
}: {
  workspace: string;
  onWorkspace: (w: string) => void;
}) {
  const [ws, setWs] = useState(workspace);
  const [kind, setKind] = useState<'email' | 'external_id'>('email');
  const [value, setValue] = useState('');
  const [people, setPeople] = useState<Person[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const find = async (event: Event) => {
    event.preventDefault();
    setError(null);
    onWorkspace(ws.trim());
    try {
      const found = await api<{ people: Person[] }>(
        'GET',
        `/v1/people?${query({ workspace: ws.trim(), [kind]: value.trim() })}`,
      );
      setPeople(found.people);
    } catch (caught) {
      setError(caught);
      setPeople(null);
    }
  };
  return (
    <>
      <h1>People</h1>
      <form class="inline" onSubmit={find}>
        <label>
          Workspace
          <input required value={ws} onInput={(e) => setWs(e.currentTarget.value)} />
        </label>
        <label>
          Find by
          <select value={kind} onChange={(e) => setKind(e.currentTarget.value as typeof kind)}>
            <option value="email">email</option>
            <option value="external_id">external id</option>
          </select>
        </label>
        <label>
          Value
          <input required name="identifier" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        </label>
        <button type="submit">Find</button>
      </form>
      <ErrorNote error={error} />
      {people === null ? null : people.length === 0 ? (
        <output>
          Nobody in {ws} holds that {kind.replace('_', ' ')}.
        </output>
      ) : (
        people.map((person) => (
          <article key={person.id} aria-label={`Person ${person.id}`}>
            <h2>{[person.first_name, person.last_name].filter(Boolean).join(' ') || person.id}</h2>
            <dl>
              <dt>Id</dt>
              <dd>{person.id}</dd>
              <dt>Identifiers</dt>
              <dd>
                {person.identifiers.map((i) => `${i.kind}: ${i.value ?? JSON.stringify(i)}`).join(', ')}
              </dd>
              <dt>Attributes</dt>
              <dd>
                <code>{JSON.stringify(person.attributes)}</code>
              </dd>
              <dt>Version</dt>
              <dd>
                {person.version}, updated {when(person.updated_in_db_at)}
              </dd>
            </dl>
          </article>
        ))
      )}
    </>
  );
}
