import type { IntakeEvent } from '../../../functions/core/events.js';
import type { EventPublisher } from '../../../functions/core/ports.js';

/** EventPublisher in memory: every event published, in order, as its JSON carries it. */
export class MemoryEventPublisher implements EventPublisher {
  readonly events: IntakeEvent[] = [];

  async publish(event: IntakeEvent): Promise<void> {
    this.events.push(JSON.parse(JSON.stringify(event)) as IntakeEvent);
  }

  /** The types published about one import, in order. */
  typesOf(importId: string): string[] {
    return this.events.filter((event) => event.data.import_id === importId).map((event) => event.type);
  }
}
