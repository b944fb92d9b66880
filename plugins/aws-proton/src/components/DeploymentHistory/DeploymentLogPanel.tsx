import {
  CompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { Button, Flex, Text } from '@backstage/ui';
import { DeploymentLog } from '@proton-platform/plugin-aws-proton-common';
import { useEffect, useRef } from 'react';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
import { useProtonResource } from '../../hooks/useProtonResource';
import { ProtonStatus } from '../ProtonStatus/ProtonStatus';
import { ResourceState } from '../ResourceState/ResourceState';

/** How often a running deployment's log is read again, in milliseconds. */
const FOLLOW_EVERY_MS = 2_000;

/**
 * The log of one deployment of an entity's service or environment, as the runner wrote it. While
 * the deployment runs, the log is read again every two seconds and kept scrolled to its end (unless
 * the reader scrolled up).
 *
 * @public
 */
export function DeploymentLogPanel(props: {
  /** The service or environment entity the deployment belongs to. */
  entityRef: CompoundEntityRef;
  /** The deployment's ID. */
  deploymentId: string;
  /** What the deployment deployed, for the title: `dev`, `the pipeline`. */
  label?: string;
  /** Closes the panel. */
  onClose?: () => void;
}) {
  const api = useApi(awsProtonApiRef);
  const state = useProtonResource<DeploymentLog>(
    () => api.getDeploymentLog(props.entityRef, props.deploymentId),
    log => log.inProgress,
    [api, stringifyEntityRef(props.entityRef), props.deploymentId],
    { maxDelayMs: FOLLOW_EVERY_MS },
  );
  const title = `Log of deployment ${props.deploymentId}${
    props.label ? ` (${props.label})` : ''
  }`;
  return (
    <section aria-label={title}>
      <Flex direction="column" gap="2">
        <Flex gap="2" align="center" justify="between">
          <Flex gap="2" align="center">
            <Text variant="body-medium" weight="bold">
              {title}
            </Text>
            {state.value && (
              <ProtonStatus kind="deployment" status={state.value.status} />
            )}
          </Flex>
          {props.onClose && (
            <Button size="small" variant="tertiary" onPress={props.onClose}>
              Close the log
            </Button>
          )}
        </Flex>
        <ResourceState
          state={state}
          what="the deployment's log"
          placeholderHeight={120}
        >
          {log => <LogText log={log} />}
        </ResourceState>
      </Flex>
    </section>
  );
}

function LogText({ log }: { log: DeploymentLog }) {
  const ref = useRef<HTMLPreElement>(null);
  const atEnd = useRef(true);
  useEffect(() => {
    const element = ref.current;
    if (element && atEnd.current) element.scrollTop = element.scrollHeight;
  }, [log.text]);
  return (
    <>
      {log.inProgress && (
        <Text variant="body-small" color="secondary">
          The deployment is running: the log follows it.
        </Text>
      )}
      {log.truncated && (
        <Text variant="body-small" color="secondary">
          Only the end of a longer log is shown (1 MiB).
        </Text>
      )}
      {/* a scrollable region must be reachable with the keyboard (WCAG 2.1.1) */}
      <pre
        ref={ref}
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        tabIndex={0}
        aria-label="Log lines"
        onScroll={event => {
          const element = event.currentTarget;
          atEnd.current =
            element.scrollHeight - element.scrollTop - element.clientHeight <
            24;
        }}
        style={{
          margin: 0,
          maxHeight: 360,
          overflow: 'auto',
          padding: 'var(--bui-space-3)',
          background: 'var(--bui-bg-neutral-2)',
          border: '1px solid var(--bui-border-1)',
          borderRadius: 'var(--bui-radius-2)',
          fontFamily: 'var(--bui-font-monospace)',
          fontSize: 'var(--bui-font-size-2)',
          whiteSpace: 'pre-wrap',
          overflowWrap: 'anywhere',
        }}
      >
        {log.text ||
          (log.inProgress
            ? 'The runner has written nothing yet.'
            : 'The runner wrote nothing.')}
      </pre>
    </>
  );
}
