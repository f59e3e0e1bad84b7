import { FIELD_TYPES } from '../functions/core/fields.js';
import { limits } from '../functions/core/limits.js';
import { IMPORT_STATUSES, ROW_OUTCOMES } from '../functions/core/types.js';
import { contactCreateSchema } from '../functions/surfaces/mpdx/schema.js';
import { webadmitProgramSchema } from '../functions/surfaces/webadmit/schema.js';
import { eventSchema, reviewCountProperties } from './event.schema.js';
import { fieldCreateSchema } from './field-create.schema.js';
import {
  actionCreateSchema,
  importCreateSchema,
  structureSchema,
  workspaceSchema,
} from './import-create.schema.js';
import { importsQuerySchema, peopleQuerySchema, rowsQuerySchema } from './queries.schema.js';
import { eventWebhooks, webhookPaths } from './webhook.openapi.js';

/**
 * The native API's OpenAPI 3.1 document, built from the same JSON Schemas that validate requests.
 * `npm run openapi` writes it to docs/openapi.json; a unit test keeps that file current.
 */

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          examples: ['validation_failed', 'unauthorized', 'not_found', 'invalid_json'],
        },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              pointer: { type: 'string', examples: ['/records/0/email'] },
              message: { type: 'string' },
            },
          },
        },
      },
    },
  },
};

const counters = Object.fromEntries(
  ['processed', ...ROW_OUTCOMES].map((name) => [name, { type: 'integer' }]),
);

const importSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', examples: ['imp_01k2...'] },
    object: { const: 'import' },
    status: { enum: IMPORT_STATUSES },
    workspace: { type: 'string' },
    format: { enum: ['json', 'csv'] },
    options: importCreateSchema.properties.options,
    encoding: { type: 'string', description: 'CSV imports: the encoding the file is (or was) read in' },
    headers: {
      type: ['array', 'null'],
      items: { type: 'string' },
      description: "CSV imports: the file's header row, once analyzed",
    },
    structure: {
      oneOf: [structureSchema, { type: 'null' }],
      description:
        'CSV imports: how each column maps onto people, as given at creation or proposed by the analysis (send it back, edited, as `structure` of a new import)',
    },
    total_rows: { type: 'integer' },
    counters: { type: 'object', properties: counters },
    review: {
      type: ['object', 'null'],
      description:
        "Once analyzed: `rows`, `invalid` and `superseded` (found in the rows themselves), and the predicted outcomes (each row planned against the current people). Only a dry run's analysis predicts: an import created without `dry_run` is processed at once, so its predicted counts are null (its `counters` tell what it did)",
      properties: reviewCountProperties(),
    },
    error: {
      type: ['object', 'null'],
      description: 'Why the import failed: a code, a message and, for invalid rows, their numbers',
      properties: {
        code: { type: 'string', examples: ['invalid_rows', 'empty_file', 'invalid_utf8'] },
        message: { type: 'string' },
        rows: { type: 'array', items: { type: 'integer' } },
      },
    },
    chunks: { type: 'object', properties: { total: { type: 'integer' }, done: { type: 'integer' } } },
    action_id: { type: ['string', 'null'], description: 'The action running or last run' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    completed_at: { type: ['string', 'null'], format: 'date-time' },
    links: {
      type: 'object',
      properties: { self: { type: 'string' }, rows: { type: 'string' }, actions: { type: 'string' } },
    },
  },
};

const headersSchema = { type: 'object', additionalProperties: { type: 'string' } };

/** A CSV import's upload: one presigned PUT, or (a `size` over the part size) one per part. */
const uploadSchema = {
  type: 'object',
  required: ['method', 'expires_at'],
  properties: {
    method: { const: 'PUT' },
    url: { type: 'string', description: 'One PUT of the whole file, with `headers`' },
    headers: headersSchema,
    part_size: { type: 'integer', description: 'Bytes per part (the last part is the rest)' },
    parts: {
      type: 'array',
      description:
        'PUT each part (bytes (n-1)*part_size up to n*part_size) to its URL with its headers, then POST the analyze action: it assembles the file',
      items: {
        type: 'object',
        properties: { part_number: { type: 'integer' }, url: { type: 'string' }, headers: headersSchema },
      },
    },
    expires_at: { type: 'string', format: 'date-time' },
  },
};

const contactSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    object: { const: 'contact' },
    workspace: { type: 'string' },
    name: { type: 'string' },
    created_at: { type: 'string', format: 'date-time' },
  },
};

const programSchema = {
  type: 'object',
  properties: {
    object: { const: 'webadmit_program' },
    user_identity_id: { type: 'integer' },
    program_id: { type: 'integer' },
    workspace: { type: 'string' },
    created_at: { type: 'string', format: 'date-time' },
  },
};

const actionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    object: { const: 'action' },
    import_id: { type: 'string' },
    type: { enum: ['process', 'cancel', 'retry_failed', 'revert'] },
    status: { enum: ['queued', 'running', 'completed', 'completed_with_errors', 'failed', 'cancelled'] },
    counters: { type: 'object', properties: counters },
    chunks: { type: 'object', properties: { total: { type: 'integer' }, done: { type: 'integer' } } },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    completed_at: { type: ['string', 'null'], format: 'date-time' },
  },
};

const rowSchema = {
  type: 'object',
  properties: {
    row: { type: 'integer', minimum: 1 },
    line: { type: ['integer', 'null'], description: "A CSV row's line in the file" },
    outcome: {
      enum: [...ROW_OUTCOMES, null],
      description:
        'null only in a preview (preview=true) of an import created without dry_run: a valid row its analysis predicted nothing for',
    },
    person_id: { type: ['string', 'null'] },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          field: { type: ['string', 'null'] },
          message: { type: 'string' },
        },
      },
    },
  },
};

const personSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    object: { const: 'person' },
    workspace: { type: 'string' },
    external_id: { type: ['string', 'null'] },
    email: { type: ['string', 'null'] },
    first_name: { type: ['string', 'null'] },
    last_name: { type: ['string', 'null'] },
    identifiers: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string' },
          value: { type: 'string' },
          home_page: { type: 'string' },
          name: { type: 'string' },
        },
      },
    },
    profile: { type: 'object' },
    attributes: { type: 'object' },
    contacts: { type: 'array', items: { type: 'string' } },
    version: { type: 'integer' },
    created_at: { type: 'string', format: 'date-time' },
    updated_in_db_at: { type: 'string', format: 'date-time' },
  },
};

const fieldSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer', minimum: 1, examples: [12] },
    object: { const: 'field' },
    workspace: { type: 'string' },
    key: { type: 'string' },
    label: { type: 'string' },
    type: { enum: FIELD_TYPES },
    options: { type: ['array', 'null'], items: { type: 'string' } },
    created_at: { type: 'string', format: 'date-time' },
  },
};

const queryParameters = (schema: { properties: Record<string, object>; required?: readonly string[] }) =>
  Object.entries(schema.properties).map(([name, property]) => ({
    name,
    in: 'query',
    // Listed as required only so validation fills in its default: a client may leave it out.
    required: (schema.required ?? []).includes(name) && !('default' in property),
    schema: property,
  }));

const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const workspaceParameter = { name: 'workspace', in: 'path', required: true, schema: workspaceSchema };

const json = (schema: object) => ({ 'application/json': { schema } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [String(status), { description: String(status), content: json(errorSchema) }]),
  );

/** Every POST honours Idempotency-Key (functions/api/idempotency.ts; README, "Idempotent requests"). */
const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'A key of your choosing (a UUID, say) that makes a retry safe: the same key with the same request (method, path and body) within 24 hours replays the first answer without doing anything again; with another request it answers 422 idempotency_key_reused; while the first request still runs, 409 idempotency_key_in_flight. Keys are per tenant. A 5xx answer releases the key.',
  schema: {
    type: 'string',
    minLength: 1,
    maxLength: 255,
    pattern: '^[\\x21-\\x7e]([\\x20-\\x7e]{0,253}[\\x21-\\x7e])?$',
  },
};
const replayedHeader = {
  'idempotent-replayed': {
    description: "'true' when this answer replays the first answer to the request's Idempotency-Key",
    schema: { const: 'true' },
  },
};

function idempotent<
  T extends { parameters?: readonly object[]; responses: Record<string, { description: string }> },
>(operation: T) {
  const responses: Record<string, object> = {};
  for (const [status, response] of Object.entries(operation.responses)) {
    responses[status] = status < '300' ? { ...response, headers: replayedHeader } : response;
  }
  const conflict = operation.responses['409']?.description;
  const invalid = operation.responses['422']?.description;
  return {
    ...operation,
    parameters: [...(operation.parameters ?? []), idempotencyKeyParameter],
    responses: {
      ...responses,
      '409': {
        description: `${conflict && conflict !== '409' ? `${conflict}; or ` : ''}idempotency_key_in_flight: a request with this Idempotency-Key is still running`,
        content: json(errorSchema),
      },
      '422': {
        description: `${invalid && invalid !== '422' ? `${invalid}; ` : 'Validation failed; '}or idempotency_key_reused: this Idempotency-Key was used with another request; or invalid_idempotency_key`,
        content: json(errorSchema),
      },
    },
  };
}

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Intake native API',
    version: '1',
    description: `Bulk import of people records. Inline JSON imports take up to ${limits.maxJsonRecords} records.`,
  },
  security: [{ apiKey: [] }, { bearer: [] }, { basic: [] }],
  components: {
    schemas: { Event: eventSchema },
    securitySchemes: {
      apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      bearer: { type: 'http', scheme: 'bearer' },
      basic: {
        type: 'http',
        scheme: 'basic',
        description: 'The API key as the password (or as the user name)',
      },
    },
  },
  paths: {
    '/health': {
      get: { security: [], summary: 'Readiness', responses: { '200': { description: 'Ready' } } },
    },
    '/v1/imports': {
      get: {
        summary: "A workspace's imports, newest first, a page at a time",
        parameters: queryParameters(importsQuerySchema),
        responses: {
          '200': {
            description: 'A page of imports',
            content: json({
              type: 'object',
              properties: {
                imports: { type: 'array', items: importSchema },
                next_cursor: { type: ['string', 'null'] },
              },
            }),
          },
          ...errors(401, 422),
        },
      },
      post: idempotent({
        summary:
          'Create an import: JSON records inline (analyzed, then processed unless dry_run), or a CSV (the response carries a presigned upload)',
        requestBody: { required: true, content: json(importCreateSchema) },
        responses: {
          '201': {
            description: 'Created; a CSV import carries its upload',
            content: json({ allOf: [importSchema, { properties: { upload: uploadSchema } }] }),
          },
          ...errors(400, 401, 422),
        },
      }),
    },
    '/v1/imports/{id}': {
      get: {
        summary: 'An import: status and counters',
        parameters: [idParameter],
        responses: { '200': { description: 'The import', content: json(importSchema) }, ...errors(401, 404) },
      },
    },
    '/v1/imports/{id}/rows': {
      get: {
        summary:
          'Row results, in row order, a page at a time (an import that failed on invalid rows: every row unprocessed, the invalid ones with their errors, as its results file); with preview=true, the review row by row (409 not_analyzed before it exists; for an import created without dry_run, whose analysis predicts nothing, valid rows that are not superseded have a null outcome)',
        parameters: [idParameter, ...queryParameters(rowsQuerySchema)],
        responses: {
          '200': {
            description: 'A page of row results',
            content: json({
              type: 'object',
              properties: {
                rows: { type: 'array', items: rowSchema },
                next_cursor: { type: ['string', 'null'] },
              },
            }),
          },
          ...errors(401, 404, 409, 422),
        },
      },
    },
    '/v1/imports/{id}/file': {
      put: {
        summary:
          'Upload the CSV of an import awaiting its upload (up to the 10 MB body limit); analysis starts',
        parameters: [idParameter],
        requestBody: {
          required: true,
          content: {
            'text/csv': { schema: { type: 'string' } },
            'multipart/form-data': {
              schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } },
            },
          },
        },
        responses: {
          '202': { description: 'Analyzing', content: json(importSchema) },
          ...errors(401, 404, 409, 422),
        },
      },
    },
    '/v1/imports/{id}/results.csv': {
      get: {
        summary:
          'The results file (row, line, outcome, person_id, errors): a 303 to a short-lived download link; 409 not_finished while the import runs, no_result_files when it ended before it had rows',
        parameters: [idParameter],
        responses: { '303': { description: 'See the download link in Location' }, ...errors(401, 404, 409) },
      },
    },
    '/v1/imports/{id}/errors.csv': {
      get: {
        summary:
          'The error file: the original rows that did not apply, plus an errors column; formulas neutralized. A 303 to a download link; 409 not_finished while the import runs, no_result_files when it ended before it had rows',
        parameters: [idParameter],
        responses: { '303': { description: 'See the download link in Location' }, ...errors(401, 404, 409) },
      },
    },
    '/v1/imports/{id}/files': {
      get: {
        summary:
          'Both download links as JSON (for browsers, which cannot read a redirect): short-lived, like the 303 of results.csv and errors.csv; the same 409s',
        parameters: [idParameter],
        responses: {
          '200': {
            description: 'The links',
            content: json({
              type: 'object',
              properties: { results_url: { type: 'string' }, errors_url: { type: 'string' } },
            }),
          },
          ...errors(401, 404, 409),
        },
      },
    },
    '/v1/imports/{id}/actions': {
      post: idempotent({
        summary:
          'Act on an import: analyze (an uploaded CSV; assembles a file uploaded in parts; 409 upload_missing or upload_incomplete naming the missing parts), process (a ready import; 409 invalid_rows when rows are invalid without skip_invalid, and the import fails), cancel (an unfinished one: cancelled at once before processing, otherwise cancelling until the chunks already running finish), retry_failed (failed and unprocessed rows), revert (a completed one)',
        parameters: [idParameter],
        requestBody: { required: true, content: json(actionCreateSchema) },
        responses: {
          '202': {
            description:
              'Accepted: for analyze, the import (poll it for ready); for the others, the action, also at its Location',
            content: json({ oneOf: [importSchema, actionSchema] }),
          },
          ...errors(400, 401, 404, 409, 422),
        },
      }),
      get: {
        summary: "The import's actions, oldest first",
        parameters: [idParameter],
        responses: {
          '200': {
            description: 'Actions',
            content: json({
              type: 'object',
              properties: { actions: { type: 'array', items: actionSchema } },
            }),
          },
          ...errors(401, 404),
        },
      },
    },
    '/v1/imports/{id}/actions/{action_id}': {
      get: {
        summary: 'An action: status and counters',
        parameters: [
          idParameter,
          { name: 'action_id', in: 'path', required: true, schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'The action', content: json(actionSchema) }, ...errors(401, 404) },
      },
    },
    '/v1/people': {
      get: {
        summary: "A workspace's people, or the one holding an email or external_id",
        parameters: queryParameters(peopleQuerySchema),
        responses: {
          '200': {
            description: 'A page of people',
            content: json({
              type: 'object',
              properties: {
                people: { type: 'array', items: personSchema },
                next_cursor: { type: ['string', 'null'] },
              },
            }),
          },
          ...errors(401, 422),
        },
      },
    },
    '/v1/people/{id}': {
      get: {
        summary: 'A person',
        parameters: [idParameter],
        responses: { '200': { description: 'The person', content: json(personSchema) }, ...errors(401, 404) },
      },
    },
    '/v1/contacts': {
      post: idempotent({
        summary:
          'Create an MPDX contact (people created through the MPDX bulk API belong to contacts; a contact belongs to a workspace, the account list)',
        requestBody: { required: true, content: json(contactCreateSchema) },
        responses: {
          '201': { description: 'Created', content: json(contactSchema) },
          ...errors(400, 401, 409, 422),
        },
      }),
    },
    '/v1/contacts/{id}': {
      get: {
        summary: 'A contact',
        parameters: [idParameter],
        responses: {
          '200': { description: 'The contact', content: json(contactSchema) },
          ...errors(401, 404),
        },
      },
    },
    '/v1/webadmit/programs': {
      post: idempotent({
        summary:
          "Register a WebAdmit user identity's program and the workspace its batches apply in (default `webadmit-<user_identity_id>-<program_id>`); 200 when it was registered already",
        requestBody: { required: true, content: json(webadmitProgramSchema) },
        responses: {
          '200': { description: 'Registered already', content: json(programSchema) },
          '201': { description: 'Registered', content: json(programSchema) },
          ...errors(400, 401, 409, 422),
        },
      }),
    },
    '/v1/workspaces/{workspace}/fields': {
      get: {
        summary: "The workspace's fields, sorted by id",
        parameters: [workspaceParameter],
        responses: {
          '200': {
            description: 'The fields',
            content: json({ type: 'object', properties: { fields: { type: 'array', items: fieldSchema } } }),
          },
          ...errors(401, 422),
        },
      },
      post: idempotent({
        summary: 'Create a typed field; select fields need options, other types take none',
        parameters: [workspaceParameter],
        requestBody: { required: true, content: json(fieldCreateSchema) },
        responses: {
          '201': { description: 'Created', content: json(fieldSchema) },
          ...errors(400, 401, 409, 422),
        },
      }),
    },
    ...webhookPaths({ json, errors, idempotent }),
  },
  webhooks: eventWebhooks(json),
} as const;
