import { proposeStructure as proposeEngineStructure } from '../../core/structure.js';
import type { ColumnRole } from '../../core/types.js';
import type { ColumnType, LlStructure } from './registry.js';
import { fitStructure } from './structure.js';

/** The structure a new upload gets when its model has none that fits: an earlier one, or a proposal. */

const squash = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');
const NAME_HEADERS = new Set(['name', 'fullname', 'displayname', 'personaname']);

/** The column type a header gets from the engine's proposal. */
function proposedType(role: ColumnRole | undefined): ColumnType | '' {
  if (role === undefined || role.role === 'ignore') return '';
  if (role.role === 'identifier') {
    if (role.kind === 'email' || role.kind === 'mbox') return 'COLUMN_MBOX';
    if (role.kind === 'mbox_sha1sum') return 'COLUMN_MBOXSHA1SUM';
    if (role.kind === 'openid') return 'COLUMN_OPENID';
  }
  // Other identifiers (external ids...) and person fields are kept as persona attributes.
  return 'COLUMN_ATTRIBUTE_DATA';
}

/**
 * A structure proposed from the headers alone: `Name`/`Full Name` is the persona's name, email-like
 * headers `COLUMN_MBOX`, `mbox_sha1sum` and `openid` those identifiers, the rest attributes.
 */
export function proposeStructure(headers: string[]): LlStructure {
  const engine = proposeEngineStructure(headers);
  const structure: LlStructure = {};
  let named = false;
  for (const header of headers) {
    const isName: boolean = !named && NAME_HEADERS.has(squash(header));
    named ||= isName;
    structure[header] = {
      columnName: header,
      columnType: isName ? 'COLUMN_NAME' : proposedType(engine[header]),
      relatedColumn: '',
      primary: null,
    };
  }
  return structure;
}

export interface EarlierImport {
  organisation: string;
  csv_headers: string[];
  structure: LlStructure;
  /** Whether it was processed (its structure then passed validation). */
  processed: boolean;
  updated_at: string;
}

/**
 * The structure of an earlier processed import of the organisation whose headers are all among
 * the new file's (the one with the most headers, then the latest), fitted to the new headers.
 * Learning Locker proposes structures the same way.
 */
export function structureFromEarlier(
  earlier: EarlierImport[],
  organisation: string,
  headers: string[],
): LlStructure | null {
  const known = new Set(headers);
  const candidates = earlier
    .filter(
      (e) =>
        e.processed &&
        e.organisation === organisation &&
        e.csv_headers.length > 0 &&
        e.csv_headers.every((h) => known.has(h)),
    )
    .sort((a, b) => b.csv_headers.length - a.csv_headers.length || b.updated_at.localeCompare(a.updated_at));
  for (const candidate of candidates) {
    const fitted = fitStructure(candidate.structure, headers);
    if (fitted !== null) return fitted;
  }
  return null;
}
