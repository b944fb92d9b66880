import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { buildDemoTemplateRepository } from './demoTemplateRepository';

/**
 * The demo's template repository, built from this checkout: its commits are the commits that changed
 * the bundles of templates/proton (tests left out), so fargate-service has 1.0 and 1.1.
 */

jest.setTimeout(60_000);

const TEMPLATES = path.resolve(__dirname, '../../../../templates/proton');

describe('buildDemoTemplateRepository', () => {
  let gitDirectory: string;
  beforeEach(async () => {
    gitDirectory = await fs.promises.mkdtemp(
      path.join(os.tmpdir(), 'demo-git-'),
    );
  });
  afterEach(async () => {
    await fs.promises.rm(gitDirectory, { recursive: true, force: true });
  });

  it('replays the history of the template bundles, one commit per change', async () => {
    const built = await buildDemoTemplateRepository({
      templatesDirectory: TEMPLATES,
      gitDirectory,
      name: 'demo/templates',
      copies: { 'fargate-service-with-pipeline': 'fargate-service' },
    });
    // the control plane sees what is pushed: everything, here
    await built.push(built.commits.at(-1)!.sha);
    await built.dispose();
    expect(built.source).toBe('history');
    expect(built.commits.length).toBeGreaterThanOrEqual(2);
    // at least the two commits of 1.0 and 1.1 (later ones add versions, as template sync would)
    expect(built.versions.get('fargate-service/v1')).toBeGreaterThanOrEqual(2);
    expect(built.versions.get('fargate-service-with-pipeline/v1')).toBe(
      built.versions.get('fargate-service/v1'),
    );
    expect(built.versions.get('fargate-env/v1')).toBeGreaterThanOrEqual(1);
    expect(
      built.versions.get('existing-fargate-env/v1'),
    ).toBeGreaterThanOrEqual(1);

    const bare = simpleGit({
      baseDir: path.join(gitDirectory, 'demo/templates.git'),
    });
    const files = (await bare.raw(['ls-tree', '-r', '--name-only', 'main']))
      .split('\n')
      .filter(Boolean);
    expect(files).toEqual(
      expect.arrayContaining([
        'fargate-env/v1/schema/schema.yaml',
        'fargate-env/v1/infrastructure/manifest.yaml',
        'existing-fargate-env/v1/schema/schema.yaml',
        'fargate-service/v1/.template-registration.yaml',
        'fargate-service/v1/instance_infrastructure/index.ts',
        'fargate-service-with-pipeline/v1/pipeline_infrastructure/manifest.yaml',
      ]),
    );
    expect(files.filter(file => /\/(test|node_modules)\//.test(file))).toEqual(
      [],
    );
    expect(files.filter(file => !/^[^/]+\/v1\//.test(file))).toEqual([]);
    // the first version of fargate-service is 1.0: without the input 1.1 added
    const history = (
      await bare.raw([
        'log',
        '--reverse',
        '--format=%H',
        'main',
        '--',
        'fargate-service/v1',
      ])
    )
      .split('\n')
      .filter(Boolean);
    const first = await bare.raw([
      'show',
      `${history[0]}:fargate-service/v1/schema/schema.yaml`,
    ]);
    const second = await bare.raw([
      'show',
      `${history[1]}:fargate-service/v1/schema/schema.yaml`,
    ]);
    expect(first).not.toContain('healthCheckGracePeriodSeconds');
    expect(second).toContain('healthCheckGracePeriodSeconds');
  });
});
