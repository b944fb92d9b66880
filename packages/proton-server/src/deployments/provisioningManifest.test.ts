import { failureLine, shortenPaths } from './provisioningManifest';

describe("a failed step's line for its statusMessage", () => {
  it("is the tool's own error line, without its stack trace or the server's paths", () => {
    const node = [
      'node:internal/modules/cjs/loader:1228',
      '  throw err;',
      '  ^',
      '',
      "Error: Cannot find module '/tmp/proton-server-1a2b/runs/d-1/src/lib/setup.js'",
      'Require stack:',
      '- /tmp/proton-server-1a2b/runs/d-1/src/index.js',
      '    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)',
      '    at Object.<anonymous> (/tmp/proton-server-1a2b/runs/d-1/src/index.js:1:1) {',
      "  code: 'MODULE_NOT_FOUND',",
      '}',
      '',
      'Node.js v24.21.0',
    ].join('\n');
    expect(failureLine(node)).toBe("Error: Cannot find module '…/setup.js'");

    const python = [
      'Traceback (most recent call last):',
      '  File "/home/runner/work/deploy.py", line 12, in <module>',
      '    main()',
      'botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation: Access Denied',
    ].join('\n');
    expect(failureLine(python)).toBe(
      'botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation: Access Denied',
    );

    const pulumi = [
      'Updating (dev):',
      '  +  aws:lb:TargetGroup web-dev creating (0s)',
      "  +  aws:lb:TargetGroup web-dev creating (1s) error: creating ELBv2 Target Group (web-dev-a-very-long-name-1234567): ValidationError: Target group name 'web-dev-a-very-long-name-1234567' cannot be longer than '32' characters",
      'Resources:',
      '    4 unchanged',
      'Duration: 3s',
    ].join('\n');
    expect(failureLine(pulumi)).toMatch(
      /^\+ {2}aws:lb:TargetGroup web-dev creating \(1s\) error: creating ELBv2 Target Group/,
    );
  });

  it("skips npm's closing lines, and keeps lines that only look like frames", () => {
    const npm = [
      'npm error Missing script: "build"',
      'npm error',
      'npm error To see a list of scripts, run:',
      'npm error   npm run',
      'npm error A complete log of this run can be found in: /root/.npm/_logs/2026-12-02T10_00_00_000Z-debug-0.log',
    ].join('\n');
    expect(failureLine(npm)).toBe('npm error Missing script: "build"');
    expect(
      failureLine(
        '--- FAIL: TestSubnets (0.00s)\n    subnets_test.go:12: want at least 2 subnets, got 1: invalid VPC range',
      ),
    ).toBe(
      'subnets_test.go:12: want at least 2 subnets, got 1: invalid VPC range',
    );
    expect(
      failureLine(
        'Error: the VPC range is too small\n  at least 2 subnets are needed',
      ),
    ).toBe('Error: the VPC range is too small');
  });

  it('is the last line when none names an error, and empty when the step printed nothing', () => {
    expect(failureLine('building\nstep three of five\n')).toBe(
      'step three of five',
    );
    expect(failureLine('\n  \n')).toBe('');
  });
});

describe('shortened paths', () => {
  it("leave AWS names that start with a slash, and shorten file URLs of the machine's folders", () => {
    expect(
      shortenPaths(
        'ParameterNotFound: /app/prod/db-url in log group /aws/lambda/fn; at file:///tmp/proton-server-1a2b/runs/d-1/src/index.mjs:3',
      ),
    ).toBe(
      'ParameterNotFound: /app/prod/db-url in log group /aws/lambda/fn; at …/index.mjs:3',
    );
  });

  it('keep the last part of absolute paths and the whole of URLs and relative paths', () => {
    expect(
      shortenPaths(
        'open /var/lib/proton/runs/d-1/src/outputs.json: see https://docs.aws.amazon.com/elasticloadbalancing/latest/x.html or ./src/index.ts',
      ),
    ).toBe(
      'open …/outputs.json: see https://docs.aws.amazon.com/elasticloadbalancing/latest/x.html or ./src/index.ts',
    );
  });
});
