import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A tiny Pulumi program with its lockfile; its node_modules are installed by the tests that run it. */
export const PULUMI_FIXTURE = path.resolve(
  __dirname,
  '../../fixtures/pulumi-program',
);

/**
 * Installs the fixture's lockfile once (the simulate runner then reuses its node_modules for any
 * bundle with the same lockfile); false, with a warning, when the npm registry cannot be reached
 * (in CI, where it can, that throws instead).
 */
export async function installPulumiFixture(): Promise<boolean> {
  const installed = () =>
    fs.existsSync(
      path.join(PULUMI_FIXTURE, 'node_modules', '@pulumi', 'pulumi'),
    );
  if (installed()) return true;
  // test files run in parallel workers: one installs, the others wait for it (5 minutes at most)
  const lock = path.join(PULUMI_FIXTURE, '.installing');
  try {
    fs.mkdirSync(lock);
  } catch {
    const deadline = Date.now() + 5 * 60_000;
    while (fs.existsSync(lock) && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 500));
    }
    return installed();
  }
  try {
    await run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: PULUMI_FIXTURE,
      env: {
        ...process.env,
        PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`,
      },
    });
    return true;
  } catch (error) {
    // in CI the registry is there: a failure to install is a failure, not a reason to skip
    if (process.env.CI) throw error;
    console.warn(
      `The Pulumi program tests did not run: npm ci failed in ${PULUMI_FIXTURE} (is the registry reachable?): ${
        (error as Error).message
      }`,
    );
    return false;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
