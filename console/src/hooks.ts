import { useEffect, useState } from 'preact/hooks';

/** The route: the part of the URL after `#` (never holding a key). */
export function useHash(): string {
  const [hash, setHash] = useState(location.hash.slice(1) || '/imports');
  useEffect(() => {
    const update = () => setHash(location.hash.slice(1) || '/imports');
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return hash;
}

export const go = (route: string) => {
  location.hash = route;
};

/** Calls `tick` now and then every `ms` while `active`; stops when the view goes away. */
export function usePoll(tick: () => Promise<void> | void, active: boolean, deps: unknown[], ms = 1500) {
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      await tick();
      if (!stopped && active) timer = setTimeout(run, ms);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [active, ...deps]);
}

const WORKSPACE = 'intake.workspace';
/** The workspace the person works in, kept for the browser session. */
export function useWorkspace(): [string, (workspace: string) => void] {
  const [workspace, setWorkspace] = useState(sessionStorage.getItem(WORKSPACE) ?? 'default');
  return [
    workspace,
    (next: string) => {
      sessionStorage.setItem(WORKSPACE, next);
      setWorkspace(next);
    },
  ];
}
