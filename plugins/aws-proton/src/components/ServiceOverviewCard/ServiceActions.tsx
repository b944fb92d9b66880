import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { Alert, Button, Flex, Link } from '@backstage/ui';
import {
  awsProtonServiceInstanceUpdatePermission,
  ServiceOverview,
} from '@proton-platform/plugin-aws-proton-common';
import { useState } from 'react';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
import { ConfirmDeletionDialog } from '../ConfirmDeletion/ConfirmDeletionDialog';
import { AddInstanceDialog } from './AddInstanceDialog';

/**
 * The service's own actions, for those who hold the `aws-proton.service-instance.update`
 * permission on the entity: add an instance in another environment, and delete the whole service
 * (after typing its name), whose catalog entity goes with it.
 */
export function ServiceActions(props: {
  overview: ServiceOverview;
  onChanged: () => void;
}) {
  const { overview, onChanged } = props;
  const { entity } = useEntity();
  const api = useApi(awsProtonApiRef);
  const { allowed, loading } = usePermission({
    permission: awsProtonServiceInstanceUpdatePermission,
    resourceRef: stringifyEntityRef(entity),
  });
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleted, setDeleted] = useState(false);

  if (loading || !allowed) return null;
  // the catalog's Proton provider removes only the entities it made (locations aws-proton:<id>)
  const location =
    entity.metadata.annotations?.['backstage.io/managed-by-location'];
  const fromProvider = location?.startsWith('aws-proton:') ?? false;
  if (deleted) {
    return (
      <Alert
        status="info"
        title={`${overview.name} is being deleted`}
        description={
          <>
            Proton deprovisions its instances and pipeline;{' '}
            {fromProvider
              ? 'its catalog entity goes with it.'
              : `its catalog entity comes from ${
                  location ?? 'another location'
                }: unregister it there.`}{' '}
            <Link href="/catalog">Back to the catalog</Link>
          </>
        }
      />
    );
  }
  const busy = overview.inProgress || overview.status.endsWith('IN_PROGRESS');
  return (
    <Flex gap="2" align="center">
      <Button
        size="small"
        variant="secondary"
        isDisabled={busy}
        onPress={() => setAdding(true)}
      >
        Add an instance
      </Button>
      <Button
        size="small"
        variant="secondary"
        destructive
        isDisabled={busy}
        onPress={() => setDeleting(true)}
      >
        Delete the service
      </Button>
      <AddInstanceDialog
        overview={overview}
        isOpen={adding}
        onClose={() => setAdding(false)}
        onStarted={() => {
          setAdding(false);
          onChanged();
        }}
      />
      <ConfirmDeletionDialog
        isOpen={deleting}
        title={`Delete the service ${overview.name}`}
        description={`Deletes ${overview.name} with its ${
          overview.instances.length
        } instance(s)${
          overview.pipeline ? ' and its pipeline' : ''
        }: Proton deprovisions their resources. This cannot be undone.`}
        name={overview.name}
        onClose={() => setDeleting(false)}
        onConfirm={async () => {
          await api.deleteService(getCompoundEntityRef(entity));
          setDeleting(false);
          setDeleted(true);
          onChanged();
        }}
      />
    </Flex>
  );
}
