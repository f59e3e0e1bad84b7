import { createCsvImport, startAnalysis, uploadFile } from '../../../functions/core/create-import.js';
import { ConflictError } from '../../../functions/core/errors.js';
import { limits } from '../../../functions/core/limits.js';
import { deliverAll } from '../../helpers/in-memory/deliver.js';
import { readImport, TENANT } from '../../helpers/in-memory/import-runs.js';
import { memoryDeps } from '../../helpers/in-memory/memory-deps.js';

/** Starting a CSV import's analysis: a file in one piece, or in parts, through the in-memory source store. */

/** A CSV just over one upload part: 300 people with a long note each. */
function largeCsv(): Uint8Array {
  const note = 'x'.repeat(30_000);
  const lines = ['Email,Note', ...Array.from({ length: 300 }, (_, i) => `p${i}@x.io,${note}`), ''];
  const bytes = new TextEncoder().encode(lines.join('\n'));
  expect(bytes.length).toBeGreaterThan(limits.uploadPartBytes);
  return bytes;
}

describe('startAnalysis', () => {
  it('assembles a file uploaded in parts, then analyzes it', async () => {
    const deps = memoryDeps();
    const csv = largeCsv();
    const { item, upload } = await createCsvImport(deps, {
      tenantId: TENANT,
      workspace: 'w1',
      size: csv.length,
      options: { dry_run: true },
    });
    expect(upload.parts?.map((p) => p.part_number)).toEqual([1, 2]);
    const multipart = item.upload?.multipart_id ?? '';
    const etags = [
      deps.sources.uploadPart(multipart, 1, csv.slice(0, limits.uploadPartBytes)),
      deps.sources.uploadPart(multipart, 2, csv.slice(limits.uploadPartBytes)),
    ];

    await expect(startAnalysis(deps, item, [{ part_number: 1, etag: etags[0] ?? '' }])).rejects.toMatchObject(
      {
        code: 'upload_incomplete',
        message: expect.stringContaining('part 2 of 2 not listed as uploaded'),
      },
    );
    expect((await readImport(deps, item.id)).status).toBe('awaiting_upload');
    const parts = etags.map((etag, i) => ({ part_number: i + 1, etag }));
    expect((await startAnalysis(deps, item, parts)).status).toBe('analyzing');
    await deliverAll(deps);

    expect(await readImport(deps, item.id)).toMatchObject({
      status: 'ready',
      total_rows: 300,
      review: expect.objectContaining({ created: 300, invalid: 0 }),
    });
  });

  it('refuses to analyze before the file is uploaded, and goes back to awaiting it', async () => {
    const deps = memoryDeps();
    const { item } = await createCsvImport(deps, { tenantId: TENANT, workspace: 'w1' });

    const refused = startAnalysis(deps, item);

    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({ code: 'upload_missing' });
    expect((await readImport(deps, item.id)).status).toBe('awaiting_upload');
    expect(deps.queue.sentAnalyses).toEqual([]);
  });

  it('analyzes a file sent in the request at once, and refuses a second one', async () => {
    const deps = memoryDeps();
    const { item } = await createCsvImport(deps, { tenantId: TENANT, workspace: 'w1' });

    await uploadFile(deps, TENANT, item.id, new TextEncoder().encode('email\na@x.io\n'));
    await deliverAll(deps);

    expect(await readImport(deps, item.id)).toMatchObject({ status: 'completed', total_rows: 1 });
    await expect(uploadFile(deps, TENANT, item.id, new Uint8Array())).rejects.toMatchObject({
      code: 'invalid_state',
    });
  });
});
