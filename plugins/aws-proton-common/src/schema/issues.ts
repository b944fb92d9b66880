/**
 * One problem found in a Proton schema, a spec or a comparison of two schemas.
 *
 * @public
 */
export interface ProtonValidationIssue {
  /**
   * Where the problem is, in dotted/bracket form: `schema.types.ServiceInput.properties.port.type`,
   * `instances[1].spec.port`, `pipeline.dockerfile`. Empty when the problem concerns the whole document.
   */
  path: string;
  /**
   * What is wrong, in words, phrased to follow the path: `must be <= 65535`; for a value that does
   * not match its input's pattern, the input's description says what is expected
   * (`is not in the expected form: IPv4 range of the VPC, from /16 to /24, for example 10.0.0.0/16`).
   */
  message: string;
  /**
   * The rule behind the message, for readers who want it (`pattern ^[a-z]+$`); shown after the
   * message by {@link formatValidationIssue}, and only as a detail in forms.
   */
  detail?: string;
  /** The 1-based line in the YAML text, when the issue comes from parsing text. */
  line?: number;
  /** The 1-based column in the YAML text, when the issue comes from parsing text. */
  column?: number;
}

/** A step in a path: a mapping key or an array index. */
export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * Appends a mapping key to a dotted path; keys that are not plain identifiers are quoted: `a["b.c"]`.
 */
export function appendKey(path: string, key: string): string {
  if (!PLAIN_KEY.test(key)) {
    return `${path}[${JSON.stringify(key)}]`;
  }
  return path ? `${path}.${key}` : key;
}

/** Appends an array index to a dotted path: `instances[1]`. */
export function appendIndex(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** Formats path segments as `instances[1].spec.port`. */
export function formatPath(segments: readonly PathSegment[]): string {
  return segments.reduce<string>(
    (path, segment) =>
      typeof segment === 'number'
        ? appendIndex(path, segment)
        : appendKey(path, segment),
    '',
  );
}

/** Joins a path prefix and a path relative to it. */
export function joinPaths(prefix: string, path: string): string {
  if (!prefix) {
    return path;
  }
  if (!path) {
    return prefix;
  }
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/**
 * Formats one issue as a line of text: its path, its message, its detail in parentheses, and its
 * line and column when it has them, for example
 * `instances[1].spec.path: is not in the expected form (pattern ^/[a-z]*$)`.
 *
 * @public
 */
export function formatValidationIssue(issue: ProtonValidationIssue): string {
  const detail = issue.detail ? ` (${issue.detail})` : '';
  const where = issue.line
    ? ` (line ${issue.line}${issue.column ? `, column ${issue.column}` : ''})`
    : '';
  return issue.path
    ? `${issue.path}: ${issue.message}${detail}${where}`
    : `${issue.message}${detail}${where}`;
}

/**
 * Formats issues as one readable multi-line message, one issue per line:
 *
 * ```
 * 2 problems in the spec:
 *   - instances[1].spec.port: must be <= 65535
 *   - pipeline.dockerfile: is required
 * ```
 *
 * @param errors - the issues to format, for example `result.errors` of {@link validateServiceSpec}
 * @param subject - what the issues are about; `the spec` unless given
 * @returns the message, or an empty string when there are no issues
 * @public
 */
export function formatSpecErrors(
  errors: readonly ProtonValidationIssue[],
  subject: string = 'the spec',
): string {
  if (errors.length === 0) {
    return '';
  }
  const heading =
    errors.length === 1
      ? `1 problem in ${subject}:`
      : `${errors.length} problems in ${subject}:`;
  return [
    heading,
    ...errors.map(issue => `  - ${formatValidationIssue(issue)}`),
  ].join('\n');
}

/**
 * Raised when a Proton `schema.yaml` is not valid, or when a schema cannot be used the way it was
 * asked to (for example environment inputs of a service template). `issues` lists every problem.
 *
 * @public
 */
export class ProtonSchemaError extends Error {
  /** Every problem found, each with its path. */
  readonly issues: ProtonValidationIssue[];
  /** Problems that do not make the schema invalid on their own. */
  readonly warnings: ProtonValidationIssue[];

  constructor(
    issues: ProtonValidationIssue[],
    warnings: ProtonValidationIssue[] = [],
  ) {
    super(formatSpecErrors(issues, 'the Proton schema'));
    this.name = 'ProtonSchemaError';
    this.issues = issues;
    this.warnings = warnings;
  }
}

/**
 * Raised when a Proton spec (`proton: ServiceSpec` or `proton: EnvironmentSpec`) cannot be read or
 * built, or when `${Proton::CURRENT_VAL}` has no current value. `issues` lists every problem.
 *
 * @public
 */
export class ProtonSpecError extends Error {
  /** Every problem found, each with its path. */
  readonly issues: ProtonValidationIssue[];

  constructor(issues: ProtonValidationIssue[]) {
    super(formatSpecErrors(issues, 'the Proton spec'));
    this.name = 'ProtonSpecError';
    this.issues = issues;
  }
}
