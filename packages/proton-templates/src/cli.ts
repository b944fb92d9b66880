import { ProtonClient } from '@aws-sdk/client-proton';
import { S3Client } from '@aws-sdk/client-s3';
import { Command, InvalidArgumentError, Option } from 'commander';
import fs from 'node:fs/promises';
import path from 'node:path';
import { packageBundle } from './bundle/packageBundle';
import {
  BundleUpload,
  DirectoryBundleUpload,
  S3BundleUpload,
} from './publish/bundleUpload';
import {
  publishTemplate,
  TemplatePublishError,
} from './publish/publishTemplate';
import { BundleFinding, formatFindings } from './validate/bundleFinding';
import { validateBundle } from './validate/validateBundle';

/**
 * Where the CLI writes; the process streams by default.
 *
 * @public
 */
export interface ProtonTemplatesCliOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processOutput: ProtonTemplatesCliOutput = {
  stdout: text => process.stdout.write(text),
  stderr: text => process.stderr.write(text),
};

function parseMajor(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) {
    throw new InvalidArgumentError('a major version is a positive integer');
  }
  return Number(value);
}

function parseCompatibleTemplate(
  value: string,
  previous: Array<{ templateName: string; majorVersion: string }> = [],
) {
  const match = /^([^:]+):([1-9]\d*)$/.exec(value);
  if (!match)
    throw new InvalidArgumentError(
      'expected <environment template name>:<major version>',
    );
  return [...previous, { templateName: match[1], majorVersion: match[2] }];
}

function printFindings(
  out: ProtonTemplatesCliOutput,
  findings: BundleFinding[],
) {
  for (const line of formatFindings(findings)) out.stdout(`${line}\n`);
}

/**
 * Runs the `proton-templates` command line (`argv` as in `process.argv`) and resolves to its exit
 * code: 0 on success, 1 when a bundle is invalid or a command fails, 2 on a usage error.
 *
 * @public
 */
export async function runProtonTemplatesCli(
  argv: string[],
  out: ProtonTemplatesCliOutput = processOutput,
): Promise<number> {
  let exitCode = 0;
  const program = new Command('proton-templates')
    .description('Validate, package and publish AWS Proton template bundles')
    .exitOverride()
    .configureOutput({ writeOut: out.stdout, writeErr: out.stderr });

  program
    .command('validate')
    .description(
      'Check a template bundle: layout, schema.yaml, manifests, quotas, node_modules, secrets, and the inputs its programs read',
    )
    .argument('<dir>', 'the bundle folder (the one holding schema/)')
    .option('--json', 'print {bundle, valid, findings} as JSON')
    .action(async (dir: string, options: { json?: boolean }) => {
      const { findings, valid } = await validateBundle(dir);
      exitCode = valid ? 0 : 1;
      if (options.json) {
        out.stdout(
          `${JSON.stringify({ bundle: dir, valid, findings }, null, 2)}\n`,
        );
        return;
      }
      printFindings(out, findings);
      const errors = findings.filter(f => f.severity === 'error').length;
      out.stdout(
        valid
          ? `${dir}: valid Proton template bundle\n`
          : `${dir}: ${errors} error(s)\n`,
      );
    });

  program
    .command('package')
    .description('Validate a bundle and write it as a deterministic .tar.gz')
    .argument('<dir>', 'the bundle folder')
    .requiredOption('-o, --output <file>', 'the .tar.gz to write')
    .option('--skip-validation', 'package even if the bundle does not validate')
    .option(
      '--root-folder <name>',
      "the archive's top-level folder (default: the bundle folder's name; '' for none)",
    )
    .option('--json', 'print {file, sha256, size, files} as JSON')
    .action(
      async (
        dir: string,
        options: {
          output: string;
          skipValidation?: boolean;
          rootFolder?: string;
          json?: boolean;
        },
      ) => {
        if (!options.skipValidation) {
          const { findings, valid } = await validateBundle(dir);
          if (!valid) {
            printFindings(
              out,
              findings.filter(f => f.severity === 'error'),
            );
            out.stderr(
              `${dir} does not validate: not packaged (see --skip-validation)\n`,
            );
            exitCode = 1;
            return;
          }
        }
        const archive = await packageBundle(dir, {
          rootFolder: options.rootFolder,
        });
        await fs.mkdir(path.dirname(path.resolve(options.output)), {
          recursive: true,
        });
        await fs.writeFile(options.output, archive.content);
        const size = archive.content.length;
        out.stdout(
          options.json
            ? `${JSON.stringify(
                {
                  file: options.output,
                  sha256: archive.sha256,
                  size,
                  files: archive.files,
                },
                null,
                2,
              )}\n`
            : `${archive.sha256}  ${size} bytes  ${options.output} (${archive.files.length} files)\n`,
        );
      },
    );

  program
    .command('publish')
    .description(
      'Package a bundle, upload it, create the template version (creating the template if needed), wait for its registration and optionally publish it',
    )
    .argument('<dir>', 'the bundle folder')
    .requiredOption('--name <template>', 'the template name')
    .addOption(
      new Option('--type <type>', 'the template type')
        .choices(['environment', 'service'])
        .makeOptionMandatory(),
    )
    .option(
      '--major <n>',
      'add a minor version to this major version (default: chosen by schema compatibility)',
      parseMajor,
    )
    .option(
      '--publish',
      'publish the version once registered (it becomes the recommended version)',
    )
    .option(
      '--bucket <bucket>',
      'the S3 bucket (or, with --bundles-dir, its folder; proton-templates by default there)',
    )
    .option(
      '--key-prefix <prefix>',
      'prepended to <template>/<sha256>.tar.gz',
      '',
    )
    .option(
      '--bundles-dir <dir>',
      "copy the bundle to the control plane's <dir>/<bucket>/<key> instead of S3",
    )
    .option(
      '--endpoint-url <url>',
      'the Proton endpoint, e.g. the control plane http://127.0.0.1:4510',
    )
    .option(
      '--region <region>',
      'the AWS region (default: from the environment)',
    )
    .option(
      '--compatible-environment-template <name:major>',
      'an environment template a service template version runs on (repeatable)',
      parseCompatibleTemplate,
    )
    .option(
      '--description <text>',
      'the description of the template (when created) and the version',
    )
    .option('--skip-validation', 'publish even if the bundle does not validate')
    .option(
      '--wait-seconds <n>',
      'how long to wait for registration',
      Number,
      300,
    )
    .option(
      '--json',
      'print {version, major, minor, status, reason, sha256, size, location} as JSON',
    )
    .action(async (dir: string, options: PublishCommandOptions) => {
      exitCode = await publishCommand(dir, options, out);
    });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    const code = (error as { exitCode?: number }).exitCode;
    if (code !== undefined) return code === 1 ? 2 : code;
    throw error;
  }
  return exitCode;
}

interface PublishCommandOptions {
  name: string;
  type: 'environment' | 'service';
  major?: number;
  publish?: boolean;
  bucket?: string;
  keyPrefix: string;
  bundlesDir?: string;
  endpointUrl?: string;
  region?: string;
  compatibleEnvironmentTemplate?: Array<{
    templateName: string;
    majorVersion: string;
  }>;
  description?: string;
  skipValidation?: boolean;
  waitSeconds: number;
  json?: boolean;
}

function isServiceError(
  error: unknown,
): error is Error & { $metadata: unknown } {
  return error instanceof Error && '$metadata' in error;
}

async function publishCommand(
  dir: string,
  options: PublishCommandOptions,
  out: ProtonTemplatesCliOutput,
): Promise<number> {
  const bucket =
    options.bucket ?? (options.bundlesDir ? 'proton-templates' : undefined);
  if (!bucket) {
    out.stderr(
      'publish: --bucket is required (unless --bundles-dir is given)\n',
    );
    return 2;
  }
  // The default credential chain (environment, shared files, SSO, instance roles) applies.
  const region =
    options.region ??
    (options.endpointUrl && !process.env.AWS_REGION ? 'us-east-1' : undefined);
  const proton = new ProtonClient({ region, endpoint: options.endpointUrl });
  let s3: S3Client | undefined;
  let upload: BundleUpload;
  if (options.bundlesDir) {
    upload = new DirectoryBundleUpload(options.bundlesDir);
  } else {
    s3 = new S3Client({ region });
    upload = new S3BundleUpload(s3);
  }
  try {
    const result = await publishTemplate(
      {
        bundleDir: dir,
        templateName: options.name,
        kind: options.type,
        major: options.major,
        publish: options.publish,
        bucket,
        keyPrefix: options.keyPrefix,
        description: options.description,
        compatibleEnvironmentTemplates: options.compatibleEnvironmentTemplate,
        skipValidation: options.skipValidation,
        maxWaitSeconds: options.waitSeconds,
        minDelaySeconds: options.endpointUrl ? 1 : undefined,
      },
      { proton, upload, log: line => out.stderr(`${line}\n`) },
    );
    out.stdout(
      options.json
        ? `${JSON.stringify(result, null, 2)}\n`
        : `${result.version}\n`,
    );
    return 0;
  } catch (error) {
    if (isServiceError(error)) {
      // An error answered by Proton or S3 (AWS or the control plane): its name says what went wrong.
      out.stderr(`publish: ${error.name}: ${error.message}\n`);
      return 1;
    }
    if (!(error instanceof TemplatePublishError)) throw error;
    printFindings(out, error.findings);
    out.stderr(`publish: ${error.message}\n`);
    return 1;
  } finally {
    proton.destroy();
    s3?.destroy();
  }
}
