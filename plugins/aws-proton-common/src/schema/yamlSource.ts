import { isNode, LineCounter, parseDocument } from 'yaml';
import { formatPath, PathSegment, ProtonValidationIssue } from './issues';

/** A problem found while reading a document, with its path as segments. */
export interface RawIssue {
  segments: PathSegment[];
  message: string;
}

/** YAML text loaded into plain data, with a way to find where a path is in the text. */
export interface YamlSource {
  /** The document as plain data; undefined when the text could not be parsed. */
  value: unknown;
  /** Syntax errors, with their lines. */
  errors: ProtonValidationIssue[];
  /** Turns raw issues into issues with formatted paths and, where found, lines and columns. */
  locate(issues: RawIssue[]): ProtonValidationIssue[];
}

/** Whether a value is a YAML mapping / JSON object (not an array, not null). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an own property only, so that keys such as `constructor` never reach the prototype. */
export function ownValue(value: unknown, key: string): unknown {
  return isMapping(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** Deep-copies plain data (mappings, arrays, scalars), with own data properties only. */
export function cloneData<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map(item => cloneData(item)) as T;
  }
  if (isMapping(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, cloneData(item)]),
    ) as T;
  }
  return value;
}

/**
 * Parses YAML (or JSON) text as a single YAML 1.2 document. Duplicate keys are errors, aliases are
 * limited to keep "billion laughs" documents out.
 */
export function loadYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const errors: ProtonValidationIssue[] = doc.errors.map(error => ({
    path: '',
    message: `invalid YAML: ${error.message.split('\n')[0]}`,
    ...position(error.pos[0]),
  }));
  let value: unknown = undefined;
  if (errors.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      errors.push({
        path: '',
        message: `invalid YAML: ${(error as Error).message}`,
      });
    }
  }
  const locate = (issues: RawIssue[]): ProtonValidationIssue[] =>
    issues.map(({ segments, message }) => {
      const issue: ProtonValidationIssue = {
        path: formatPath(segments),
        message,
      };
      // The nearest node that exists: a missing key is reported at its parent mapping.
      for (let depth = segments.length; depth >= 0; depth--) {
        const node = doc.getIn(segments.slice(0, depth), true);
        if (isNode(node) && node.range) {
          return { ...issue, ...position(node.range[0]) };
        }
      }
      return issue;
    });
  return { value, errors, locate };
}
