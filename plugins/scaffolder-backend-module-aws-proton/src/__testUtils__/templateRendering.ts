import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';

/** The repository's `templates/scaffolder` folder. */
export const SOFTWARE_TEMPLATES = path.resolve(
  __dirname,
  '../../../../templates/scaffolder',
);

/** Reads a software template of `templates/scaffolder`. */
export function readSoftwareTemplate(name: string): any {
  return yaml.parse(
    fs.readFileSync(
      path.join(SOFTWARE_TEMPLATES, name, 'template.yaml'),
      'utf8',
    ),
  );
}

function lookup(expression: string, scope: Record<string, unknown>): unknown {
  return expression
    .trim()
    .split('.')
    .reduce<any>(
      (value, key) => (value === undefined ? undefined : value[key]),
      scope,
    );
}

const WHOLE = /^\$\{\{([^}]+)\}\}$/;
const PART = /\$\{\{([^}]+)\}\}/g;

/**
 * Renders `${{ a.b }}` expressions the way the scaffolder does for plain paths: a string that is
 * one expression becomes the value itself (an object stays an object), expressions inside a longer
 * string are replaced by their text. Filters and other nunjucks syntax are not supported.
 */
export function renderTemplateValue(
  value: unknown,
  scope: Record<string, unknown>,
): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole) return lookup(whole[1], scope);
    return value.replace(PART, (_, expression) =>
      String(lookup(expression, scope) ?? ''),
    );
  }
  if (Array.isArray(value))
    return value.map(item => renderTemplateValue(item, scope));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .map(([key, item]) => [key, renderTemplateValue(item, scope)])
        .filter(([, item]) => item !== undefined),
    );
  }
  return value;
}
