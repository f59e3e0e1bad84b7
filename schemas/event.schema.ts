import { EVENT_TYPES } from '../functions/core/events.js';
import {
  ACTION_TYPES,
  IMPORT_STATUSES,
  REVIEW_KEYS,
  REVIEW_PREDICTED_KEYS,
  ROW_OUTCOMES,
} from '../functions/core/types.js';

/** A review's counts as JSON Schema properties, each with `each`: the predicted ones may be null. */
export const reviewCountProperties = (each: Record<string, unknown> = {}) =>
  Object.fromEntries(
    REVIEW_KEYS.map((name) => [
      name,
      {
        type: (REVIEW_PREDICTED_KEYS as readonly string[]).includes(name) ? ['integer', 'null'] : 'integer',
        ...each,
      },
    ]),
  );

/**
 * The events Intake publishes (EventBridge `detail`, and the body of every webhook request): one
 * schema for all, `type` telling which. No row contents and no personal data: ids, statuses and
 * counts.
 */

const counters = {
  type: 'object',
  required: ['processed', ...ROW_OUTCOMES],
  properties: Object.fromEntries(
    ['processed', ...ROW_OUTCOMES].map((name) => [name, { type: 'integer', minimum: 0 }]),
  ),
} as const;

export const eventSchema = {
  $id: 'https://intake.dev/schemas/event.json',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'type', 'timestamp', 'data'],
  properties: {
    id: {
      type: 'string',
      description: 'Unique per event; also the webhook-id header',
      examples: ['evt_01k2...'],
    },
    type: { enum: EVENT_TYPES },
    timestamp: { type: 'string', format: 'date-time', description: 'When the change happened' },
    data: {
      type: 'object',
      additionalProperties: false,
      required: [
        'tenant_id',
        'workspace',
        'import_id',
        'status',
        'surface',
        'total_rows',
        'counters',
        'review',
        'error',
        'action',
        'links',
        'created_at',
        'completed_at',
      ],
      properties: {
        tenant_id: { type: 'string' },
        workspace: { type: 'string' },
        import_id: { type: 'string' },
        status: { enum: IMPORT_STATUSES, description: "The import's status the event announces" },
        surface: {
          type: 'string',
          description: 'The API that created the import: native, redjade, webadmit, mpdx, learninglocker',
        },
        total_rows: { type: 'integer', minimum: 0 },
        counters,
        review: {
          type: ['object', 'null'],
          description:
            "Once analyzed, the review's counts: the predicted ones are null for an import created without dry_run (only a dry run's analysis predicts outcomes)",
          properties: reviewCountProperties({ minimum: 0 }),
        },
        error: {
          type: ['object', 'null'],
          description: 'Why the import failed (the message is in GET /v1/imports/{id})',
          properties: { code: { type: 'string' } },
        },
        action: {
          type: ['object', 'null'],
          description: 'action.completed: the action that ended',
          properties: {
            id: { type: 'string' },
            type: { enum: ACTION_TYPES },
            status: {
              enum: ['queued', 'running', 'completed', 'completed_with_errors', 'failed', 'cancelled'],
            },
            counters,
          },
        },
        links: {
          type: 'object',
          required: ['import', 'rows', 'actions'],
          properties: {
            import: { type: 'string' },
            rows: { type: 'string' },
            actions: { type: 'string' },
            action: { type: 'string' },
          },
        },
        created_at: { type: 'string', format: 'date-time' },
        completed_at: { type: ['string', 'null'], format: 'date-time' },
      },
    },
  },
} as const;
