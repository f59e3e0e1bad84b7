import { type importCreateSchema, importOptionsSchema } from '../schemas/import-create.schema.js';
import { UsageError } from './errors.js';

/**
 * `--option key=value` → the import's creation fields. Keys are the API's import options
 * (README, "Option"), plus the CSV's `delimiter` and `encoding`; values are read by the option's
 * type in the API's schema: `true`/`false` for booleans, comma-separated lists for arrays, text
 * otherwise. Whether a value is allowed is the API's to say (a 422 naming the option).
 */

type OptionProperty = { type: string };

const OPTIONS = importOptionsSchema.properties as Record<string, OptionProperty>;
/** Creation fields of a CSV import that sit beside `options`. */
const CSV_FIELDS = [
  'delimiter',
  'encoding',
] as const satisfies (keyof typeof importCreateSchema.properties)[];

export interface CreationFields {
  options: Record<string, unknown>;
  delimiter?: string;
  encoding?: string;
}

export const OPTION_KEYS = [...Object.keys(OPTIONS), ...CSV_FIELDS];

export function parseOptions(pairs: string[]): CreationFields {
  const fields: CreationFields = { options: {} };
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0)
      throw new UsageError(`--option '${pair}' is not key=value (e.g. --option skip_invalid=true)`);
    const key = pair.slice(0, equals).trim();
    const raw = pair.slice(equals + 1);
    if ((CSV_FIELDS as readonly string[]).includes(key)) {
      fields[key as (typeof CSV_FIELDS)[number]] = key === 'delimiter' ? delimiterOf(raw) : raw;
      continue;
    }
    const property = OPTIONS[key];
    if (property === undefined)
      throw new UsageError(
        `--option '${key}' is not an import option; the options are ${OPTION_KEYS.join(', ')}`,
      );
    if (key in fields.options) throw new UsageError(`--option '${key}' is given twice`);
    fields.options[key] = typedValue(key, raw, property.type);
  }
  return fields;
}

function typedValue(key: string, raw: string, type: string): unknown {
  if (type === 'boolean') {
    const value = raw.trim().toLowerCase();
    if (value === 'true' || value === 'yes' || value === '1') return true;
    if (value === 'false' || value === 'no' || value === '0') return false;
    throw new UsageError(`--option ${key}=${raw}: ${key} is true or false`);
  }
  if (type === 'array') {
    const items = raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    if (items.length === 0) throw new UsageError(`--option ${key}=${raw}: give a comma-separated list`);
    return items;
  }
  return raw;
}

/** `tab` (or `\t`) for a tab, which a shell makes awkward to type. */
function delimiterOf(raw: string): string {
  return raw === 'tab' || raw === '\\t' ? '\t' : raw;
}
