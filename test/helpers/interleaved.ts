/**
 * The same deps with stores that pause a pseudo-random number of event-loop turns before and after
 * every call, so deliveries run at once interleave at different points on every seed: what two
 * Lambda invocations of one message do against DynamoDB, where each request takes its own time.
 */

type Stores = 'imports' | 'people' | 'chunks' | 'fields' | 'files';

/** A small deterministic generator (mulberry32): a failing seed replays. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export function interleaved<Deps extends Record<Stores, object>>(deps: Deps, seed: number): Deps {
  const next = random(seed);
  const pause = async () => {
    for (let i = Math.floor(next() * 4); i > 0; i--) await turn();
  };
  const wrap = <T extends object>(store: T): T =>
    new Proxy(store, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          await pause();
          const result = await (value as (...a: unknown[]) => unknown).apply(target, args);
          await pause();
          return result;
        };
      },
    });
  return {
    ...deps,
    imports: wrap(deps.imports),
    people: wrap(deps.people),
    chunks: wrap(deps.chunks),
    fields: wrap(deps.fields),
    files: wrap(deps.files),
  };
}
