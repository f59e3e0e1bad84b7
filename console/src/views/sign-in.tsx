import { useState } from 'preact/hooks';
import { api, session } from '../api.js';
import { ErrorNote } from '../ui.js';

/** Sign in with an API key: checked against the API, then kept in sessionStorage only. */
export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: () => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // Any authenticated read proves the key; this one reads nothing of note.
      await api('GET', '/v1/imports?workspace=default&limit=1', undefined, key.trim());
      session.signIn(key.trim());
      setKey('');
      onSignedIn();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>Intake console</h1>
      {notice ? <output>{notice}</output> : null}
      <form onSubmit={submit}>
        <label>
          API key
          <input
            type="password"
            name="api-key"
            autocomplete="off"
            required
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
          />
        </label>
        <p class="hint">Kept in this browser tab only, until you sign out or close it.</p>
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <ErrorNote error={error} />
      <p>
        <a href="/docs">API reference</a>
      </p>
    </main>
  );
}
