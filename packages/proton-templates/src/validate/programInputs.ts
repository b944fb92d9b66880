import ts from 'typescript';
import {
  inMemoryHost,
  literalKey,
  propertyNameText,
  unwrap,
} from './typescriptSyntax';

/**
 * The inputs sections of `proton-inputs.json`, by key: CodeBuild provisioning writes
 * `{environment: {inputs}}` for environments and `{service_instance: {inputs}, service, environment}`
 * for service instances; pipelines get `{pipeline: {inputs}}`.
 *
 * @public
 */
export type ProtonInputsSection =
  | 'environment'
  | 'service_instance'
  | 'pipeline';

const SECTIONS: readonly string[] = [
  'environment',
  'service_instance',
  'pipeline',
];

/**
 * One input a program reads.
 *
 * @public
 */
export interface ProgramInputRead {
  section: ProtonInputsSection;
  /** The top-level input name (for `inputs.network.cidr`, `network`). */
  name: string;
  /** `<file>:<line>` of the first read. */
  at: string;
  /** Read from `proton-inputs.json`, or through Pulumi's `Config` (which the manifest must fill). */
  via: 'proton-inputs' | 'pulumi-config';
}

/**
 * A use that the analysis cannot follow, so that some reads may be missed: e.g. the inputs object
 * passed to a function, spread, or indexed with a computed key.
 *
 * @public
 */
export interface OpaqueInputUse {
  /** The section concerned, or undefined when the whole `proton-inputs.json` document escapes. */
  section?: ProtonInputsSection;
  at: string;
  message: string;
}

/**
 * What {@link findProgramInputReads} found.
 *
 * @public
 */
export interface ProgramInputAnalysis {
  reads: ProgramInputRead[];
  opaqueUses: OpaqueInputUse[];
}

/** A value's place in the `proton-inputs.json` document: `[]` is the document itself. */
type DocumentPath = readonly string[];

/** Pulumi's `Config` class, imported by name or through the `pulumi` namespace. */
const CONFIG_TYPE = /^(\w+\.)?Config$/;

const CONFIG_GETTERS =
  /^(get|require)(Number|Boolean|Object|Secret|SecretNumber|SecretBoolean|SecretObject)?$/;

/** Whether a path is an inputs object (`[section, 'inputs']`) or a place above one. */
function holdsInputs(path: DocumentPath): boolean {
  if (path.length === 0) return true;
  if (!SECTIONS.includes(path[0])) return false;
  return path.length === 1 || (path.length === 2 && path[1] === 'inputs');
}

class SourceFileAnalysis {
  private readonly paths = new Map<ts.Symbol, DocumentPath>();
  private readonly configs = new Set<ts.Symbol>();

  constructor(
    private readonly file: ts.SourceFile,
    private readonly checker: ts.TypeChecker,
    private readonly configSection: ProtonInputsSection,
    private readonly result: ProgramInputAnalysis,
  ) {}

  private at(node: ts.Node): string {
    const { line } = this.file.getLineAndCharacterOfPosition(
      node.getStart(this.file),
    );
    return `${this.file.fileName}:${line + 1}`;
  }

  /**
   * Whether an expression names `proton-inputs.json`: in its text, or in the initializer of a
   * variable it uses (`const file = path.join(dir, 'proton-inputs.json')`), a few levels deep.
   */
  private mentionsInputsFile(node: ts.Node, depth = 0): boolean {
    if (node.getText(this.file).includes('proton-inputs')) return true;
    if (depth > 3) return false;
    if (ts.isIdentifier(node)) {
      const declaration =
        this.checker.getSymbolAtLocation(node)?.valueDeclaration;
      return (
        !!declaration &&
        ts.isVariableDeclaration(declaration) &&
        !!declaration.initializer &&
        this.mentionsInputsFile(declaration.initializer, depth + 1)
      );
    }
    return (
      ts.forEachChild(node, child =>
        this.mentionsInputsFile(child, depth) ? true : undefined,
      ) ?? false
    );
  }

  /** The document path an expression evaluates to, when it is part of `proton-inputs.json`. */
  evaluate(node: ts.Expression): DocumentPath | undefined {
    const expression = unwrap(node);
    if (ts.isIdentifier(expression)) {
      const symbol = this.checker.getSymbolAtLocation(expression);
      return symbol ? this.paths.get(symbol) : undefined;
    }
    if (ts.isPropertyAccessExpression(expression)) {
      const base = this.evaluate(expression.expression);
      return base && [...base, expression.name.text];
    }
    if (ts.isElementAccessExpression(expression)) {
      const base = this.evaluate(expression.expression);
      const key = literalKey(expression.argumentExpression);
      return base && key !== undefined ? [...base, key] : undefined;
    }
    if (ts.isCallExpression(expression)) {
      const callee = expression.expression.getText(this.file);
      const [argument] = expression.arguments;
      if (
        (callee === 'JSON.parse' || callee === 'require') &&
        argument &&
        this.mentionsInputsFile(argument)
      ) {
        return [];
      }
    }
    return undefined;
  }

  private bindPattern(name: ts.BindingName, path: DocumentPath) {
    if (ts.isIdentifier(name)) {
      const symbol = this.checker.getSymbolAtLocation(name);
      if (symbol) this.paths.set(symbol, path);
      this.recordRead(path, name);
      return;
    }
    for (const element of name.elements) {
      if (ts.isOmittedExpression(element)) continue;
      if (element.dotDotDotToken) {
        this.bindPattern(element.name, path);
        continue;
      }
      const key = ts.isArrayBindingPattern(name)
        ? String(name.elements.indexOf(element))
        : propertyNameText(element.propertyName) ??
          (ts.isIdentifier(element.name) ? element.name.text : undefined);
      if (key === undefined) {
        this.opaque(path, element, 'a computed key in a destructuring pattern');
        continue;
      }
      this.bindPattern(element.name, [...path, key]);
    }
  }

  private recordRead(
    path: DocumentPath,
    node: ts.Node,
    via: ProgramInputRead['via'] = 'proton-inputs',
  ) {
    if (
      path.length !== 3 ||
      path[1] !== 'inputs' ||
      !SECTIONS.includes(path[0])
    )
      return;
    const read: ProgramInputRead = {
      section: path[0] as ProtonInputsSection,
      name: path[2],
      at: this.at(node),
      via,
    };
    const known = this.result.reads.some(
      r =>
        r.section === read.section && r.name === read.name && r.at === read.at,
    );
    if (!known) this.result.reads.push(read);
  }

  private opaque(path: DocumentPath, node: ts.Node, what: string) {
    this.result.opaqueUses.push({
      section: path.length > 0 ? (path[0] as ProtonInputsSection) : undefined,
      at: this.at(node),
      message: `${what}: reads through it are not followed`,
    });
  }

  /** First pass: variables, imports and destructuring bound to parts of the document, and Configs. */
  collectBindings(node: ts.Node) {
    if (ts.isVariableDeclaration(node) && node.initializer) {
      const path = this.evaluate(node.initializer);
      if (path) this.bindPattern(node.name, path);
      const init = unwrap(node.initializer);
      if (
        ts.isNewExpression(init) &&
        CONFIG_TYPE.test(init.expression.getText(this.file)) &&
        (init.arguments?.length ?? 0) === 0 &&
        ts.isIdentifier(node.name)
      ) {
        const symbol = this.checker.getSymbolAtLocation(node.name);
        if (symbol) this.configs.add(symbol);
      }
    }
    if (
      (ts.isParameter(node) || ts.isVariableDeclaration(node)) &&
      node.type &&
      CONFIG_TYPE.test(node.type.getText(this.file)) &&
      ts.isIdentifier(node.name)
    ) {
      // `function readInputs(config: pulumi.Config)`: whatever Config it is given.
      const symbol = this.checker.getSymbolAtLocation(node.name);
      if (symbol) this.configs.add(symbol);
    }
    if (
      ts.isImportDeclaration(node) &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      node.moduleSpecifier.text.includes('proton-inputs') &&
      node.importClause
    ) {
      const clause = node.importClause;
      const bound =
        clause.name ??
        (clause.namedBindings && ts.isNamespaceImport(clause.namedBindings)
          ? clause.namedBindings.name
          : undefined);
      const symbol = bound && this.checker.getSymbolAtLocation(bound);
      if (symbol) this.paths.set(symbol, []);
    }
    ts.forEachChild(node, child => this.collectBindings(child));
  }

  /** Second pass: reads, Config getter calls and uses the analysis cannot follow. */
  collectReads(node: ts.Node) {
    if (
      ts.isPropertyAccessExpression(node) ||
      ts.isElementAccessExpression(node)
    ) {
      const path = this.evaluate(node);
      if (path) this.recordRead(path, node);
      if (
        ts.isElementAccessExpression(node) &&
        literalKey(node.argumentExpression) === undefined
      ) {
        const base = this.evaluate(node.expression);
        if (base && holdsInputs(base))
          this.opaque(base, node, 'a computed key');
      }
    } else if (ts.isCallExpression(node)) {
      this.collectConfigRead(node);
    }
    if (
      ts.isExpression(node) &&
      (ts.isIdentifier(node) ||
        ts.isPropertyAccessExpression(node) ||
        ts.isElementAccessExpression(node))
    ) {
      const path = this.evaluate(node);
      if (path && holdsInputs(path) && this.escapes(node)) {
        this.opaque(
          path,
          node,
          `${node.getText(this.file)} is used as a whole`,
        );
      }
    }
    ts.forEachChild(node, child => this.collectReads(child));
  }

  private collectConfigRead(call: ts.CallExpression) {
    const callee = call.expression;
    if (
      !ts.isPropertyAccessExpression(callee) ||
      !CONFIG_GETTERS.test(callee.name.text)
    )
      return;
    const target = unwrap(callee.expression);
    const symbol = ts.isIdentifier(target)
      ? this.checker.getSymbolAtLocation(target)
      : undefined;
    if (!symbol || !this.configs.has(symbol)) return;
    const [argument] = call.arguments;
    const key = argument && literalKey(argument);
    if (key === undefined) {
      this.opaque(
        [this.configSection],
        call,
        'a Pulumi Config read with a computed key',
      );
      return;
    }
    this.recordRead([this.configSection, 'inputs', key], call, 'pulumi-config');
  }

  /** Whether a whole inputs object (or a place above it) is used other than by reading a key. */
  private escapes(node: ts.Expression): boolean {
    let child: ts.Node = node;
    let parent = node.parent;
    while (
      ts.isParenthesizedExpression(parent) ||
      ts.isAsExpression(parent) ||
      ts.isNonNullExpression(parent) ||
      ts.isSatisfiesExpression(parent) ||
      ts.isAwaitExpression(parent)
    ) {
      child = parent;
      parent = parent.parent;
    }
    if (ts.isPropertyAccessExpression(parent) && parent.expression === child)
      return false;
    if (ts.isElementAccessExpression(parent) && parent.expression === child)
      return false;
    if (ts.isVariableDeclaration(parent)) return false;
    if (
      ts.isBindingElement(parent) ||
      ts.isImportClause(parent) ||
      ts.isNamespaceImport(parent)
    ) {
      return false;
    }
    if (ts.isPropertyAccessExpression(parent) && parent.name === child)
      return false;
    return !ts.isTypeNode(parent) && !ts.isTypeQueryNode(parent);
  }
}

/**
 * Finds the template inputs a Pulumi TypeScript (or JavaScript) program reads, with the TypeScript
 * compiler API: each file is parsed and bound (no type checking, no module resolution), then values
 * are followed from `JSON.parse(<...proton-inputs.json...>)`, `require('./proton-inputs.json')` or an
 * import of it, through variables, property and literal element access, type assertions and
 * destructuring, down to `<section>.inputs.<name>`. Reads through Pulumi's `Config` getters
 * (`config.require('port')`) are reported for `configSection`: on a variable holding
 * `new Config()` (the project namespace; `new Config('aws')` is not an input), or on a parameter or
 * variable declared with type `Config`.
 *
 * Limits: values are followed within one file only (not through function parameters, return values
 * or other modules), only top-level input names are reported, and whole inputs objects that escape
 * (passed to a function, spread, indexed by a computed key) are reported as opaque uses so that
 * callers can avoid concluding that inputs are unused.
 *
 * @public
 */
export function findProgramInputReads(
  files: Array<{ path: string; text: string }>,
  configSection: ProtonInputsSection,
): ProgramInputAnalysis {
  const sources = new Map<string, ts.SourceFile>();
  for (const file of files) {
    const kind = /\.[cm]?jsx?$/.test(file.path)
      ? ts.ScriptKind.JS
      : ts.ScriptKind.TS;
    sources.set(
      file.path,
      ts.createSourceFile(
        file.path,
        file.text,
        ts.ScriptTarget.Latest,
        true,
        kind,
      ),
    );
  }
  const program = ts.createProgram({
    rootNames: [...sources.keys()],
    options: { noLib: true, noResolve: true, allowJs: true, types: [] },
    host: inMemoryHost(sources),
  });
  const checker = program.getTypeChecker();
  const result: ProgramInputAnalysis = { reads: [], opaqueUses: [] };
  for (const source of sources.values()) {
    const analysis = new SourceFileAnalysis(
      source,
      checker,
      configSection,
      result,
    );
    analysis.collectBindings(source);
    analysis.collectReads(source);
  }
  return result;
}
