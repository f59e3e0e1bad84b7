import { useState } from 'preact/hooks';

/** Pick or type a workspace; applied on Enter or with the button. */
export function WorkspacePicker({
  workspace,
  onWorkspace,
}: {
  workspace: string;
  onWorkspace: (w: string) => void;
}) {
  const [draft, setDraft] = useState(workspace);
  return (
    <form
      class="inline"
      onSubmit={(e) => {
        e.preventDefault();
        if (draft.trim()) onWorkspace(draft.trim());
      }}
    >
      <label>
        Workspace
        <input name="workspace" required value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
      </label>
      <button type="submit">Show</button>
    </form>
  );
}
