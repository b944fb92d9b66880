import * as pulumi from '@pulumi/pulumi';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** A resource the program registered, with the inputs it gave. */
export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

export interface ProgramRun {
  resources: RecordedResource[];
  /** The program's stack outputs (its module exports), resolved. */
  outputs: Record<string, unknown>;
}

export interface RunOptions {
  /** Unqualified configuration keys and their string values, as `pulumi config set-all` stores them. */
  config: Record<string, string>;
  stack?: string;
  /** The state a resource reports after creation, on top of its inputs. */
  state?: (resource: RecordedResource) => Record<string, unknown>;
  /** Results of provider functions (invokes), by token. */
  call?: (token: string, args: Record<string, any>) => Record<string, unknown>;
}

const programDir = path.resolve(__dirname, '..');

/** Reads Pulumi.yaml: the project name and the defaults of its project-level configuration. */
export function readProject(): {
  name: string;
  defaults: Record<string, string>;
} {
  const project = parse(
    fs.readFileSync(path.join(programDir, 'Pulumi.yaml'), 'utf8'),
  );
  const defaults: Record<string, string> = {};
  for (const [key, spec] of Object.entries<any>(project.config ?? {})) {
    if (spec?.default !== undefined) defaults[key] = String(spec.default);
  }
  return { name: project.name, defaults };
}

/** Runs one of the bundle's jq functions (proton.jq), exactly as provision.sh does. */
function protonJq(fn: string, input: unknown, raw: boolean): string {
  return execFileSync(
    'jq',
    ['-L', programDir, raw ? '-j' : '-c', `include "proton"; ${fn}`],
    {
      input: JSON.stringify(input),
      encoding: 'utf8',
    },
  );
}

/** The stack configuration provision.sh writes for a proton-inputs.json (`config_entries`). */
export function protonConfig(protonInputs: unknown): Record<string, string> {
  const entries = protonJq('config_entries', protonInputs, true)
    .split('\0')
    .filter(Boolean);
  return Object.fromEntries(
    entries.map(entry => [
      entry.slice(0, entry.indexOf('=')),
      entry.slice(entry.indexOf('=') + 1),
    ]),
  );
}

/** The stack name provision.sh uses for a proton-inputs.json (`stack_name`). */
export function protonStackName(protonInputs: unknown): string {
  return protonJq('stack_name', protonInputs, true);
}

/** The outputs provision.sh reports to Proton for the program's outputs (`proton_outputs`). */
export function protonOutputs(
  outputs: Record<string, unknown>,
): { key: string; valueString: string }[] {
  return JSON.parse(protonJq('proton_outputs', outputs, false));
}

function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise(resolve => output.apply(value => resolve(value)));
}

/**
 * Runs the program (`index.ts`) once against Pulumi's mock runtime, as `pulumi up` would with the given
 * configuration and the defaults from Pulumi.yaml. One run per process: node --test runs each test file
 * in its own process.
 */
export async function runProgram(options: RunOptions): Promise<ProgramRun> {
  const project = readProject();
  const resources: RecordedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: args => {
        const recorded: RecordedResource = {
          type: args.type,
          name: args.name,
          inputs: args.inputs,
        };
        resources.push(recorded);
        return {
          id: `${args.name}-id`,
          state: { ...args.inputs, ...options.state?.(recorded) },
        };
      },
      call: args => options.call?.(args.token, args.inputs) ?? {},
    },
    project.name,
    options.stack ?? 'test',
    false,
  );
  const qualified = (values: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(values).map(([key, value]) => [
        `${project.name}:${key}`,
        value,
      ]),
    );
  pulumi.runtime.setAllConfig({
    ...qualified(project.defaults),
    ...qualified(options.config),
  });
  const program = await import(path.join(programDir, 'index'));
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program)) {
    if (key === 'default' || key === '__esModule') continue;
    outputs[key] = pulumi.Output.isInstance(value)
      ? await settled(value as pulumi.Output<unknown>)
      : value;
  }
  // Waits for every outstanding registration, including resources no output depends on.
  await pulumi.runtime.disconnect();
  return { resources, outputs };
}

/** Resources of one type. */
export function ofType(run: ProgramRun, type: string): RecordedResource[] {
  return run.resources.filter(resource => resource.type === type);
}

/** The one resource of a type; fails when there are none or several. */
export function single(run: ProgramRun, type: string): RecordedResource {
  const found = ofType(run, type);
  if (found.length !== 1) {
    throw new Error(`expected one ${type}, found ${found.length}`);
  }
  return found[0];
}
