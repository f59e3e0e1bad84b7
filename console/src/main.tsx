import { render } from 'preact';
import { useState } from 'preact/hooks';
import { session, whenUnauthorized } from './api.js';
import { go, useHash, useWorkspace } from './hooks.js';
import './style.css';
import { FieldsView } from './views/fields.js';
import { ImportView } from './views/import.js';
import { ImportsList } from './views/imports-list.js';
import { NewImport } from './views/new-import.js';
import { PeopleView } from './views/people.js';
import { SignIn } from './views/sign-in.js';

/** The Intake web console: a client of the public API, served by the service at /console. */
function App() {
  const [signedIn, setSignedIn] = useState(session.key() !== null);
  const [notice, setNotice] = useState<string | null>(null);
  const [workspace, setWorkspace] = useWorkspace();
  const route = useHash();
  whenUnauthorized(() => {
    session.signOut();
    setNotice('The API key was refused (it may have been revoked); sign in again.');
    setSignedIn(false);
  });

  if (!signedIn)
    return (
      <SignIn
        notice={notice}
        onSignedIn={() => {
          setNotice(null);
          setSignedIn(true);
        }}
      />
    );

  const [, section, id] = route.split('/');
  const view =
    section === 'new' ? (
      <NewImport workspace={workspace} onWorkspace={setWorkspace} />
    ) : section === 'imports' && id ? (
      <ImportView key={id} id={decodeURIComponent(id)} />
    ) : section === 'people' ? (
      <PeopleView workspace={workspace} onWorkspace={setWorkspace} />
    ) : section === 'fields' ? (
      <FieldsView workspace={workspace} onWorkspace={setWorkspace} />
    ) : (
      <ImportsList workspace={workspace} onWorkspace={setWorkspace} />
    );

  const link = (to: string, label: string) => (
    <a href={`#${to}`} aria-current={`/${section}` === to ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <>
      <header>
        <strong>Intake</strong>
        <nav aria-label="Main">
          {link('/imports', 'Imports')}
          {link('/new', 'New import')}
          {link('/people', 'People')}
          {link('/fields', 'Fields')}
          <a href="/docs">API reference</a>
        </nav>
        <button
          type="button"
          onClick={() => {
            session.signOut();
            setSignedIn(false);
            go('/imports');
          }}
        >
          Sign out
        </button>
      </header>
      <main>{view}</main>
    </>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
