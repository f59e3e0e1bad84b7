import type { WorkMessage } from '../core/types.js';

const fail = (what: string): never => {
  throw new Error(`Malformed ${what} message`);
};

/** Parses a chunk message body; a malformed one is a poison message and throws. */
export function parseWorkMessage(body: string): WorkMessage {
  const value = JSON.parse(body) as Partial<WorkMessage>;
  if (
    typeof value.tenant_id !== 'string' ||
    typeof value.import_id !== 'string' ||
    typeof value.action_id !== 'string' ||
    typeof value.chunk !== 'number' ||
    !Number.isInteger(value.chunk)
  ) {
    return fail('chunk (tenant_id, import_id, action_id and an integer chunk)');
  }
  return {
    tenant_id: value.tenant_id,
    import_id: value.import_id,
    action_id: value.action_id,
    chunk: value.chunk,
  };
}

/** Parses an analysis message: `{tenant_id, import_id}`. */
export function parseImportRef(body: string): { tenant_id: string; import_id: string } {
  const value = JSON.parse(body) as { tenant_id?: unknown; import_id?: unknown };
  if (typeof value.tenant_id !== 'string' || typeof value.import_id !== 'string') {
    return fail('analysis (tenant_id, import_id)');
  }
  return { tenant_id: value.tenant_id, import_id: value.import_id };
}

/** A dead letter: a chunk message or an analysis message; null when it is neither. */
export function parseDeadLetter(body: string): WorkMessage | { tenant_id: string; import_id: string } | null {
  try {
    const value = JSON.parse(body) as Record<string, unknown>;
    return 'action_id' in value ? parseWorkMessage(body) : parseImportRef(body);
  } catch {
    return null;
  }
}
