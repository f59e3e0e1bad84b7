import { useState } from 'preact/hooks';
import { DATE_FORMATS, MATCH_KINDS } from '../../../functions/core/types.js';
import { go } from '../hooks.js';
import { startCsvImport } from '../start-import.js';
import { ErrorNote, Progress } from '../ui.js';

const OPERATIONS = ['upsert', 'create', 'update', 'delete'];
const ENCODINGS = ['', 'utf-8', 'windows-1252', 'macintosh', 'utf-16le', 'iso-8859-15'];

/** New CSV import: workspace, file, options (dry run on by default), then upload and analysis. */
export function NewImport({
  workspace,
  onWorkspace,
}: {
  workspace: string;
  onWorkspace: (w: string) => void;
}) {
  const [file, setFile] = useState<File | null>(null);
  const [ws, setWs] = useState(workspace);
  const [operation, setOperation] = useState('upsert');
  const [matchOn, setMatchOn] = useState('');
  const [ambiguous, setAmbiguous] = useState('error');
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [blankCells, setBlankCells] = useState('ignore');
  const [encoding, setEncoding] = useState('');
  const [dateFormat, setDateFormat] = useState('YYYY-MM-DD');
  const [dryRun, setDryRun] = useState(true);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [dragging, setDragging] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!file) return setError(new Error('Choose or drop a CSV file first'));
    setError(null);
    setProgress(0);
    onWorkspace(ws.trim());
    const match = matchOn
      .split(',')
      .map((kind) => kind.trim())
      .filter(Boolean);
    try {
      const item = await startCsvImport(
        {
          workspace: ws.trim(),
          file,
          encoding: encoding || undefined,
          options: {
            operation,
            on_ambiguous_match: ambiguous,
            skip_invalid: skipInvalid,
            blank_cells: blankCells,
            date_format: dateFormat,
            dry_run: dryRun,
            ...(match.length > 0 ? { match_on: match } : {}),
          },
        },
        setProgress,
      );
      go(`/imports/${item.id}`);
    } catch (caught) {
      setError(caught);
      setProgress(null);
    }
  };

  const select = (label: string, value: string, set: (v: string) => void, choices: readonly string[]) => (
    <label>
      {label}
      <select value={value} onChange={(e) => set(e.currentTarget.value)}>
        {choices.map((c) => (
          <option key={c} value={c}>
            {c || 'detect (UTF-8 or a BOM)'}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <>
      <h1>New import</h1>
      <form onSubmit={submit} class="stack">
        <label>
          Workspace
          <input name="workspace" required value={ws} onInput={(e) => setWs(e.currentTarget.value)} />
        </label>
        <fieldset
          class={`drop ${dragging ? 'dragging' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            const dropped = e.dataTransfer?.files[0];
            if (dropped) setFile(dropped);
          }}
        >
          <legend>File</legend>
          <label>
            CSV file (drop it here, or choose)
            <input
              type="file"
              name="file"
              accept=".csv,.txt,text/csv"
              onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
            />
          </label>
          {file ? <p>{`${file.name}, ${file.size.toLocaleString()} bytes`}</p> : null}
        </fieldset>
        <fieldset>
          <legend>Options</legend>
          {select('Operation', operation, setOperation, OPERATIONS)}
          <label>
            Match on (identifier kinds in order, comma-separated; empty: the file's identifier columns)
            <input
              name="match_on"
              value={matchOn}
              placeholder={MATCH_KINDS.slice(0, 2).join(', ')}
              onInput={(e) => setMatchOn(e.currentTarget.value)}
            />
          </label>
          {select('On ambiguous match', ambiguous, setAmbiguous, ['error', 'skip', 'merge'])}
          {select('Blank cells', blankCells, setBlankCells, ['ignore', 'clear'])}
          {select('Encoding', encoding, setEncoding, ENCODINGS)}
          {select('Date format', dateFormat, setDateFormat, DATE_FORMATS)}
          <label class="check">
            <input
              type="checkbox"
              checked={skipInvalid}
              onChange={(e) => setSkipInvalid(e.currentTarget.checked)}
            />
            Skip invalid rows (off: any invalid row stops the import before anything is written)
          </label>
          <label class="check">
            <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.currentTarget.checked)} />
            Dry run: stop after analysis for review
          </label>
        </fieldset>
        <button type="submit" disabled={progress !== null}>
          Upload and analyze
        </button>
      </form>
      {progress !== null ? <Progress label="Uploading" value={progress} max={1} /> : null}
      <ErrorNote error={error} />
    </>
  );
}
