import type {
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotencyStore,
  StoredResponse,
} from '../../../functions/core/ports.js';

type Held = IdempotencyRecord & { token: string; expiresAt: number };

/**
 * IdempotencyStore in memory, with DynamoIdempotencyStore's contract: a key is claimed when no
 * live record holds it (none, expired, or in progress past its lock), records are per tenant, and
 * only the claim that holds a record completes or releases it.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly records = new Map<string, Held>();

  private static id(claim: IdempotencyClaim): string {
    return `${claim.tenantId}#${claim.keyHash}`;
  }

  async claim(claim: IdempotencyClaim): Promise<IdempotencyRecord | null> {
    const held = this.records.get(MemoryIdempotencyStore.id(claim));
    const free =
      held === undefined ||
      held.expiresAt < claim.now ||
      (held.status === 'in_progress' && held.lockedUntil < claim.now);
    if (!free) {
      const { token: _token, expiresAt: _expiresAt, ...record } = held;
      return record;
    }
    this.records.set(MemoryIdempotencyStore.id(claim), {
      status: 'in_progress',
      requestHash: claim.requestHash,
      lockedUntil: claim.lockedUntil,
      token: claim.token,
      expiresAt: claim.expiresAt,
    });
    return null;
  }

  async complete(claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
    const held = this.records.get(MemoryIdempotencyStore.id(claim));
    if (held?.token !== claim.token)
      throw new Error('ConditionalCheckFailed: the claim no longer holds the key');
    this.records.set(MemoryIdempotencyStore.id(claim), {
      status: 'completed',
      requestHash: held.requestHash,
      response: structuredClone(response),
      token: held.token,
      expiresAt: held.expiresAt,
    });
  }

  async release(claim: IdempotencyClaim): Promise<void> {
    if (this.records.get(MemoryIdempotencyStore.id(claim))?.token === claim.token) {
      this.records.delete(MemoryIdempotencyStore.id(claim));
    }
  }
}
