import { actionEvent, createdEvent, type IntakeEvent, importEvent } from './events.js';
import type { Clock, EventPublisher, IdGenerator, ImportStore } from './ports.js';
import { FINAL_STATUSES, type ImportStatus } from './types.js';

/**
 * Events tied to the status moves. Every status change goes through `ImportStore.update` (or
 * `startAction`) as one conditional write, and of two racing or repeated moves only one is told
 * it won (import-status.ts): the event is published by the caller that won, after its write, so
 * a redelivered chunk or a second finalization emits nothing. A crash between the winning write
 * and the publish loses that event (at most once, never twice): the README says why this was
 * chosen over an outbox.
 *
 * `publishing(store, ...)` is the store with that behaviour added, the same in AWS, locally and in
 * unit tests: every use case keeps calling the store as before.
 */

/** The statuses an action's chunks run in: a winning move from one of them to a final status ends the action. */
const RUNNING: readonly ImportStatus[] = ['processing', 'finalizing', 'cancelling', 'reverting'];

export interface EventDeps {
  publisher: EventPublisher;
  clock: Clock;
  eventIds: IdGenerator;
}

export function publishing<S extends ImportStore>(store: S, deps: EventDeps): S {
  const publish = async (event: IntakeEvent | null) => {
    if (event !== null) await deps.publisher.publish(event);
  };
  const wrapped: S = Object.create(store);

  wrapped.create = async (item) => {
    await store.create(item);
    await publish(createdEvent(deps.eventIds.next(), item, deps.clock.now()));
  };

  wrapped.update = async (tenantId, id, from, changes, now) => {
    const won = await store.update(tenantId, id, from, changes, now);
    const status = changes.status;
    if (!won || status === undefined || from.every((start) => start === status)) return won;
    const item = await store.get(tenantId, id);
    if (item === null) return won;
    await publish(importEvent(deps.eventIds.next(), item, status, now));
    const endsAction =
      FINAL_STATUSES.includes(status) &&
      from.some((start) => RUNNING.includes(start)) &&
      item.action_id !== null;
    if (endsAction && item.action_id !== null) {
      const action = await store.getAction(tenantId, id, item.action_id);
      if (action !== null) await publish(actionEvent(deps.eventIds.next(), { ...item, status }, action, now));
    }
    return won;
  };

  wrapped.startAction = async (tenantId, action, from, to, now) => {
    const won = await store.startAction(tenantId, action, from, to, now);
    if (!won) return won;
    const item = await store.get(tenantId, action.import_id);
    if (item !== null) await publish(importEvent(deps.eventIds.next(), item, to, now));
    return won;
  };

  // An action recorded already finished (cancel) ends as it is recorded.
  wrapped.recordAction = async (tenantId, action) => {
    await store.recordAction(tenantId, action);
    if (action.completed_at === null) return;
    const item = await store.get(tenantId, action.import_id);
    if (item !== null) await publish(actionEvent(deps.eventIds.next(), item, action, action.completed_at));
  };

  return wrapped;
}
