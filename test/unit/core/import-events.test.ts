import { requestAction } from '../../../functions/core/actions.js';
import { importEvent } from '../../../functions/core/events.js';
import { publishing } from '../../../functions/core/import-events.js';
import { processChunk } from '../../../functions/core/process-chunk.js';
import { deliverAll } from '../../helpers/in-memory/deliver.js';
import { sequentialIds } from '../../helpers/in-memory/fixed-clock.js';
import { byEmail, readImport, runJsonImport, TENANT } from '../../helpers/in-memory/import-runs.js';
import { memoryDeps } from '../../helpers/in-memory/memory-deps.js';
import { MemoryEventPublisher } from '../../helpers/in-memory/memory-event.publisher.js';

/** The import store that publishes an event for each winning status move, over the in-memory ports. */
function eventingDeps() {
  const deps = memoryDeps();
  const publisher = new MemoryEventPublisher();
  deps.imports = publishing(deps.imports, { publisher, clock: deps.clock, eventIds: sequentialIds('evt') });
  return { deps, publisher };
}

describe('Import events', () => {
  it('announces an import from creation to completion, then the end of its process action', async () => {
    const { deps, publisher } = eventingDeps();

    const item = await runJsonImport(deps, 'w1', [
      byEmail('ada@x.io', { first_name: 'Ada' }),
      byEmail('bo@x.io'),
    ]);

    expect(item.status).toBe('completed');
    expect(publisher.typesOf(item.id)).toEqual([
      'import.created',
      'import.processing',
      'import.completed',
      'action.completed',
    ]);
    const completed = publisher.events.find((event) => event.type === 'import.completed');
    expect(completed?.data).toMatchObject({
      tenant_id: TENANT,
      workspace: 'w1',
      import_id: item.id,
      status: 'completed',
      counters: { processed: 2, created: 2 },
      // Not a dry run: the review counts the rows and predicts nothing.
      review: { rows: 2, invalid: 0, created: null },
      links: { import: `/v1/imports/${item.id}` },
    });
    const ended = publisher.events.find((event) => event.type === 'action.completed');
    expect(ended?.data.action).toMatchObject({
      type: 'process',
      status: 'completed',
      counters: { created: 2 },
    });
  });

  it('carries no row contents: no identifier, name or attribute value appears in any event', async () => {
    const { deps, publisher } = eventingDeps();

    await runJsonImport(deps, 'w1', [
      byEmail('secret.person@x.io', { first_name: 'Zebulon' }, { shirt: 'XXL' }),
    ]);

    const text = JSON.stringify(publisher.events);
    expect(publisher.events.length).toBeGreaterThan(0);
    for (const value of ['secret.person@x.io', 'Zebulon', 'XXL']) expect(text).not.toContain(value);
  });

  it('publishes nothing again when the last chunk is delivered a second time', async () => {
    const { deps, publisher } = eventingDeps();
    const ready = await runJsonImport(deps, 'w1', [byEmail('a@x.io')], { dry_run: true });
    await requestAction(deps, TENANT, ready.id, 'process');
    const [message] = deps.queue.takeChunks();
    if (!message) throw new Error('no chunk message');

    await processChunk(deps, message);
    const once = publisher.typesOf(ready.id);
    await processChunk(deps, message);

    expect(once.filter((type) => type === 'import.completed')).toHaveLength(1);
    expect(publisher.typesOf(ready.id)).toEqual(once);
  });

  it('announces a dry run as ready, and a cancel as the import cancelled and the cancel action completed', async () => {
    const { deps, publisher } = eventingDeps();
    const ready = await runJsonImport(deps, 'w1', [byEmail('a@x.io')], { dry_run: true });

    await requestAction(deps, TENANT, ready.id, 'cancel');

    expect(publisher.typesOf(ready.id)).toEqual([
      'import.created',
      'import.ready',
      'import.cancelled',
      'action.completed',
    ]);
    expect(publisher.events.at(-1)?.data.action).toMatchObject({ type: 'cancel', status: 'completed' });
  });

  it('announces a revert as reverted, with the revert action as it ended', async () => {
    const { deps, publisher } = eventingDeps();
    const item = await runJsonImport(deps, 'w1', [byEmail('a@x.io')]);

    await requestAction(deps, TENANT, item.id, 'revert');
    await deliverAll(deps);

    expect((await readImport(deps, item.id)).status).toBe('reverted');
    expect(publisher.typesOf(item.id).slice(-2)).toEqual(['import.reverted', 'action.completed']);
    expect(publisher.events.at(-1)?.data.action).toMatchObject({ type: 'revert', status: 'completed' });
  });

  it('announces invalid rows as failed, with the error code and not its message', async () => {
    const { deps, publisher } = eventingDeps();

    const item = await runJsonImport(deps, 'w1', [
      { identifiers: [{ kind: 'email', value: 'not-an-email' }], profile: {}, attributes: {} },
    ]);

    expect(item.status).toBe('failed');
    const failed = publisher.events.find((event) => event.type === 'import.failed');
    expect(failed?.data.error).toEqual({ code: 'invalid_rows' });
    expect(JSON.stringify(failed)).not.toContain('not-an-email');
  });
});

describe('importEvent', () => {
  it('names a status that is announced, and nothing for one that is not (queued, finalizing...)', async () => {
    const { deps } = eventingDeps();
    const item = await runJsonImport(deps, 'w1', [byEmail('a@x.io')]);

    expect(importEvent('evt_1', item, 'completed_with_errors', item.updated_at)?.type).toBe(
      'import.completed_with_errors',
    );
    for (const status of ['queued', 'finalizing', 'analyzing', 'cancelling', 'reverting'] as const) {
      expect(importEvent('evt_1', item, status, item.updated_at)).toBeNull();
    }
  });
});
