import { LastRowIndex } from '../../../functions/core/identity-index.js';

describe('LastRowIndex', () => {
  it('remembers the last row of each key, across growth', () => {
    const index = new LastRowIndex();
    for (let row = 1; row <= 200_000; row++) index.set(`email:user${row % 70_000}@x.io`, row);

    expect(index.size).toBe(70_000);
    expect(index.last('email:user1@x.io')).toBe(140_001);
    expect(index.last('email:user0@x.io')).toBe(140_000);
    expect(index.last('email:user69999@x.io')).toBe(139_999);
    expect(index.last('email:nobody@x.io')).toBeUndefined();
  });

  it('holds 400,000 keys in under 13 MB: 12 bytes a slot, at most twice as many slots as keys', () => {
    const index = new LastRowIndex();
    for (let row = 1; row <= 400_000; row++) index.set(`external_id:e-${row}`, row);

    expect(index.size).toBe(400_000);
    expect(index.last('external_id:e-277777')).toBe(277_777);
    expect(index.bytes).toBeLessThanOrEqual(12 * 2 ** 20);
  });

  it('spreads keys evenly over its 64 segments, which grow one at a time', () => {
    const index = new LastRowIndex();
    for (let row = 1; row <= 48_000; row++) index.set(`email:p${row}@example.com`, row);

    // About 750 keys a segment: every one grew once, to 2,048 slots, and none further.
    expect(index.bytes).toBe(64 * 2048 * 12);
    expect(index.last('email:p1@example.com')).toBe(1);
    expect(index.last('email:p48000@example.com')).toBe(48_000);
  });

  it('tells whether any key was set by two different rows (else no row is superseded)', () => {
    const index = new LastRowIndex();
    index.set('email:a@x.io', 1);
    index.set('email:a@x.io', 1);
    index.set('email:b@x.io', 2);
    const before = index.repeated;
    index.set('email:a@x.io', 3);

    expect(before).toBe(false);
    expect(index.repeated).toBe(true);
  });
});
