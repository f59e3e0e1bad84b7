import {
  type AttributeValue,
  DATE_FORMATS,
  type DateFormat,
  type DecimalSeparator,
  type RowError,
} from './types.js';

/**
 * Fields: the typed attribute definitions of a workspace (WebAdmit's custom fields, RedJade's
 * demographics, Learning Locker's persona attributes), and how a raw value becomes a value of a
 * field's type. Nothing here knows about AWS.
 */

export const FIELD_TYPES = ['boolean', 'number', 'date', 'string', 'select'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const fieldLimits = {
  /** Key length, the same as an attribute name's in a record. */
  maxKeyLength: 128,
  maxLabelLength: 256,
  maxOptions: 500,
  maxOptionLength: 256,
} as const;

export interface Field {
  /** Integer id, unique within the tenant and increasing (WebAdmit's custom_field_id); ids can have gaps. */
  id: number;
  workspace: string;
  /** The attribute name records use. */
  key: string;
  /** Human-readable name; the key when none was given. */
  label: string;
  type: FieldType;
  /** The allowed values of a select field; absent for every other type. */
  options?: string[];
  created_at: string;
}

/** What a field is made from: by a client (`POST .../fields`) or by an import (create_missing_fields). */
export interface FieldSpec {
  key: string;
  label?: string;
  type: FieldType;
  options?: string[];
}

export const fieldFromSpec = (
  spec: FieldSpec,
  made: { id: number; workspace: string; now: string },
): Field => ({
  id: made.id,
  workspace: made.workspace,
  key: spec.key,
  label: spec.label ?? spec.key,
  type: spec.type,
  ...(spec.type === 'select' && spec.options !== undefined ? { options: [...spec.options] } : {}),
  created_at: made.now,
});

export type Coerced = { ok: true; value: AttributeValue } | { ok: false; error: RowError };

const MAX_SHOWN = 64;
const MAX_SHOWN_OPTIONS = 10;

/** A value as a message shows it: strings quoted and cut short, other values as JSON would write them. */
const shown = (raw: AttributeValue): string => {
  if (typeof raw !== 'string') return String(raw);
  const text = raw.length > MAX_SHOWN ? `${raw.slice(0, MAX_SHOWN)}…` : raw;
  return `'${text}'`;
};

const invalid = (column: string, raw: AttributeValue, what: string): Coerced => ({
  ok: false,
  error: { code: 'invalid_value', field: column, message: `${shown(raw)} ${what}` },
});

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

/** Plain decimal notation with an optional exponent: no hex, no thousands separators, no `Infinity`. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** The same with a decimal comma (`1,5`, `-0,25`, `,5`). */
const DECIMAL_COMMA = /^[+-]?(?:\d+(?:,\d+)?|,\d+)(?:[eE][+-]?\d+)?$/;
/** Text that may as well be grouped thousands (`1,000`): no hint at a decimal comma for it. */
const THOUSANDS = /^[+-]?\d{1,3}(?:,\d{3})+$/;

/** How text values are written: the import's `date_format` and `decimal_separator` options. */
export interface ValueFormat {
  /** Absent: `YYYY-MM-DD` (ISO 8601, date-times too). */
  date_format?: DateFormat;
  /** Absent: `.`. */
  decimal_separator?: DecimalSeparator;
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?(?:[Zz]|[+-](\d{2}):?(\d{2}))?$/;

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isRealDate = (year: number, month: number, day: number): boolean => {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const days = month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return day <= days;
};

/**
 * The calendar date of `text`: `YYYY-MM-DD`, or the date part of an ISO 8601 date-time as written
 * (`2024-03-01T00:30:00+02:00` is 2024-03-01: the date is not moved to UTC). Null when invalid.
 */
export function calendarDate(text: string): string | null {
  const date = CALENDAR_DATE.exec(text);
  const dateTime = date === null ? DATE_TIME.exec(text) : null;
  const parts = date ?? dateTime;
  if (parts === null) return null;
  const [year, month, day] = [parts[1], parts[2], parts[3]].map(Number) as [number, number, number];
  if (!isRealDate(year, month, day)) return null;
  if (dateTime !== null) {
    const [hour, minute, second, offsetHours, offsetMinutes] = [4, 5, 6, 7, 8].map((i) =>
      Number(dateTime[i] ?? 0),
    ) as [number, number, number, number, number];
    if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  }
  return text.slice(0, 10);
}

/** A date format but ISO's as a pattern, and the groups of year, month and day in it. */
const datePattern = (format: DateFormat) => {
  const separator = format.replace(/[YMD]/g, '').charAt(0);
  const parts = format.split(separator);
  const group = (part: string) => (part === 'YYYY' ? '(\\d{4})' : '(\\d{1,2})');
  return {
    pattern: new RegExp(`^${parts.map(group).join(`\\${separator}`)}$`),
    year: parts.indexOf('YYYY') + 1,
    month: parts.indexOf('MM') + 1,
    day: parts.indexOf('DD') + 1,
  };
};

const DATE_PATTERNS = new Map<DateFormat, ReturnType<typeof datePattern>>(
  DATE_FORMATS.filter((format) => format !== 'YYYY-MM-DD').map((format) => [format, datePattern(format)]),
);

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * The calendar date (`YYYY-MM-DD`) of `text` written in `format`: `calendarDate` for ISO; for the
 * others, exactly that order and separator, a four-digit year, day and month of one or two digits.
 * Null when the text is not in that format or names no real date (`02/30/2024`).
 */
export function dateInFormat(text: string, format: DateFormat): string | null {
  const known = DATE_PATTERNS.get(format);
  if (known === undefined) return calendarDate(text);
  const parts = known.pattern.exec(text);
  if (parts === null) return null;
  const [year, month, day] = [known.year, known.month, known.day].map((i) => Number(parts[i])) as [
    number,
    number,
    number,
  ];
  if (!isRealDate(year, month, day)) return null;
  return `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
}

/** Options are matched ignoring case (and Unicode composition); the option's own spelling is kept. */
export const optionFold = (text: string): string => text.normalize('NFC').toLowerCase();

const optionList = (options: readonly string[]): string => {
  const listed = options.slice(0, MAX_SHOWN_OPTIONS).map((option) => `'${option}'`);
  const more = options.length - listed.length;
  return more > 0 ? `${listed.join(', ')} and ${more} more` : listed.join(', ');
};

/**
 * A raw value (a JSON scalar, or a CSV cell's text) as a value of the field's type. `column` names
 * the JSON key or CSV column in the error; `format` says how dates and decimals are written. Blank
 * values (null, or text that is only whitespace) become null: what a blank does (ignore or clear)
 * is the caller's decision.
 *
 * - boolean: JSON true/false, JSON 1/0, or (trimmed, any case) true/false, t/f, yes/no, y/n, 1/0.
 * - number: a finite JSON number, or decimal text such as `-12.5`, `.5`, `1e3` (no thousands
 *   separators, hex, `NaN` or `Infinity`); with `decimal_separator` `,`, the same with a decimal
 *   comma (`-12,5`), and then text with a `.` is refused (`1.500` is 1500 where commas are
 *   decimal). Stored as a JavaScript number (a double).
 * - date: by default (`YYYY-MM-DD`) a real calendar date, or an ISO 8601 date-time (`T` or a space
 *   between date and time, optional seconds, fraction and offset), reduced to its date as written;
 *   with another `date_format`, text in exactly that format (see `dateInFormat`). Always stored as
 *   `YYYY-MM-DD`. Numbers (epoch times) and other formats are refused.
 * - string: any value; JSON numbers and booleans become their text; surrounding whitespace is trimmed.
 * - select: the trimmed text must be one of the options, compared ignoring case; the value stored
 *   is the option's own spelling (`RED` for options `Red`, `Blue` stores `Red`).
 */
export function coerceValue(
  field: Pick<Field, 'type' | 'options'>,
  raw: AttributeValue,
  column: string,
  format: ValueFormat = {},
): Coerced {
  if (raw === null) return { ok: true, value: null };
  const text = typeof raw === 'string' ? raw.trim() : String(raw);
  if (text === '') return { ok: true, value: null };

  switch (field.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      if (typeof raw === 'number') {
        if (raw === 1 || raw === 0) return { ok: true, value: raw === 1 };
        return invalid(column, raw, 'is not a boolean (true/false, yes/no, y/n, t/f or 1/0)');
      }
      const word = text.toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: true };
      if (FALSE_WORDS.has(word)) return { ok: true, value: false };
      return invalid(column, raw, 'is not a boolean (true/false, yes/no, y/n, t/f or 1/0)');
    }
    case 'number': {
      if (typeof raw === 'number') {
        return Number.isFinite(raw) ? { ok: true, value: raw } : invalid(column, raw, 'is not a number');
      }
      if (typeof raw === 'boolean') return invalid(column, raw, 'is not a number');
      const comma = format.decimal_separator === ',';
      if (!(comma ? DECIMAL_COMMA : DECIMAL).test(text)) {
        if (comma) return invalid(column, raw, 'is not a number with a decimal comma (like -12,5)');
        return DECIMAL_COMMA.test(text) && !THOUSANDS.test(text)
          ? invalid(column, raw, 'is not a number (for a decimal comma, give "decimal_separator": ",")')
          : invalid(column, raw, 'is not a number');
      }
      const value = Number(comma ? text.replace(',', '.') : text);
      return Number.isFinite(value)
        ? { ok: true, value }
        : invalid(column, raw, 'is not a number (it is out of range)');
    }
    case 'date': {
      const dateFormat = format.date_format ?? 'YYYY-MM-DD';
      const date = typeof raw === 'string' ? dateInFormat(text, dateFormat) : null;
      if (date !== null) return { ok: true, value: date };
      return dateFormat === 'YYYY-MM-DD'
        ? invalid(column, raw, 'is not a date (YYYY-MM-DD, or an ISO 8601 date-time)')
        : invalid(column, raw, `is not a date in ${dateFormat}`);
    }
    case 'string':
      return { ok: true, value: text };
    case 'select': {
      const options = field.options ?? [];
      if (options.includes(text)) return { ok: true, value: text };
      const folded = optionFold(text);
      const match = options.find((option) => optionFold(option) === folded);
      return match === undefined
        ? invalid(column, raw, `is not one of the options ${optionList(options)}`)
        : { ok: true, value: match };
    }
  }
}

/**
 * The type of a field made for a value that has none yet (create_missing_fields): JSON booleans
 * make boolean fields, JSON numbers number fields, and everything else string fields. Text is not
 * inspected: `"42"` or `"2024-01-01"` in a CSV could as well be an id or a code, and a wrong guess
 * would refuse the next file's values; a client who wants a number or date field creates it first.
 */
export function inferFieldType(raw: AttributeValue): FieldType {
  if (typeof raw === 'boolean') return 'boolean';
  if (typeof raw === 'number') return 'number';
  return 'string';
}
