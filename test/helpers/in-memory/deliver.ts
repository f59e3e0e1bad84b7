import { analyzeImport } from '../../../functions/core/analyze.js';
import { processChunk } from '../../../functions/core/process-chunk.js';
import type { MemoryDeps } from './memory-deps.js';

/**
 * Delivers the queued messages to the use cases the SQS workers run (analysis messages to
 * `analyzeImport`, chunk messages to `processChunk`), one at a time, until the queue is empty:
 * what the deployed workers do when nothing fails.
 */
export async function deliverAll(deps: MemoryDeps): Promise<void> {
  while (deps.queue.pending > 0) {
    for (const ref of deps.queue.takeAnalyses()) await analyzeImport(deps, ref);
    for (const message of deps.queue.takeChunks()) await processChunk(deps, message);
  }
}

/** Delivers the queued analysis messages only; chunk messages stay queued. */
export async function deliverAnalyses(deps: MemoryDeps): Promise<void> {
  for (const ref of deps.queue.takeAnalyses()) await analyzeImport(deps, ref);
}
