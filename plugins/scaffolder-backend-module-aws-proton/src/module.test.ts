import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleAwsProton } from './module';

describe('scaffolderModuleAwsProton', () => {
  it('adds the five AWS Proton actions to the scaffolder', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [
        scaffolderModuleAwsProton,
        mockServices.rootConfig.factory({
          data: {
            awsProton: { regions: ['us-east-1'], accountIds: ['000000000000'] },
          },
        }),
      ],
    });
    const ids = addActions.mock.calls.flat().map(action => action.id);
    expect(ids).toEqual([
      'aws:proton:create-service',
      'aws:proton:create-service-instance',
      'aws:proton:create-environment',
      'aws:proton:update-service-instance',
      'aws:proton:upgrade-fleet',
    ]);
    for (const action of addActions.mock.calls.flat()) {
      expect(action.supportsDryRun).toBe(true);
      expect(action.examples.length).toBeGreaterThan(0);
    }
  });
});
