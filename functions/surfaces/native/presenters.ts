import type { Field } from '../../core/fields.js';
import { parseAccount } from '../../core/identifiers.js';
import type { Page } from '../../core/ports.js';
import type { PreviewRow } from '../../core/queries.js';
import {
  type Action,
  type Import,
  type Person,
  presentedReview,
  ROW_OUTCOMES,
  type RowError,
  type RowResult,
} from '../../core/types.js';

/** The native API's snake_case resources. */

const presentCounters = (counters: Import['counters']) => ({
  processed: ROW_OUTCOMES.reduce((sum, outcome) => sum + counters[outcome], 0),
  ...Object.fromEntries(ROW_OUTCOMES.map((outcome) => [outcome, counters[outcome]])),
});

export const presentImport = (item: Import) => ({
  id: item.id,
  object: 'import',
  status: item.status,
  workspace: item.workspace,
  format: item.format,
  options: {
    operation: item.options.operation,
    match_on: item.options.match_on,
    on_ambiguous_match: item.options.on_ambiguous_match,
    skip_invalid: item.options.skip_invalid,
    create_missing_fields: item.options.create_missing_fields,
    attributes_only: item.options.attributes_only,
    replace_attributes: item.options.replace_attributes,
    delete_unmatched: item.options.delete_unmatched,
    blank_cells: item.options.blank_cells,
    dry_run: item.options.dry_run,
    date_format: item.options.date_format ?? 'YYYY-MM-DD',
    decimal_separator: item.options.decimal_separator ?? '.',
  },
  ...(item.format === 'csv'
    ? { encoding: item.encoding ?? 'utf-8', headers: item.headers, structure: item.structure }
    : {}),
  total_rows: item.total_rows,
  counters: presentCounters(item.counters),
  review: item.review && presentedReview(item.review),
  error: item.error,
  chunks: { total: item.chunks_total, done: item.chunks_done },
  action_id: item.action_id,
  created_at: item.created_at,
  updated_at: item.updated_at,
  completed_at: item.completed_at,
  links: {
    self: `/v1/imports/${item.id}`,
    rows: `/v1/imports/${item.id}/rows`,
    actions: `/v1/imports/${item.id}/actions`,
  },
});

export const presentAction = (action: Action) => ({
  id: action.id,
  object: 'action',
  import_id: action.import_id,
  type: action.type,
  status: action.status,
  counters: presentCounters(action.counters),
  chunks: { total: action.chunks_total, done: action.chunks_done },
  created_at: action.created_at,
  updated_at: action.updated_at,
  completed_at: action.completed_at,
});

const presentErrors = (errors: RowError[]) =>
  errors.map((e) => ({ code: e.code, field: e.field ?? null, message: e.message }));

export const presentRows = (page: Page<RowResult>) => ({
  rows: page.items.map((r) => ({
    row: r.row,
    outcome: r.outcome,
    person_id: r.person_id,
    errors: presentErrors(r.errors),
  })),
  next_cursor: page.cursor,
});

export const presentPreview = (page: Page<PreviewRow>) => ({
  rows: page.items.map((r) => ({
    row: r.row,
    line: r.line ?? null,
    outcome: r.outcome,
    person_id: r.person_id,
    errors: presentErrors(r.errors),
  })),
  next_cursor: page.cursor,
});

export const presentPerson = (person: Person) => {
  const first = (kind: string) => person.identifiers.find((i) => i.kind === kind)?.value ?? null;
  return {
    id: person.id,
    object: 'person',
    workspace: person.workspace,
    external_id: first('external_id'),
    email: first('email'),
    first_name: person.profile.first_name ?? null,
    last_name: person.profile.last_name ?? null,
    identifiers: person.identifiers.map((identifier) => {
      const account = identifier.kind === 'account' ? parseAccount(identifier.value) : null;
      return account ? { kind: 'account', home_page: account.homePage, name: account.name } : identifier;
    }),
    profile: person.profile,
    attributes: person.attributes,
    contacts: person.contacts,
    version: person.version,
    created_at: person.created_at,
    updated_in_db_at: person.updated_in_db_at,
  };
};

export const presentImports = (page: Page<Import>) => ({
  imports: page.items.map(presentImport),
  next_cursor: page.cursor,
});

export const presentPeople = (page: Page<Person>) => ({
  people: page.items.map(presentPerson),
  next_cursor: page.cursor,
});

/** The native field resource. `options` is null for every type but select. */
export const presentField = (field: Field) => ({
  id: field.id,
  object: 'field',
  workspace: field.workspace,
  key: field.key,
  label: field.label,
  type: field.type,
  options: field.options ?? null,
  created_at: field.created_at,
});
