import { importOfSourceKey } from '../../../functions/adapters/s3-source.store.js';
import {
  decodeS3Key,
  parseAnalyzeMessage,
  parseDeadLetter,
  parseImportRef,
} from '../../../functions/workers/messages.js';

/** An S3 event notification as S3 sends it to SQS (keys URL-encoded, `+` for spaces). */
const s3Event = (key: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'eu-west-1',
        eventTime: '2024-05-01T12:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
        requestParameters: { sourceIPAddress: '203.0.113.7' },
        responseElements: {
          'x-amz-request-id': 'C3D13FE58DE4C810',
          'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'IntakeUploads',
          bucket: {
            name: 'intake-files-abc',
            ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
            arn: 'arn:aws:s3:::intake-files-abc',
          },
          object: {
            key,
            size: 1234,
            eTag: 'd41d8cd98f00b204e9800998ecf8427e',
            sequencer: '0055AED6DCD90281E5',
          },
        },
        ...extra,
      },
    ],
  });

describe('analyze queue messages', () => {
  it('reads an analysis message as before', () => {
    expect(parseAnalyzeMessage('{"tenant_id":"acme","import_id":"imp_1"}', importOfSourceKey)).toEqual({
      kind: 'analysis',
      ref: { tenant_id: 'acme', import_id: 'imp_1' },
    });
    expect(parseImportRef('{"tenant_id":"acme","import_id":"imp_1"}')).toEqual({
      tenant_id: 'acme',
      import_id: 'imp_1',
    });
  });

  it('reads the import from the key of an S3 upload event', () => {
    expect(parseAnalyzeMessage(s3Event('uploads/acme/imp_01HXYZ/source.csv'), importOfSourceKey)).toEqual({
      kind: 'upload',
      uploads: [
        {
          tenant_id: 'acme',
          import_id: 'imp_01HXYZ',
          bucket: 'intake-files-abc',
          key: 'uploads/acme/imp_01HXYZ/source.csv',
          size: 1234,
        },
      ],
      ignored: [],
    });
  });

  it('decodes URL-encoded keys, with + for a space', () => {
    expect(decodeS3Key('uploads/a+b/c%2Bd%C3%A9/source.csv')).toBe('uploads/a b/c+dé/source.csv');
    expect(decodeS3Key('uploads/%E0%A4%A/source.csv')).toBeNull();
    const message = parseAnalyzeMessage(s3Event('uploads/acme/imp%5F01/source.csv'), importOfSourceKey);
    expect(message).toMatchObject({
      kind: 'upload',
      uploads: [{ tenant_id: 'acme', import_id: 'imp_01', key: 'uploads/acme/imp_01/source.csv' }],
    });
  });

  it('takes the minimal S3 record shape (no eventName, no size)', () => {
    const body = JSON.stringify({
      Records: [
        {
          eventSource: 'aws:s3',
          s3: { bucket: { name: 'b' }, object: { key: 'uploads/t1/imp_2/source.csv' } },
        },
      ],
    });
    expect(parseAnalyzeMessage(body, importOfSourceKey)).toEqual({
      kind: 'upload',
      uploads: [
        { tenant_id: 't1', import_id: 'imp_2', bucket: 'b', key: 'uploads/t1/imp_2/source.csv', size: null },
      ],
      ignored: [],
    });
  });

  it('reports keys that are not an import source as ignored instead of failing', () => {
    for (const key of [
      'uploads/acme/imp_1/notes.csv',
      'uploads/acme/imp_1/source.csv.csv',
      'uploads/acme/source.csv',
      'uploads/acme/imp_1/nested/source.csv',
      'uploads//imp_1/source.csv',
      'uploads/acme/imp_1/source.ndjson',
      'results/acme/imp_1/source.csv',
      'uploads/a+b/my+file.csv',
      'uploads/%E0%A4%A/source.csv',
    ]) {
      const message = parseAnalyzeMessage(s3Event(key), importOfSourceKey);
      expect({ key, message }).toEqual({
        key,
        message: {
          kind: 'upload',
          uploads: [],
          ignored: [expect.objectContaining({ bucket: 'intake-files-abc', reason: expect.any(String) })],
        },
      });
    }
    expect(parseAnalyzeMessage(s3Event('uploads/a+b/my+file.csv'), importOfSourceKey)).toMatchObject({
      ignored: [{ key: 'uploads/a b/my file.csv' }],
    });
  });

  it('ignores records that are not object creations from S3', () => {
    const removed = parseAnalyzeMessage(
      s3Event('uploads/acme/imp_1/source.csv', { eventName: 'ObjectRemoved:Delete' }),
      importOfSourceKey,
    );
    expect(removed).toMatchObject({
      uploads: [],
      ignored: [{ reason: expect.stringContaining('ObjectRemoved') }],
    });
    const other = parseAnalyzeMessage(
      JSON.stringify({ Records: [{ eventSource: 'aws:sns' }, null] }),
      importOfSourceKey,
    );
    expect(other).toMatchObject({ uploads: [], ignored: [{ key: null }, { key: null }] });
  });

  it('keeps the uploads and reports the others when an event holds several records', () => {
    const first = JSON.parse(s3Event('uploads/acme/imp_1/source.csv')).Records[0];
    const second = JSON.parse(s3Event('uploads/acme/imp_1/other.csv')).Records[0];
    const message = parseAnalyzeMessage(JSON.stringify({ Records: [first, second] }), importOfSourceKey);
    expect(message).toMatchObject({
      kind: 'upload',
      uploads: [{ import_id: 'imp_1' }],
      ignored: [{ key: 'uploads/acme/imp_1/other.csv' }],
    });
  });

  it("recognizes S3's test event", () => {
    const body = JSON.stringify({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: '2024-05-01T12:00:00.000Z',
      Bucket: 'intake-files-abc',
      RequestId: '5582815E1AEA5ADF',
      HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE',
    });
    expect(parseAnalyzeMessage(body, importOfSourceKey)).toEqual({ kind: 's3_test_event' });
  });

  it('throws on anything else: a poison message', () => {
    expect(() => parseAnalyzeMessage('not json', importOfSourceKey)).toThrow();
    expect(() => parseAnalyzeMessage('{"tenant_id":"acme"}', importOfSourceKey)).toThrow(
      'Malformed analysis',
    );
    expect(() => parseAnalyzeMessage('{"Event":"s3:ObjectCreated:Put"}', importOfSourceKey)).toThrow(
      'Malformed analysis',
    );
    expect(() => parseAnalyzeMessage('[]', importOfSourceKey)).toThrow('Malformed analysis');
  });
});

describe('dead letters', () => {
  it('names the work to repair: a chunk, an analysis, or the imports of an upload event', () => {
    expect(
      parseDeadLetter('{"tenant_id":"t","import_id":"i","action_id":"a","chunk":2}', importOfSourceKey),
    ).toEqual([{ tenant_id: 't', import_id: 'i', action_id: 'a', chunk: 2 }]);
    expect(parseDeadLetter('{"tenant_id":"t","import_id":"i"}', importOfSourceKey)).toEqual([
      { tenant_id: 't', import_id: 'i' },
    ]);
    expect(parseDeadLetter(s3Event('uploads/t/imp_9/source.csv'), importOfSourceKey)).toEqual([
      { tenant_id: 't', import_id: 'imp_9' },
    ]);
    expect(parseDeadLetter(s3Event('uploads/t/imp_9/notes.csv'), importOfSourceKey)).toEqual([]);
    expect(parseDeadLetter('{"Event":"s3:TestEvent"}', importOfSourceKey)).toEqual([]);
  });

  it('is null for an unreadable message', () => {
    expect(parseDeadLetter('poison', importOfSourceKey)).toBeNull();
    expect(parseDeadLetter('null', importOfSourceKey)).toBeNull();
    expect(
      parseDeadLetter('{"tenant_id":"t","import_id":"i","action_id":"a"}', importOfSourceKey),
    ).toBeNull();
  });
});
