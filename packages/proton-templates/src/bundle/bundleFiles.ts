import fs from 'node:fs/promises';
import path from 'node:path';
import ignore, { Ignore } from 'ignore';

/**
 * A file of a template bundle, as it goes into the package.
 *
 * @public
 */
export interface BundleFile {
  /** The path relative to the bundle folder, with `/` separators. */
  path: string;
  /** The absolute path on disk. */
  absolutePath: string;
  size: number;
  /** Whether any execute bit is set on disk; the package records 0755 for those, 0644 otherwise. */
  executable: boolean;
}

/**
 * What a bundle folder holds once ignore rules are applied.
 *
 * @public
 */
export interface BundleContents {
  /** Files to package, sorted by path (code unit order). */
  files: BundleFile[];
  /** Folders holding packaged files, with a trailing `/`, sorted. */
  folders: string[];
  /** `node_modules` folders that no ignore rule excludes, with a trailing `/`. */
  nodeModulesFolders: string[];
  /** Symbolic links and other special files that no ignore rule excludes: never packaged. */
  specialFiles: string[];
}

/**
 * Orders strings by UTF-16 code units, as `Array.prototype.sort` does by default: the same order on
 * every platform and locale, with `a/` before `a/b`.
 *
 * @public
 */
export function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Ignore files read in every folder of a bundle, with `.gitignore` syntax. */
export const IGNORE_FILES = ['.gitignore', '.protonignore'];

/** Never packaged, whatever the ignore files say. */
const ALWAYS_EXCLUDED = ['.git/', '.protonignore', '.DS_Store'];

interface IgnoreScope {
  /** Turns a path relative to the bundle into one relative to the ignore file's folder. */
  toLocal: (relative: string) => string;
  rules: Ignore;
}

async function readIgnoreRules(
  folder: string,
  names: string[],
): Promise<Ignore | undefined> {
  const texts: string[] = [];
  for (const name of names) {
    const text = await fs
      .readFile(path.join(folder, name), 'utf8')
      .catch(() => undefined);
    if (text !== undefined) texts.push(text);
  }
  // `add` splits a string into lines but takes each element of an array as one pattern.
  return texts.length > 0 ? ignore().add(texts.join('\n')) : undefined;
}

/**
 * The `.gitignore` files of the folders above the bundle, up to the root of the git repository
 * holding it (none when it is not in one), outermost first, as git applies them.
 */
async function readRepositoryScopes(root: string): Promise<IgnoreScope[]> {
  const ancestors: string[] = [];
  let current = root;
  let repositoryRoot: string | undefined;
  while (path.dirname(current) !== current) {
    current = path.dirname(current);
    ancestors.unshift(current);
    const hasGit = await fs.stat(path.join(current, '.git')).then(
      () => true,
      () => false,
    );
    if (hasGit) {
      repositoryRoot = current;
      break;
    }
  }
  if (!repositoryRoot) return [];
  const scopes: IgnoreScope[] = [];
  for (const ancestor of ancestors) {
    const rules = await readIgnoreRules(ancestor, ['.gitignore']);
    if (!rules) continue;
    const prefix = `${path
      .relative(ancestor, root)
      .split(path.sep)
      .join('/')}/`;
    scopes.push({ toLocal: relative => prefix + relative, rules });
  }
  return scopes;
}

function isIgnored(scopes: IgnoreScope[], relative: string): boolean {
  // Like git, a deeper ignore file can re-include what a shallower one excluded.
  let ignored = false;
  for (const scope of scopes) {
    const result = scope.rules.test(scope.toLocal(relative));
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

/**
 * Lists what a bundle folder packages: every file except those excluded by `.gitignore` and
 * `.protonignore` files in the bundle folder and its subfolders, by the `.gitignore` files above it
 * up to the root of its git repository (as git would), `.git/` and `.protonignore` itself. Patterns
 * have `.gitignore` syntax, matched by the `ignore` library. `node_modules` folders that are not ignored
 * are listed but not descended into; `node_modules` is never packaged.
 *
 * @public
 */
export async function listBundleContents(
  bundleDir: string,
): Promise<BundleContents> {
  const root = path.resolve(bundleDir);
  const contents: BundleContents = {
    files: [],
    folders: [],
    nodeModulesFolders: [],
    specialFiles: [],
  };
  const always = ignore().add(ALWAYS_EXCLUDED);

  async function walk(folder: string, scopes: IgnoreScope[]): Promise<void> {
    const rules = await readIgnoreRules(path.join(root, folder), IGNORE_FILES);
    // `relative` ends with `/` for folders, which folder-only patterns (`bin/`) need.
    const toLocal = (relative: string) =>
      folder ? relative.slice(folder.length + 1) : relative;
    const active = rules ? [...scopes, { toLocal, rules }] : scopes;
    const entries = await fs.readdir(path.join(root, folder), {
      withFileTypes: true,
    });
    for (const entry of entries) {
      const relative = folder ? `${folder}/${entry.name}` : entry.name;
      const asTested = entry.isDirectory() ? `${relative}/` : relative;
      if (always.ignores(asTested) || isIgnored(active, asTested)) continue;
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules') {
          contents.nodeModulesFolders.push(asTested);
          continue;
        }
        const before = contents.files.length;
        await walk(relative, active);
        if (contents.files.length > before) contents.folders.push(asTested);
      } else if (entry.isFile()) {
        const absolutePath = path.join(root, relative);
        const stat = await fs.stat(absolutePath);
        contents.files.push({
          path: relative,
          absolutePath,
          size: stat.size,
          executable: (stat.mode & 0o111) !== 0,
        });
      } else {
        contents.specialFiles.push(relative);
      }
    }
  }

  await walk('', await readRepositoryScopes(root));
  contents.files.sort((a, b) => compareCodeUnits(a.path, b.path));
  contents.folders.sort(compareCodeUnits);
  contents.nodeModulesFolders.sort(compareCodeUnits);
  contents.specialFiles.sort(compareCodeUnits);
  return contents;
}
