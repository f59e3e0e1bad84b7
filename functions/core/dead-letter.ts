import { move } from './import-status.js';
import type { ProcessDeps } from './process-chunk.js';
import { processChunk } from './process-chunk.js';
import type { WorkMessage } from './types.js';

/**
 * A message that failed `maxReceiveCount` times. A chunk's rows become `unprocessed` (counted once,
 * like any chunk), so the import still reaches a final status; an analysis fails its import.
 */
export async function deadLetter(
  deps: ProcessDeps,
  message: WorkMessage | { tenant_id: string; import_id: string },
): Promise<void> {
  if ('action_id' in message) {
    await processChunk(deps, message, 'abandon');
    return;
  }
  const now = deps.clock.now();
  await deps.imports.update(
    message.tenant_id,
    message.import_id,
    ...move('analysis_failed', {
      error: {
        code: 'analysis_failed',
        message: 'Analysis failed repeatedly; the file could not be analyzed',
      },
      completed_at: now,
    }),
    now,
  );
}
