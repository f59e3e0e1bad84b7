import { DYNAMO_KEY_LIMITS, keys, partitionKey, primaryKey } from '../../../functions/adapters/keys.js';
import { ValidationError } from '../../../functions/core/errors.js';
import { learningLockerKeys } from '../../../functions/surfaces/learninglocker/registry.dynamo.js';
import { contactKey } from '../../../functions/surfaces/mpdx/registry.dynamo.js';

describe('DynamoDB keys', () => {
  it('builds keys up to DynamoDB limits, counted in UTF-8 bytes', () => {
    const pk = 'é'.repeat(DYNAMO_KEY_LIMITS.partitionKeyBytes / 2);
    const sk = '€'.repeat(Math.floor(DYNAMO_KEY_LIMITS.sortKeyBytes / 3));

    expect(primaryKey(pk, sk)).toEqual({ pk, sk });
    expect(partitionKey(pk)).toBe(pk);
  });

  it('refuses a key over DynamoDB limits before any request can carry it', () => {
    const long = 'é'.repeat(DYNAMO_KEY_LIMITS.partitionKeyBytes / 2);

    expect(() => partitionKey(`${long}a`)).toThrow(ValidationError);
    expect(() => primaryKey('pk', 'a'.repeat(DYNAMO_KEY_LIMITS.sortKeyBytes + 1))).toThrow(
      expect.objectContaining({ code: 'identifier_too_long' }),
    );
  });

  it('checks every key built from a client-chosen string: engine, MPDX and Learning Locker', () => {
    const id = 'x'.repeat(3000);

    for (const build of [
      () => keys.import('t', id),
      () => keys.person('t', id),
      () => keys.action('t', 'imp', id),
      () => keys.identity('t', 'ws', `external_id:${id}`),
      () => keys.peopleOfWorkspace('t', id, 0),
      () => keys.importsOfWorkspace('t', id),
      () => contactKey('t', id),
      () => learningLockerKeys.personasImport('t', id),
    ]) {
      expect(build).toThrow(ValidationError);
    }
  });
});
