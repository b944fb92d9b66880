import { BackendFeature } from '@backstage/backend-plugin-api';

/** A feature to add, loaded only when it is added. */
export type LazyFeature = () => Promise<{ default: BackendFeature }>;

/**
 * Backstage's own plugins and this app's modules: what a backend without the Proton plugins runs
 * (the start-up benchmark starts this list alone).
 */
export const backstageFeatures: LazyFeature[] = [
  () => import('@backstage/plugin-app-backend'),
  // the events bus: the scaffolder actions announce created services on the aws-proton topic and the
  // catalog provider ingests them at once, also when they run in different backend instances
  () => import('@backstage/plugin-events-backend'),
  // auth: guest sign-in for development (app-config.development.yaml), none in production
  () => import('@backstage/plugin-auth-backend'),
  () => import('@backstage/plugin-auth-backend-module-guest-provider'),
  () => import('@backstage/plugin-catalog-backend'),
  () =>
    import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
  () => import('@backstage/plugin-catalog-backend-module-logs'),
  // permissions: everyone reads, configured users and groups run Proton mutations
  () => import('@backstage/plugin-permission-backend'),
  () => import('./permissionPolicy'),
  () => import('@backstage/plugin-scaffolder-backend'),
  // notifications: upgrade campaigns tell the owners of the services what happened to their instances
  () => import('@backstage/plugin-notifications-backend'),
  // the actions registry's actions as MCP tools (backend.actions.pluginSources says whose), under
  // /api/mcp-actions/v1
  () => import('@backstage/plugin-mcp-actions-backend'),
];

/** The Proton plugins and modules, and the demo the control plane is seeded with. */
export const protonFeatures: LazyFeature[] = [
  // environments, services and templates in the catalog
  () => import('@proton-platform/plugin-catalog-backend-module-aws-proton'),
  // the scaffolder actions aws:proton:*
  () => import('@proton-platform/plugin-scaffolder-backend-module-aws-proton'),
  // Proton for the entity pages, and as actions for AI agents
  () => import('@proton-platform/plugin-aws-proton-backend'),
  // the Proton-compatible control plane, under /api/proton-server
  () => import('@proton-platform/plugin-proton-server-backend'),
  () => import('./demo/demoSeed'),
];
