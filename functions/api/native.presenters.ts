import type { Page } from '../core/ports.js';
import { type Import, type Person, ROW_OUTCOMES, type RowResult } from '../core/types.js';

/** The native API's snake_case resources. */

export const presentImport = (item: Import) => ({
  id: item.id,
  object: 'import',
  status: item.status,
  workspace: item.workspace,
  format: item.format,
  options: {
    match_on: item.options.match_on,
    on_ambiguous_match: item.options.on_ambiguous_match,
    blank_cells: item.options.blank_cells,
  },
  total_rows: item.total_rows,
  counters: {
    processed: ROW_OUTCOMES.reduce((sum, outcome) => sum + item.counters[outcome], 0),
    ...Object.fromEntries(ROW_OUTCOMES.map((outcome) => [outcome, item.counters[outcome]])),
  },
  chunks: { total: item.chunks_total, done: item.chunks_done },
  created_at: item.created_at,
  updated_at: item.updated_at,
  completed_at: item.completed_at,
  links: { self: `/v1/imports/${item.id}`, rows: `/v1/imports/${item.id}/rows` },
});

export const presentRows = (page: Page<RowResult>) => ({
  rows: page.items.map((r) => ({
    row: r.row,
    outcome: r.outcome,
    person_id: r.person_id,
    errors: r.errors.map((e) => ({ code: e.code, field: e.field ?? null, message: e.message })),
  })),
  next_cursor: page.cursor,
});

export const presentPerson = (person: Person) => ({
  id: person.id,
  object: 'person',
  workspace: person.workspace,
  external_id: person.identifiers.external_id ?? null,
  email: person.identifiers.email ?? null,
  first_name: person.first_name,
  last_name: person.last_name,
  attributes: person.attributes,
  version: person.version,
  created_at: person.created_at,
  updated_in_db_at: person.updated_in_db_at,
});

export const presentPeople = (page: Page<Person>) => ({
  people: page.items.map(presentPerson),
  next_cursor: page.cursor,
});
