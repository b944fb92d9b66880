import { coreApis } from '@backstage/frontend-plugin-api';
import { useApi } from '@backstage/core-plugin-api';
import { useEffect, useMemo, useState } from 'react';
import { ProtonTemplateCatalogClient } from './ProtonTemplateCatalogClient';

/** The template catalog client of the form fields, over the app's discovery and fetch APIs. */
export function useTemplateCatalog(): ProtonTemplateCatalogClient {
  const discoveryApi = useApi(coreApis.discovery);
  const fetchApi = useApi(coreApis.fetch);
  return useMemo(
    () => new ProtonTemplateCatalogClient({ discoveryApi, fetchApi }),
    [discoveryApi, fetchApi],
  );
}

/** The state of one read of the form fields. */
export interface CatalogRead<T> {
  value?: T;
  error?: Error;
  loading: boolean;
}

/**
 * Reads once per change of `key`; `load` returning undefined means there is nothing to read yet
 * (for example no template picked).
 */
export function useCatalogRead<T>(
  key: string | undefined,
  load: () => Promise<T> | undefined,
): CatalogRead<T> {
  const [state, setState] = useState<CatalogRead<T>>({ loading: !!key });
  useEffect(() => {
    let current = true;
    const pending = key ? load() : undefined;
    if (!pending) {
      setState({ loading: false });
      return undefined;
    }
    setState({ loading: true });
    pending.then(
      value => current && setState({ value, loading: false }),
      error => current && setState({ error, loading: false }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return state;
}
