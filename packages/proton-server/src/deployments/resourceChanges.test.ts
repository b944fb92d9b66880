import { compareResources, PlannedResource } from './resourceChanges';

const resource = (
  type: string,
  name: string,
  inputs: Record<string, unknown> = {},
  custom = true,
): PlannedResource => ({ type, name, inputs, custom });

const SERVICE = 'aws:ecs/service:Service';
const TARGET_GROUP = 'aws:lb/targetGroup:TargetGroup';
const TASK = 'aws:ecs/taskDefinition:TaskDefinition';

describe('compareResources', () => {
  it('pairs resources by type and name and says what would happen to each', () => {
    const preview = compareResources(
      [
        resource(SERVICE, 'web', { desiredCount: 1, cluster: 'c' }),
        resource(TARGET_GROUP, 'web', { name: 'web-a1b2', port: 80 }),
        resource('aws:cloudwatch/logGroup:LogGroup', 'web', {
          retentionInDays: 7,
        }),
        resource('aws:iam/role:Role', 'old', { assumeRolePolicy: '{}' }),
      ],
      [
        resource(SERVICE, 'web', { cluster: 'c', desiredCount: 2 }),
        resource(TARGET_GROUP, 'web', { name: 'web-c3d4', port: 80 }),
        resource('aws:cloudwatch/logGroup:LogGroup', 'web', {
          retentionInDays: 7,
        }),
        resource('aws:appautoscaling/target:Target', 'web', { maxCapacity: 4 }),
      ],
    );
    expect(preview).toEqual({
      changes: [
        {
          action: 'create',
          type: 'aws:appautoscaling/target:Target',
          name: 'web',
        },
        {
          action: 'replace',
          type: TARGET_GROUP,
          name: 'web',
          changedInputs: ['name'],
        },
        {
          action: 'update',
          type: SERVICE,
          name: 'web',
          changedInputs: ['desiredCount'],
        },
        { action: 'delete', type: 'aws:iam/role:Role', name: 'old' },
      ],
      unchanged: 1,
    });
  });

  it('replaces a task definition for any change but its tags: AWS registers a new revision', () => {
    expect(
      compareResources(
        [resource(TASK, 'web', { family: 'web', cpu: '256' })],
        [resource(TASK, 'web', { family: 'web', cpu: '512' })],
      ).changes,
    ).toEqual([
      { action: 'replace', type: TASK, name: 'web', changedInputs: ['cpu'] },
    ]);
  });

  it('updates a task definition in place when only its tags change', () => {
    expect(
      compareResources(
        [resource(TASK, 'web', { family: 'web', tags: { v: '1.0' } })],
        [resource(TASK, 'web', { family: 'web', tags: { v: '1.1' } })],
      ).changes,
    ).toEqual([
      { action: 'update', type: TASK, name: 'web', changedInputs: ['tags'] },
    ]);
  });

  it('updates what refers to a replaced resource, by its id or ARN, to the replacement', () => {
    const task = (cpu: string) => ({
      ...resource(TASK, 'web', { family: 'web', cpu }),
      references: ['web-simulated', 'arn:aws:simulated:us-east-1:1:task/web'],
    });
    const service = resource(SERVICE, 'web', {
      taskDefinition: 'arn:aws:simulated:us-east-1:1:task/web',
    });
    // a name that only begins like the task's id is no reference
    const other = resource(SERVICE, 'web-2', { note: 'web-simulated-2' });
    const policy = resource('aws:iam/rolePolicy:RolePolicy', 'web', {
      policy: JSON.stringify({
        Resource: ['arn:aws:simulated:us-east-1:1:task/web'],
      }),
    });
    expect(
      compareResources(
        [task('256'), service, other, policy],
        [task('512'), service, other, policy],
      ),
    ).toEqual({
      changes: [
        { action: 'replace', type: TASK, name: 'web', changedInputs: ['cpu'] },
        {
          action: 'update',
          type: SERVICE,
          name: 'web',
          changedInputs: ['taskDefinition'],
        },
        {
          action: 'update',
          type: 'aws:iam/rolePolicy:RolePolicy',
          name: 'web',
          changedInputs: ['policy'],
        },
      ],
      unchanged: 1,
    });
  });

  it('compares nested inputs by value, not by key order', () => {
    expect(
      compareResources(
        [resource(SERVICE, 'web', { tags: { a: '1', b: '2' }, ports: [80] })],
        [resource(SERVICE, 'web', { ports: [80], tags: { b: '2', a: '1' } })],
      ),
    ).toEqual({ changes: [], unchanged: 1 });
    expect(
      compareResources(
        [resource(SERVICE, 'web', { tags: { a: '1' } })],
        [resource(SERVICE, 'web', { tags: { a: '2' } })],
      ).changes,
    ).toEqual([
      { action: 'update', type: SERVICE, name: 'web', changedInputs: ['tags'] },
    ]);
  });

  it('leaves components out: they group resources and deploy nothing themselves', () => {
    expect(
      compareResources(
        [],
        [resource('awsx:ec2:Vpc', 'vpc', {}, false), resource(SERVICE, 'web')],
      ).changes,
    ).toEqual([{ action: 'create', type: SERVICE, name: 'web' }]);
  });

  it('pairs resources of the same type and name in registration order', () => {
    expect(
      compareResources(
        [
          resource(SERVICE, 'web', { n: 1 }),
          resource(SERVICE, 'web', { n: 2 }),
        ],
        [resource(SERVICE, 'web', { n: 1 })],
      ),
    ).toEqual({
      changes: [{ action: 'delete', type: SERVICE, name: 'web' }],
      unchanged: 1,
    });
  });
});
