/**
 * Repository and branch names as Git hosts accept them, checked before they reach a Git command or
 * a remote URL (the Proton model's own patterns let `..`, `?` or spaces through).
 */

/** `owner/repo`: letters, digits, `.`, `_` and `-` (GitHub's and Bitbucket's characters), no `.` or `..`. */
const REPOSITORY_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/**
 * Why `name` cannot be a linked repository's name, or undefined when it can.
 */
export function repositoryNameProblem(name: string): string | undefined {
  if (
    !REPOSITORY_NAME.test(name) ||
    name.split('/').some(part => part === '.' || part === '..')
  ) {
    return `The repository name ${JSON.stringify(
      name,
    )} is not owner/repo made of letters, digits, ".", "_" and "-"`;
  }
  return undefined;
}

/**
 * Why `branch` cannot be a branch name, or undefined when it can: the rules of `git check-ref-format`
 * (no `..`, `@{`, control characters, space, `~ ^ : ? * [ \`, no leading `-` or `/`, no `.lock` or `/`
 * at the end, no empty part, no part starting with `.`).
 */
export function branchNameProblem(branch: string): string | undefined {
  const parts = branch.split('/');
  if (
    typeof branch !== 'string' ||
    branch.length === 0 ||
    branch.startsWith('-') ||
    branch.endsWith('.lock') ||
    branch.endsWith('.') ||
    branch === '@' ||
    branch.includes('..') ||
    branch.includes('@{') ||
    [...branch].some(
      c => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f,
    ) ||
    /[~^:?*[\\]/.test(branch) ||
    parts.some(part => part.length === 0 || part.startsWith('.'))
  ) {
    return `The branch name ${JSON.stringify(
      branch,
    )} is not a valid Git branch name`;
  }
  return undefined;
}
