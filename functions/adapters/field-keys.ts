/**
 * DynamoDB key layout of fields, in the table DynamoFieldStore is given (any table keyed by string
 * `pk` and `sk`; the handlers use the Jobs table, which the API may write). Like every key in
 * keys.ts, each starts with the tenant, so no query can cross tenants. Field items have no
 * `expires_at`: they do not expire.
 *
 * - `T#<tenant>#WS#<workspace>#FIELDS` / `F#<key>`: the field.
 * - `T#<tenant>#WS#<workspace>#FIELDS` / `FID#<id, 12 digits>`: the key of the field with that id,
 *   written in the same transaction as the field.
 * - `T#<tenant>#COUNTERS` / `FIELD_ID`: the tenant's last field id (`last_id`, raised with ADD).
 */

const FIELD_PREFIX = 'F#';
const ID_PREFIX = 'FID#';

export const fieldKeys = {
  fieldPrefix: FIELD_PREFIX,
  fieldsOfWorkspace: (tenantId: string, workspace: string) => `T#${tenantId}#WS#${workspace}#FIELDS`,
  field: (tenantId: string, workspace: string, key: string) => ({
    pk: fieldKeys.fieldsOfWorkspace(tenantId, workspace),
    sk: `${FIELD_PREFIX}${key}`,
  }),
  fieldId: (tenantId: string, workspace: string, id: number) => ({
    pk: fieldKeys.fieldsOfWorkspace(tenantId, workspace),
    sk: `${ID_PREFIX}${String(id).padStart(12, '0')}`,
  }),
  fieldIdCounter: (tenantId: string) => ({ pk: `T#${tenantId}#COUNTERS`, sk: 'FIELD_ID' }),
};
