import type { WorkQueue } from '../../../functions/core/ports.js';
import type { WorkMessage } from '../../../functions/core/types.js';

export interface AnalysisMessage {
  tenant_id: string;
  import_id: string;
}

/**
 * WorkQueue in memory: records what SqsWorkQueue would send (each message as its JSON body
 * carries it), so a test delivers it to the workers' use cases itself: once, twice, concurrently,
 * or not at all. `sent*` keep everything ever sent; `take*` hand out what was not delivered yet.
 */
export class MemoryWorkQueue implements WorkQueue {
  readonly sentChunks: WorkMessage[] = [];
  readonly sentAnalyses: AnalysisMessage[] = [];
  private readonly pendingChunks: WorkMessage[] = [];
  private readonly pendingAnalyses: AnalysisMessage[] = [];

  async enqueueChunks(messages: WorkMessage[]): Promise<void> {
    for (const message of messages) {
      this.sentChunks.push(JSON.parse(JSON.stringify(message)) as WorkMessage);
      this.pendingChunks.push(JSON.parse(JSON.stringify(message)) as WorkMessage);
    }
  }

  async enqueueAnalysis(ref: AnalysisMessage): Promise<void> {
    const body = JSON.stringify({ tenant_id: ref.tenant_id, import_id: ref.import_id });
    this.sentAnalyses.push(JSON.parse(body) as AnalysisMessage);
    this.pendingAnalyses.push(JSON.parse(body) as AnalysisMessage);
  }

  /** The chunk messages not delivered yet, in the order they were sent; they count as delivered. */
  takeChunks(): WorkMessage[] {
    return this.pendingChunks.splice(0);
  }

  /** The analysis messages not delivered yet; they count as delivered. */
  takeAnalyses(): AnalysisMessage[] {
    return this.pendingAnalyses.splice(0);
  }

  get pending(): number {
    return this.pendingChunks.length + this.pendingAnalyses.length;
  }
}
