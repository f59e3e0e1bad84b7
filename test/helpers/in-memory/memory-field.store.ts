import { FieldExistsError } from '../../../functions/core/errors.js';
import { type Field, type FieldSpec, fieldFromSpec } from '../../../functions/core/fields.js';
import type { FieldStore } from '../../../functions/core/ports.js';

/**
 * FieldStore in memory, with DynamoFieldStore's contract: ids count up per tenant, a key is unique
 * per workspace (creating it again throws FieldExistsError), `ensure` returns existing fields as
 * they are and creates the others. Everything read is a copy.
 */
export class MemoryFieldStore implements FieldStore {
  readonly fields = new Map<string, Field>();
  private readonly lastIds = new Map<string, number>();

  constructor(private readonly now: () => string = () => '2024-01-01T00:00:00.000Z') {}

  private slot = (tenantId: string, workspace: string, key: string) => `${tenantId}/${workspace}/${key}`;

  async list(tenantId: string, workspace: string): Promise<Field[]> {
    return [...this.fields.entries()]
      .filter(([slot]) => slot.startsWith(`${tenantId}/${workspace}/`))
      .map(([, field]) => structuredClone(field))
      .sort((a, b) => a.id - b.id);
  }

  async get(tenantId: string, workspace: string, key: string): Promise<Field | null> {
    const field = this.fields.get(this.slot(tenantId, workspace, key));
    return field === undefined ? null : structuredClone(field);
  }

  async getById(tenantId: string, workspace: string, id: number): Promise<Field | null> {
    return (await this.list(tenantId, workspace)).find((field) => field.id === id) ?? null;
  }

  async create(tenantId: string, workspace: string, spec: FieldSpec): Promise<Field> {
    // The id is drawn first, as the adapter's counter does: a key that exists leaves a gap.
    const id = (this.lastIds.get(tenantId) ?? 0) + 1;
    this.lastIds.set(tenantId, id);
    const slot = this.slot(tenantId, workspace, spec.key);
    if (this.fields.has(slot)) throw new FieldExistsError(workspace, spec.key);
    const field = fieldFromSpec(spec, { id, workspace, now: this.now() });
    this.fields.set(slot, field);
    return structuredClone(field);
  }

  async ensure(tenantId: string, workspace: string, specs: FieldSpec[]): Promise<Field[]> {
    const wanted = new Map<string, FieldSpec>();
    for (const spec of specs) if (!wanted.has(spec.key)) wanted.set(spec.key, spec);
    const found = new Map<string, Field>();
    for (const key of wanted.keys()) {
      const field = await this.get(tenantId, workspace, key);
      if (field !== null) found.set(key, field);
    }
    for (const spec of wanted.values()) {
      if (found.has(spec.key)) continue;
      // Another caller may have created it since it was looked up: theirs is the field.
      try {
        found.set(spec.key, await this.create(tenantId, workspace, spec));
      } catch (error) {
        const winner = await this.get(tenantId, workspace, spec.key);
        if (!(error instanceof FieldExistsError) || winner === null) throw error;
        found.set(spec.key, winner);
      }
    }
    return specs.map((spec) => {
      const field = found.get(spec.key);
      if (field === undefined) throw new Error(`Field '${spec.key}' was neither found nor created`);
      return field;
    });
  }
}
