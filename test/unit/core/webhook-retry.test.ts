import {
  DEFAULT_RETRY_SCHEDULE,
  parseRetrySchedule,
  retryDelay,
  scheduleSpan,
  shouldDisable,
} from '../../../functions/core/webhook-retry.js';

describe('webhook retry schedule', () => {
  it('grows threefold from a minute, capped at six hours, and spans about a day', () => {
    expect(DEFAULT_RETRY_SCHEDULE).toEqual([60, 180, 540, 1620, 4860, 14580, 21600, 21600, 21600]);
    const hours = scheduleSpan(DEFAULT_RETRY_SCHEDULE) / 3600;
    expect(hours).toBeGreaterThan(22);
    expect(hours).toBeLessThan(26);
  });

  it('jitters each delay by up to a fifth either way', () => {
    expect(retryDelay(DEFAULT_RETRY_SCHEDULE, 0, 0)).toBe(48);
    expect(retryDelay(DEFAULT_RETRY_SCHEDULE, 0, 0.5)).toBe(60);
    expect(retryDelay(DEFAULT_RETRY_SCHEDULE, 0, 0.999999)).toBe(72);
    expect(retryDelay(DEFAULT_RETRY_SCHEDULE, 3, 0.5)).toBe(1620);
  });

  it('has no delay once the schedule is spent: the delivery fails', () => {
    expect(retryDelay(DEFAULT_RETRY_SCHEDULE, DEFAULT_RETRY_SCHEDULE.length, 0.5)).toBeNull();
    expect(retryDelay([1, 1], 2, 0.5)).toBeNull();
  });

  it('reads a schedule setting, and refuses one that is not whole seconds, naming the setting', () => {
    expect(parseRetrySchedule('1, 2,5', 'X')).toEqual([1, 2, 5]);
    expect(() => parseRetrySchedule('1,,2', 'INTAKE_WEBHOOK_RETRY_SCHEDULE')).toThrow(
      'INTAKE_WEBHOOK_RETRY_SCHEDULE',
    );
    expect(() => parseRetrySchedule('1.5', 'X')).toThrow('seconds');
    expect(() => parseRetrySchedule('-1', 'X')).toThrow();
  });

  it('disables a subscription failing for five days, not for less', () => {
    expect(shouldDisable('2024-05-01T00:00:00.000Z', '2024-05-05T23:59:59.000Z')).toBe(false);
    expect(shouldDisable('2024-05-01T00:00:00.000Z', '2024-05-06T00:00:00.000Z')).toBe(true);
    expect(shouldDisable(null, '2024-05-06T00:00:00.000Z')).toBe(false);
  });
});
