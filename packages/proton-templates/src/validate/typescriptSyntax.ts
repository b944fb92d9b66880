import ts from 'typescript';

/** The expression under parentheses, type assertions, `!`, `satisfies` and `await`. */
export function unwrap(node: ts.Expression): ts.Expression {
  let current = node;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isNonNullExpression(current) ||
    ts.isSatisfiesExpression(current) ||
    ts.isTypeAssertionExpression(current) ||
    ts.isAwaitExpression(current)
  ) {
    current = current.expression;
  }
  return current;
}

/** The key of a literal element access (`inputs["port"]`, `` inputs[`port`] ``). */
export function literalKey(node: ts.Expression): string | undefined {
  const key = unwrap(node);
  return ts.isStringLiteralLike(key) || ts.isNumericLiteral(key)
    ? key.text
    : undefined;
}

/** The text of a property name that is not computed. */
export function propertyNameText(
  name: ts.PropertyName | undefined,
): string | undefined {
  if (!name) return undefined;
  if (
    ts.isIdentifier(name) ||
    ts.isStringLiteralLike(name) ||
    ts.isNumericLiteral(name)
  ) {
    return name.text;
  }
  return undefined;
}

/** A compiler host serving the given sources only: no lib, no module resolution, no disk access. */
export function inMemoryHost(
  sources: Map<string, ts.SourceFile>,
): ts.CompilerHost {
  return {
    getSourceFile: name => sources.get(name),
    getDefaultLibFileName: () => 'lib.d.ts',
    writeFile: () => {},
    getCurrentDirectory: () => '/',
    getCanonicalFileName: name => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: name => sources.has(name),
    readFile: () => undefined,
  };
}
