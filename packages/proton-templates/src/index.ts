/**
 * Validate, package and publish AWS Proton template bundles.
 *
 * @packageDocumentation
 */

export { runProtonTemplatesCli } from './cli';
export { validateBundle } from './validate/validateBundle';
export type { BundleFinding } from './validate/validateBundle';
