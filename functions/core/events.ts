import {
  type Action,
  type Counters,
  FINAL_STATUSES,
  type Import,
  type ImportStatus,
  presentedReview,
  type Review,
  ROW_OUTCOMES,
} from './types.js';

/**
 * Events: what Intake tells other systems (EventBridge, webhooks). One per import status change a
 * client cares about and one per action's end. A payload names the import and carries its counts,
 * never a row's contents, an identifier or an error message (those may quote a cell).
 */

/** Import statuses that are announced, each as `import.<status>`. */
export const ANNOUNCED_STATUSES = [
  'ready',
  'processing',
  'completed',
  'completed_with_errors',
  'failed',
  'cancelled',
  'reverted',
] as const satisfies readonly ImportStatus[];
type AnnouncedStatus = (typeof ANNOUNCED_STATUSES)[number];

export const EVENT_TYPES = [
  'import.created',
  ...ANNOUNCED_STATUSES.map((status) => `import.${status}` as const),
  'action.completed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Counters as the API shows them: `processed` and one per outcome. */
export type EventCounters = Record<'processed' | keyof Counters, number>;

export interface EventData {
  tenant_id: string;
  workspace: string;
  import_id: string;
  /** The import's status the event announces (for `action.completed`, the import's status then). */
  status: ImportStatus;
  /** Which API created the import: `native` or a compatible surface's name. */
  surface: string;
  total_rows: number;
  counters: EventCounters;
  review: Review | null;
  /** Why the import failed: a code only (the message may quote the file). */
  error: { code: string } | null;
  action: {
    id: string;
    type: Action['type'];
    status: Action['status'];
    counters: EventCounters;
  } | null;
  links: { import: string; rows: string; actions: string; action?: string };
  created_at: string;
  completed_at: string | null;
}

/** An event, shaped as Standard Webhooks payloads are: `type`, `timestamp`, `data`; `id` is unique. */
export interface IntakeEvent {
  id: string;
  type: EventType;
  timestamp: string;
  data: EventData;
}

export const isAnnounced = (status: ImportStatus): status is AnnouncedStatus =>
  (ANNOUNCED_STATUSES as readonly ImportStatus[]).includes(status);

export const isEventType = (value: unknown): value is EventType =>
  typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);

const countersOf = (counters: Counters): EventCounters => ({
  processed: ROW_OUTCOMES.reduce((sum, outcome) => sum + counters[outcome], 0),
  ...counters,
});

function dataOf(item: Import, status: ImportStatus, action: Action | null): EventData {
  const base = `/v1/imports/${item.id}`;
  return {
    tenant_id: item.tenant_id,
    workspace: item.workspace,
    import_id: item.id,
    status,
    surface: item.surface,
    total_rows: item.total_rows,
    counters: countersOf(item.counters),
    review: item.review && presentedReview(item.review),
    error: item.error ? { code: item.error.code } : null,
    action: action && {
      id: action.id,
      type: action.type,
      status: action.status,
      counters: countersOf(action.counters),
    },
    links: {
      import: base,
      rows: `${base}/rows`,
      actions: `${base}/actions`,
      ...(action ? { action: `${base}/actions/${action.id}` } : {}),
    },
    created_at: item.created_at,
    completed_at: (FINAL_STATUSES as readonly ImportStatus[]).includes(status) ? item.completed_at : null,
  };
}

/** `import.created`, or `import.<status>` for a status announced; null for a status that is not. */
export function importEvent(
  id: string,
  item: Import,
  status: ImportStatus,
  timestamp: string,
): IntakeEvent | null {
  if (!isAnnounced(status)) return null;
  return { id, type: `import.${status}`, timestamp, data: dataOf(item, status, null) };
}

/** `import.created`: the import as it was made (its first status is in `data.status`). */
export const createdEvent = (id: string, item: Import, timestamp: string): IntakeEvent => ({
  id,
  type: 'import.created',
  timestamp,
  data: dataOf(item, item.status, null),
});

/** `action.completed`: an action ended (its final status and counters), with its import. */
export const actionEvent = (id: string, item: Import, action: Action, timestamp: string): IntakeEvent => ({
  id,
  type: 'action.completed',
  timestamp,
  data: dataOf(item, item.status, action),
});
