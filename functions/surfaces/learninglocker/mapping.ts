import { matchOrder } from '../../core/structure.js';
import type { ImportOptions, Structure } from '../../core/types.js';
import type { LlStructure } from './registry.js';

/** Learning Locker's persona imports in the engine's terms: workspace, structure, options; multipart repair. */

/** The workspace an organisation's personas live in. */
export const workspaceOf = (organisation: string): string => `ll-${organisation}`;
const SINGLE_IDENTIFIERS = {
  COLUMN_MBOX: 'mbox',
  COLUMN_MBOXSHA1SUM: 'mbox_sha1sum',
  COLUMN_OPENID: 'openid',
} as const;

/**
 * The engine's structure for a (valid) Learning Locker structure. Identifiers are ordered by
 * `primary` (columns without one after those with one, in column order), an account pair by the
 * `primary` of its key column, else of its value column. `COLUMN_NAME` is the person's `first_name`
 * (a persona's name is one display name); attribute columns are attributes keyed by the header.
 */
export function toEngineStructure(structure: LlStructure): Structure {
  const columns = Object.values(structure);
  const units = columns
    .map((column, index) => {
      const type = column.columnType;
      if (type in SINGLE_IDENTIFIERS) return { column: column.columnName, primary: column.primary, index };
      if (type !== 'COLUMN_ACCOUNT_KEY') return null;
      const value = structure[column.relatedColumn];
      const valueIndex = columns.findIndex((c) => c.columnName === column.relatedColumn);
      return {
        column: column.columnName,
        primary: column.primary ?? value?.primary ?? null,
        index: Math.min(index, valueIndex < 0 ? index : valueIndex),
      };
    })
    .filter((unit) => unit !== null)
    .sort(
      (a, b) =>
        (a.primary === null ? 1 : 0) - (b.primary === null ? 1 : 0) ||
        (a.primary ?? 0) - (b.primary ?? 0) ||
        a.index - b.index,
    );
  const priority = new Map(units.map((unit, i) => [unit.column, i + 1]));

  const engine: Structure = {};
  for (const column of columns) {
    const name = column.columnName;
    const type = column.columnType;
    if (type === 'COLUMN_NAME') engine[name] = { role: 'profile', key: 'first_name' };
    else if (type === 'COLUMN_ATTRIBUTE_DATA') engine[name] = { role: 'attribute', key: name };
    else if (type === 'COLUMN_ACCOUNT_KEY' || type === 'COLUMN_ACCOUNT_VALUE') {
      const part = type === 'COLUMN_ACCOUNT_KEY' ? 'home_page' : 'name';
      const order = priority.get(name);
      engine[name] = {
        role: 'identifier',
        kind: 'account',
        part,
        related: column.relatedColumn,
        ...(order !== undefined ? { priority: order } : {}),
      };
    } else if (type !== '') {
      const order = priority.get(name);
      engine[name] = {
        role: 'identifier',
        kind: SINGLE_IDENTIFIERS[type],
        ...(order !== undefined ? { priority: order } : {}),
      };
    } else engine[name] = { role: 'ignore' };
  }
  return engine;
}

/**
 * How a persona import runs in the engine: every row upserts a persona; a row whose identifiers
 * point at several personas merges them into the first (in `primary` order); invalid rows are
 * skipped and reported in `importErrors` while the others go on; attribute columns create fields.
 */
export const processOptions = (structure: Structure): Partial<ImportOptions> => ({
  operation: 'upsert',
  on_ambiguous_match: 'merge',
  skip_invalid: true,
  create_missing_fields: true,
  dry_run: false,
  match_on: matchOrder(structure),
});

/** The upload's analysis: the same options, stopping at the review. */
export const uploadOptions = (structure: Structure): Partial<ImportOptions> => ({
  ...processOptions(structure),
  dry_run: true,
});
/**
 * The document's example writes `Content-Disposition form-data; name="id"` without the colon; a
 * part header of that spelling is read as `Content-Disposition: form-data; ...`. Only header lines
 * right after a boundary are touched, never file content.
 */
export function repairMultipart(body: Buffer, contentType: string): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const name = boundary?.[1] ?? boundary?.[2];
  if (name === undefined) return body;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const text = body.toString('latin1');
  const pattern = new RegExp(
    `(--${escaped}[ \\t]*\\r?\\n(?:[A-Za-z0-9-]+:[^\\r\\n]*\\r?\\n)*)(Content-Disposition)[ \\t]+(form-data)`,
    'gi',
  );
  const repaired = text.replace(pattern, '$1$2: $3');
  return repaired === text ? body : Buffer.from(repaired, 'latin1');
}
