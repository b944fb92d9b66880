import {
  getCompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  Alert,
  Button,
  Cell,
  CellText,
  Checkbox,
  Column,
  Dialog,
  DialogBody,
  DialogFooter,
  DialogHeader,
  Flex,
  Row,
  Select,
  Skeleton,
  TableBody,
  TableHeader,
  TableRoot,
  Text,
} from '@backstage/ui';
import {
  awsProtonTemplateUpgradeFleetPermission,
  Campaign,
  CampaignStatus,
  CampaignTarget,
  campaignTargetLabel,
  CampaignTargetStatus,
} from '@proton-platform/plugin-aws-proton-common';
import { useEffect, useState } from 'react';
import { awsProtonApiRef } from '../../api/AwsProtonApi';
import { useProtonResource } from '../../hooks/useProtonResource';
import { DeploymentLogPanel } from '../DeploymentHistory/DeploymentLogPanel';
import { UpgradePreview } from '../InstanceActions/UpgradePreview';
import { ResourceState } from '../ResourceState/ResourceState';
import { StatusMessage } from '../StatusMessage/StatusMessage';

const ACTIVE: CampaignStatus[] = [
  'RUNNING',
  'PAUSED',
  'STOPPING',
  'CANCELLING',
];

const CAMPAIGN_LABELS: Record<
  CampaignStatus,
  {
    label: string;
    color: 'success' | 'info' | 'danger' | 'secondary' | 'warning';
  }
> = {
  RUNNING: { label: 'Running', color: 'info' },
  PAUSED: { label: 'Paused', color: 'warning' },
  STOPPING: { label: 'Stopping', color: 'danger' },
  STOPPED: { label: 'Stopped', color: 'danger' },
  CANCELLING: { label: 'Cancelling', color: 'secondary' },
  CANCELLED: { label: 'Cancelled', color: 'secondary' },
  SUCCEEDED: { label: 'Succeeded', color: 'success' },
};

const TARGET_LABELS: Record<
  CampaignTargetStatus,
  { label: string; color: 'success' | 'info' | 'danger' | 'secondary' }
> = {
  PENDING: { label: 'Waiting', color: 'secondary' },
  STARTING: { label: 'Starting', color: 'info' },
  DEPLOYING: { label: 'Deploying', color: 'info' },
  SUCCEEDED: { label: 'Upgraded', color: 'success' },
  FAILED: { label: 'Failed', color: 'danger' },
  SKIPPED: { label: 'Skipped', color: 'secondary' },
  NOT_STARTED: { label: 'Not started', color: 'secondary' },
};

function progressOf(campaign: Campaign): string {
  const count = (status: CampaignTargetStatus) =>
    campaign.targets.filter(t => t.status === status).length;
  const planned = campaign.targets.filter(t => t.status !== 'SKIPPED');
  // an older major version's targets may move to its own newest minor instead
  const to = planned.every(t => t.toVersion === campaign.targetVersion)
    ? ` to ${campaign.targetVersion}`
    : '';
  return `${count('SUCCEEDED')} of ${planned.length} upgraded${to}${
    count('SKIPPED') ? `, ${count('SKIPPED')} skipped` : ''
  }${count('FAILED') ? `, ${count('FAILED')} failed` : ''}`;
}

/** The first column's title: what the campaign's targets are. */
function columnTitle(campaign: Campaign): string {
  if (campaign.templateArn.includes(':environment-template/')) {
    return 'Environment';
  }
  return campaign.targets.some(t => t.kind === 'pipeline')
    ? 'Instance or pipeline'
    : 'Service instance';
}

/** The first column of a target's row: what it is, and where. */
function targetCell(target: CampaignTarget): {
  title: string;
  description?: string;
} {
  switch (target.kind) {
    case 'environment':
      return { title: target.name, description: 'environment' };
    case 'pipeline':
      return { title: target.serviceName ?? '', description: 'pipeline' };
    default:
      return {
        title: `${target.serviceName} / ${target.name}`,
        description: target.environmentName,
      };
  }
}

/**
 * A campaign's service instances, pipelines or environments, with their wave, version and status;
 * a failed or upgraded one opens its deployment's log, and in a plan (`previewable`) a waiting
 * service instance opens its upgrade's preview.
 */
function TargetTable({
  campaign,
  previewable = false,
}: {
  campaign: Campaign;
  previewable?: boolean;
}) {
  const [openLog, setOpenLog] = useState<CampaignTarget>();
  const [openPreview, setOpenPreview] = useState<CampaignTarget>();
  return (
    <>
      <TableRoot
        aria-label={`Targets of the campaign to ${campaign.targetVersion}`}
      >
        <TableHeader>
          <Column isRowHeader>{columnTitle(campaign)}</Column>
          <Column>Wave</Column>
          <Column>Version</Column>
          <Column>Status</Column>
        </TableHeader>
        <TableBody items={campaign.targets.map(t => ({ ...t, id: t.arn }))}>
          {target => (
            <Row id={target.id}>
              <CellText {...targetCell(target)} />
              <CellText title={String(target.wave + 1)} />
              <CellText
                title={`${target.fromVersion} → ${target.toVersion}`}
                description={
                  target.deploymentType === 'MAJOR_VERSION'
                    ? 'major upgrade'
                    : undefined
                }
              />
              <Cell>
                <Flex direction="column" gap="1" align="start">
                  <Text
                    variant="body-small"
                    weight="bold"
                    color={TARGET_LABELS[target.status].color}
                  >
                    {TARGET_LABELS[target.status].label}
                  </Text>
                  {target.statusMessage && (
                    <StatusMessage
                      message={target.statusMessage}
                      subject={campaignTargetLabel(target)}
                      color={
                        target.status === 'FAILED' ? 'danger' : 'secondary'
                      }
                    />
                  )}
                  {previewable &&
                    target.kind === 'service-instance' &&
                    target.status === 'PENDING' &&
                    target.entityRef && (
                      <Button
                        size="small"
                        variant="secondary"
                        aria-label={`Preview the upgrade of ${campaignTargetLabel(
                          target,
                        )}`}
                        onPress={() => setOpenPreview(target)}
                      >
                        Preview
                      </Button>
                    )}
                  {target.deploymentId && target.entityRef && (
                    <Button
                      size="small"
                      variant="secondary"
                      aria-label={`Show the log of ${campaignTargetLabel(
                        target,
                      )}'s upgrade`}
                      onPress={() => setOpenLog(target)}
                    >
                      Show log
                    </Button>
                  )}
                </Flex>
              </Cell>
            </Row>
          )}
        </TableBody>
      </TableRoot>
      {openPreview?.entityRef && (
        <Flex
          direction="column"
          gap="2"
          role="region"
          aria-label={`Upgrade preview of ${campaignTargetLabel(openPreview)}`}
        >
          <Flex justify="between" align="center">
            <Text weight="bold">
              {campaignTargetLabel(openPreview)}: {openPreview.fromVersion} to{' '}
              {openPreview.toVersion}
            </Text>
            <Button
              size="small"
              variant="secondary"
              onPress={() => setOpenPreview(undefined)}
            >
              Close the preview
            </Button>
          </Flex>
          <UpgradePreview
            key={openPreview.arn}
            entityRef={parseEntityRef(openPreview.entityRef)}
            instanceName={openPreview.name}
            deploymentType={openPreview.deploymentType}
            targetVersion={openPreview.toVersion}
          />
        </Flex>
      )}
      {openLog?.deploymentId && openLog.entityRef && (
        <DeploymentLogPanel
          key={openLog.deploymentId}
          entityRef={parseEntityRef(openLog.entityRef)}
          deploymentId={openLog.deploymentId}
          label={campaignTargetLabel(openLog)}
          onClose={() => setOpenLog(undefined)}
        />
      )}
    </>
  );
}

/**
 * What a plan will do, in words: "3 upgrades in 3 waves: 1. dev (1); 2. prod (1); 3. pipelines
 * (1). The next wave starts only when…".
 */
function planSummary(plan: Campaign): string {
  const planned = plan.targets.filter(t => t.status === 'PENDING');
  if (planned.length === 0) return 'Nothing needs this upgrade.';
  const waves = plan.waves.map((environments, index) => ({
    label: environments.join(', '),
    count: planned.filter(t => t.wave === index).length,
  }));
  const pipelines = planned.filter(t => t.wave >= plan.waves.length).length;
  if (pipelines > 0) waves.push({ label: 'pipelines', count: pipelines });
  const plural = (count: number, noun: string) =>
    `${count} ${noun}${count === 1 ? '' : 's'}`;
  return `${plural(planned.length, 'upgrade')} in ${plural(
    waves.length,
    'wave',
  )}: ${waves
    .map((wave, index) => `${index + 1}. ${wave.label} (${wave.count})`)
    .join(
      '; ',
    )}. The next wave starts only when every deployment of the previous one succeeded; the first failure stops the campaign.`;
}

/** Whether some of the plan's targets run an older major version than its target version. */
function hasOlderMajors(plan: Campaign): boolean {
  const major = Number(plan.targetVersion.split('.')[0]);
  return plan.targets.some(t => Number(t.fromVersion.split('.')[0]) < major);
}

function StartDialog(props: {
  isOpen: boolean;
  onClose: () => void;
  onStarted: () => void;
}) {
  const { entity } = useEntity();
  const api = useApi(awsProtonApiRef);
  const [maxConcurrent, setMaxConcurrent] = useState(5);
  const [includeMajorUpgrades, setIncludeMajorUpgrades] = useState(false);
  const [plan, setPlan] = useState<{ value?: Campaign; error?: Error }>({});
  const [starting, setStarting] = useState(false);
  const [failure, setFailure] = useState<Error>();
  const { isOpen } = props;

  useEffect(() => {
    if (!isOpen) return undefined;
    let live = true;
    setPlan({});
    api
      .startCampaign(getCompoundEntityRef(entity), {
        dryRun: true,
        maxConcurrent,
        includeMajorUpgrades,
      })
      .then(
        value => live && setPlan({ value }),
        error => live && setPlan({ error }),
      );
    return () => {
      live = false;
    };
  }, [api, entity, isOpen, maxConcurrent, includeMajorUpgrades]);

  const start = async () => {
    setStarting(true);
    setFailure(undefined);
    try {
      await api.startCampaign(getCompoundEntityRef(entity), {
        maxConcurrent,
        includeMajorUpgrades,
      });
      props.onStarted();
    } catch (error) {
      setFailure(error as Error);
    } finally {
      setStarting(false);
    }
  };
  return (
    <Dialog
      isOpen={isOpen}
      width={720}
      onOpenChange={open => !open && !starting && props.onClose()}
    >
      <DialogHeader>
        Upgrade to {plan.value?.targetVersion ?? 'the recommended version'}
      </DialogHeader>
      <DialogBody>
        <Flex direction="column" gap="3">
          <Select
            label="Deployments at once"
            value={String(maxConcurrent)}
            onChange={value => setMaxConcurrent(Number(value))}
            options={[1, 2, 5, 10, 20].map(n => ({
              id: String(n),
              label: String(n),
            }))}
          />
          {(includeMajorUpgrades ||
            (plan.value && hasOlderMajors(plan.value))) && (
            <Checkbox
              isSelected={includeMajorUpgrades}
              onChange={setIncludeMajorUpgrades}
            >
              Include major upgrades to {plan.value?.targetVersion ?? 'it'}{' '}
              (only where the inputs are valid under it)
            </Checkbox>
          )}
          {plan.error && (
            <Alert
              status="danger"
              title="The campaign could not be planned"
              description={plan.error.message}
            />
          )}
          {!plan.error && !plan.value && <Skeleton width="100%" height={64} />}
          {plan.value && (
            <>
              <Text variant="body-small">{planSummary(plan.value)}</Text>
              <TargetTable campaign={plan.value} previewable />
            </>
          )}
          {failure && (
            <Alert
              status="danger"
              title="The campaign did not start"
              description={failure.message}
            />
          )}
        </Flex>
      </DialogBody>
      <DialogFooter>
        <Button
          variant="secondary"
          isDisabled={starting}
          onPress={props.onClose}
        >
          Cancel
        </Button>
        <Button
          variant="primary"
          isPending={starting}
          isDisabled={!plan.value?.targets.some(t => t.status === 'PENDING')}
          onPress={start}
        >
          Start the campaign
        </Button>
      </DialogFooter>
    </Dialog>
  );
}

function CampaignView(props: {
  campaign: Campaign;
  canAct: boolean;
  onChanged: () => void;
}) {
  const { entity } = useEntity();
  const api = useApi(awsProtonApiRef);
  const [error, setError] = useState<Error>();
  const [pending, setPending] = useState(false);
  const { campaign } = props;
  const act = async (action: 'pause' | 'resume' | 'cancel') => {
    setPending(true);
    setError(undefined);
    try {
      await api.actOnCampaign(
        getCompoundEntityRef(entity),
        campaign.id,
        action,
      );
      props.onChanged();
    } catch (e) {
      setError(e as Error);
    } finally {
      setPending(false);
    }
  };
  const status = CAMPAIGN_LABELS[campaign.status];
  return (
    <Flex direction="column" gap="2" role="region" aria-label="Latest campaign">
      <Flex gap="2" align="center">
        <Text weight="bold" color={status.color}>
          {status.label}
        </Text>
        <Text variant="body-small">{progressOf(campaign)}</Text>
        <Text variant="body-small" color="secondary">
          started by {campaign.createdBy} on{' '}
          {new Date(campaign.createdAt).toLocaleString()}
        </Text>
      </Flex>
      {campaign.statusMessage && (
        <Text
          variant="body-small"
          color={campaign.status.startsWith('STOP') ? 'danger' : 'secondary'}
        >
          {campaign.statusMessage}
        </Text>
      )}
      {props.canAct &&
        (campaign.status === 'RUNNING' || campaign.status === 'PAUSED') && (
          <Flex gap="2">
            {campaign.status === 'RUNNING' ? (
              <Button
                size="small"
                variant="secondary"
                isDisabled={pending}
                onPress={() => act('pause')}
              >
                Pause
              </Button>
            ) : (
              <Button
                size="small"
                variant="secondary"
                isDisabled={pending}
                onPress={() => act('resume')}
              >
                Resume
              </Button>
            )}
            <Button
              size="small"
              variant="secondary"
              isDisabled={pending}
              onPress={() => act('cancel')}
            >
              Cancel the campaign
            </Button>
          </Flex>
        )}
      {error && (
        <Alert
          status="danger"
          title="The campaign did not change"
          description={error.message}
        />
      )}
      <TargetTable campaign={campaign} />
    </Flex>
  );
}

/**
 * A template's upgrade campaigns on its entity page: the latest with its progress, live while it
 * runs, each target's status (service instances and pipelines, or environments) (a failure with its message), pause, resume and cancel, and
 * "Upgrade to recommended" with a plan of the waves before anything starts. Starting and acting need
 * `aws-proton.template.upgrade-fleet` on the entity; without it the buttons are not shown.
 */
export function CampaignSection(props: {
  /** Told a key that changes whenever the latest campaign moves on (for views of the fleet). */
  onProgress?: (key: string) => void;
}) {
  const { entity } = useEntity();
  const api = useApi(awsProtonApiRef);
  const { allowed } = usePermission({
    permission: awsProtonTemplateUpgradeFleetPermission,
    resourceRef: stringifyEntityRef(entity),
  });
  const [open, setOpen] = useState(false);
  const state = useProtonResource<Campaign[]>(
    () => api.listCampaigns(getCompoundEntityRef(entity)),
    campaigns => campaigns.some(c => ACTIVE.includes(c.status)),
    [api, stringifyEntityRef(entity)],
  );
  const latest = state.value?.[0];
  const busy = latest ? ACTIVE.includes(latest.status) : false;
  const progressKey = latest ? `${latest.id}:${latest.updatedAt}` : '';
  const { onProgress } = props;
  useEffect(() => {
    if (progressKey) onProgress?.(progressKey);
  }, [progressKey, onProgress]);
  return (
    <Flex direction="column" gap="2">
      <Flex gap="2" align="center" justify="between">
        <Text variant="body-medium" weight="bold">
          Upgrade campaigns
        </Text>
        {allowed && !busy && (
          <Button size="small" variant="primary" onPress={() => setOpen(true)}>
            Upgrade to recommended
          </Button>
        )}
      </Flex>
      <ResourceState state={state} what="the upgrade campaigns">
        {campaigns =>
          campaigns.length === 0 ? (
            <Text variant="body-small" color="secondary">
              No campaign yet: a campaign upgrades what runs an older version,
              environment by environment.
            </Text>
          ) : (
            <Flex direction="column" gap="2">
              <CampaignView
                campaign={campaigns[0]}
                canAct={allowed}
                onChanged={state.refresh}
              />
              {campaigns.length > 1 && (
                <Text variant="body-small" color="secondary">
                  Earlier:{' '}
                  {campaigns
                    .slice(1, 6)
                    .map(
                      c =>
                        `${new Date(c.createdAt).toLocaleDateString()} to ${
                          c.targetVersion
                        }, ${CAMPAIGN_LABELS[c.status].label.toLowerCase()}`,
                    )
                    .join('; ')}
                </Text>
              )}
            </Flex>
          )
        }
      </ResourceState>
      {open && (
        <StartDialog
          isOpen={open}
          onClose={() => setOpen(false)}
          onStarted={() => {
            setOpen(false);
            state.refresh();
          }}
        />
      )}
    </Flex>
  );
}
