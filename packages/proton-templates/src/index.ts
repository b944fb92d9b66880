/**
 * Validate, package and publish AWS Proton template bundles.
 *
 * @packageDocumentation
 */

export { runProtonTemplatesCli } from './cli';
export type { ProtonTemplatesCliOutput } from './cli';
export {
  compareCodeUnits,
  listBundleContents,
  IGNORE_FILES,
} from './bundle/bundleFiles';
export type { BundleContents, BundleFile } from './bundle/bundleFiles';
export { packageBundle, BUNDLE_ENTRY_MTIME } from './bundle/packageBundle';
export type {
  BundleArchive,
  PackageBundleOptions,
} from './bundle/packageBundle';
export {
  validateBundle,
  PROTON_BUNDLE_QUOTAS,
} from './validate/validateBundle';
export type { BundleValidation } from './validate/validateBundle';
export { formatFindings } from './validate/bundleFinding';
export type { BundleFinding } from './validate/bundleFinding';
export { checkManifest } from './validate/manifestChecks';
export type { ManifestIssue, ManifestSummary } from './validate/manifestChecks';
export { findSecrets } from './validate/secretScan';
export type { SecretFinding } from './validate/secretScan';
export { checkInputUsage } from './validate/inputUsage';
export type { BundleTextFile } from './validate/inputUsage';
export { findProgramInputReads } from './validate/programInputs';
export type {
  OpaqueInputUse,
  ProgramInputAnalysis,
  ProgramInputRead,
  ProtonInputsSection,
} from './validate/programInputs';
export {
  publishTemplate,
  TemplatePublishError,
} from './publish/publishTemplate';
export type {
  PublishedTemplateVersion,
  PublishTemplateDependencies,
  PublishTemplateOptions,
} from './publish/publishTemplate';
export { DirectoryBundleUpload, S3BundleUpload } from './publish/bundleUpload';
export type { BundleUpload } from './publish/bundleUpload';
export { TemplateVersionApi } from './publish/templateVersionApi';
export type {
  CreateTemplateVersionRequest,
  TemplateKind,
  TemplateVersionInfo,
} from './publish/templateVersionApi';
export {
  describeIncompatibilities,
  selectTemplateVersion,
} from './publish/versionSelection';
export type { VersionSelection } from './publish/versionSelection';
