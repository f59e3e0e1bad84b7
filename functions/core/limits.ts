/** Limits of the service, stated once; the README's table repeats them. */
export const limits = {
  /** Rows per chunk: the unit a worker applies in one go (chunk geometry: chunks.ts). */
  chunkRows: 1000,
  /** Records in one inline JSON import (larger sets go through CSV upload). */
  maxJsonRecords: 10_000,
  /** A CSV file (the analyzer refuses larger ones). */
  maxFileBytes: 1024 * 1024 * 1024,
  /**
   * A CSV upload larger than this goes in parts: one presigned URL per part of this size (the last
   * part smaller). S3 needs parts of at least 5 MiB; emulators take at most about 11 MiB a request.
   */
  uploadPartBytes: 8 * 1024 * 1024,
  /** Rows in a CSV file. */
  maxFileRows: 1_000_000,
  /** Columns in a CSV file. */
  maxFileColumns: 200,
  /** One CSV cell, in UTF-8 bytes. */
  maxCellBytes: 32 * 1024,
  /**
   * A row's cells over maxCellBytes are kept for its line of the error file up to this many UTF-8
   * bytes in all (the ones past it are left empty there, and the row's error says so).
   */
  maxKeptOversizedBytes: 1024 * 1024,
  /** Row results per page. */
  maxPageSize: 1000,
  defaultPageSize: 100,
} as const;
