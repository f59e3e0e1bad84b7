/**
 * Names that would reach an object's prototype when used as a property name: refused as CSV
 * headers, Learning Locker columns, field names and demographic categories.
 */
export const RESERVED_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

const reserved: ReadonlySet<string> = new Set(RESERVED_KEYS);

export const isReservedKey = (name: string): boolean => reserved.has(name);
