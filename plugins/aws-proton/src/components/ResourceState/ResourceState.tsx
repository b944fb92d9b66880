import { Alert, Flex, Skeleton } from '@backstage/ui';
import { ReactNode } from 'react';
import { ProtonResourceState } from '../../hooks/useProtonResource';

/**
 * Shows a Proton read: a placeholder while the first read runs, an error in place when there is
 * nothing to show, and otherwise the content, with a warning above it when a refresh failed.
 *
 * @public
 */
export function ResourceState<T>(props: {
  state: ProtonResourceState<T>;
  /** What is read, for the error title: `the Proton service`. */
  what: string;
  placeholderHeight?: number;
  children: (value: T) => ReactNode;
}) {
  const { value, error, loading } = props.state;
  if (loading && value === undefined) {
    return <Skeleton width="100%" height={props.placeholderHeight ?? 96} />;
  }
  if (value === undefined) {
    return (
      <Alert
        status="danger"
        title={`Could not load ${props.what}`}
        description={error?.message ?? 'The backend returned nothing'}
      />
    );
  }
  return (
    <Flex direction="column" gap="3">
      {error && (
        <Alert
          status="warning"
          title={`Could not refresh ${props.what}`}
          description={error.message}
        />
      )}
      {props.children(value)}
    </Flex>
  );
}
