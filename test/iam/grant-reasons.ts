/**
 * Grants that no recorded call needed, each with the reason it stays (test/iam/iam-sufficiency.test.ts
 * fails on an unused grant missing here, and on an entry here no unused grant needs). `resource`
 * is a label: construct ids instead of ARNs (`Jobs/index/*`, `Files/*`, `*`); `functions` are
 * construct ids (ApiHandler, AnalyzeWorker, ...). Absent means any.
 */
export interface GrantReason {
  action: string;
  resource?: string;
  functions?: string[];
  reason: string;
}

export const GRANT_REASONS: GrantReason[] = [];
