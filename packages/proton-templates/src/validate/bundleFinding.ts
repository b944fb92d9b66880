import { compareCodeUnits } from '../bundle/bundleFiles';

/**
 * One finding of `validateBundle`: an error makes the bundle unusable, a warning is worth fixing,
 * info explains the limits of a check.
 *
 * @public
 */
export interface BundleFinding {
  severity: 'error' | 'warning' | 'info';
  /** The file or folder concerned, relative to the bundle, `<file>:<line>` when known; `.` for the bundle. */
  path: string;
  message: string;
}

/**
 * Formats findings one per line, `<severity> <path>: <message>`, errors first then by path.
 *
 * @public
 */
export function formatFindings(findings: BundleFinding[]): string[] {
  const rank = { error: 0, warning: 1, info: 2 };
  return [...findings]
    .sort(
      (a, b) =>
        rank[a.severity] - rank[b.severity] || compareCodeUnits(a.path, b.path),
    )
    .map(f => `${f.severity.padEnd(7)} ${f.path}: ${f.message}`);
}
