/**
 * The Proton-compatible control plane (`@proton-platform/proton-server`) as a Backstage backend
 * plugin: the AWS Proton API under `/api/proton-server`.
 *
 * @packageDocumentation
 */

export { protonServerPlugin as default } from './plugin';
