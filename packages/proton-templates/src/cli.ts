import { Command } from 'commander';
import { validateBundle } from './validate/validateBundle';

/**
 * Runs the `proton-templates` command line and resolves to its exit code.
 *
 * @public
 */
export async function runProtonTemplatesCli(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('proton-templates')
    .description('Validate, package and publish AWS Proton template bundles')
    .exitOverride();

  program
    .command('validate')
    .description(
      'Check a template bundle: layout, schema.yaml as Proton reads it, manifest, quotas, no node_modules',
    )
    .argument('<dir>', 'the bundle folder (the one holding schema/)')
    .action(async (dir: string) => {
      const findings = await validateBundle(dir);
      for (const finding of findings) {
        process.stdout.write(
          `${finding.severity}: ${finding.path}: ${finding.message}\n`,
        );
      }
      const errors = findings.filter(f => f.severity === 'error').length;
      process.stdout.write(
        errors
          ? `${dir}: ${errors} error(s)\n`
          : `${dir}: valid Proton template bundle\n`,
      );
      exitCode = errors ? 1 : 0;
    });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    if (code !== undefined) return code;
    throw error;
  }
  return exitCode;
}
