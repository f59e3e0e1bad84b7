import { accountValue } from '../../core/identifiers.js';
import type { Attributes, Identifier, IdentifierKind, RowInput } from '../../core/types.js';
import type { ImportCreateBody } from './validators.js';

type NativeRecord = NonNullable<ImportCreateBody['records']>[number];

const SCALAR_KINDS = [
  'external_id',
  'email',
  'applicant_cas_id',
  'mbox',
  'mbox_sha1sum',
  'openid',
] as const satisfies readonly IdentifierKind[];

/** A native JSON record in the engine's terms. */
export function recordToInput(record: NativeRecord): RowInput {
  const identifiers: Identifier[] = [];
  for (const kind of SCALAR_KINDS) {
    const value = record[kind];
    if (typeof value === 'string') identifiers.push({ kind, value });
  }
  if (record.account)
    identifiers.push({ kind: 'account', value: accountValue(record.account.home_page, record.account.name) });
  const profile: Attributes = { ...(record.profile ?? {}) };
  if (record.first_name !== undefined) profile.first_name = record.first_name;
  if (record.last_name !== undefined) profile.last_name = record.last_name;
  return {
    identifiers,
    ...(record.id !== undefined ? { person_id: record.id } : {}),
    profile,
    attributes: { ...(record.attributes ?? {}) },
    ...(record.updated_in_db_at !== undefined ? { expected_updated_in_db_at: record.updated_in_db_at } : {}),
  };
}
