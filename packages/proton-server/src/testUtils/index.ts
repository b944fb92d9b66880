/**
 * Helpers for tests and benchmarks of code that talks to the control plane: a scratch control plane
 * with a key pair of its own, a counter of Proton API calls, a bundle whose steps do nothing, and a
 * seed plan of templates made from it.
 * Not for production: import them from `@proton-platform/proton-server/testUtils`.
 *
 * @packageDocumentation
 */

export { startScratchControlPlane } from './scratchControlPlane';
export type { ScratchControlPlane } from './scratchControlPlane';
export { countProtonCalls } from './countProtonCalls';
export { noopTemplateBundleFiles } from './noopTemplateBundle';
export { noopTemplatesPlan } from './noopTemplatesPlan';
