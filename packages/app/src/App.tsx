import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { catalogAddressModule } from './modules/catalogAddress';
import { navModule } from './modules/nav';

/**
 * The app. Plugins listed in this package's dependencies are discovered through `app.packages: all`
 * in app-config.yaml; the catalog is named here because the nav module extends it.
 */
export default createApp({
  features: [catalogPlugin, navModule, catalogAddressModule],
});
