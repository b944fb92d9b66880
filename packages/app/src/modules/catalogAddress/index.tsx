import {
  createFrontendModule,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { Navigate, useLocation } from 'react-router-dom';

/** Sends `/catalog` (and its filters in the query) to the catalog, which this app serves at `/`. */
function CatalogAddress() {
  const { search } = useLocation();
  return <Navigate to={{ pathname: '/', search }} replace />;
}

/**
 * `/catalog`, where Backstage serves its catalog by default (and where people and links expect it),
 * answers with the catalog at `/` instead of a 404; entity pages stay at `/catalog/:namespace/:kind/:name`.
 */
export const catalogAddressModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    PageBlueprint.make({
      name: 'catalog-address',
      params: {
        path: '/catalog',
        noHeader: true,
        loader: async () => <CatalogAddress />,
      },
    }),
  ],
});
