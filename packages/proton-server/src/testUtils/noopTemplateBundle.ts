/**
 * The files of a template bundle whose steps do nothing: a schema with one optional input and a
 * CodeBuild manifest that only echoes. For benchmarks and tests that need registered templates and
 * deployments, not infrastructure.
 *
 * @public
 */
export function noopTemplateBundleFiles(
  kind: 'environment' | 'service',
): Record<string, string> {
  const folder =
    kind === 'environment' ? 'infrastructure' : 'instance_infrastructure';
  return {
    'schema/schema.yaml': `schema:
  format:
    openapi: "3.0.0"
  ${kind}_input_type: "Inputs"
  types:
    Inputs:
      type: object
      properties:
        port:
          type: integer
          default: 80
          minimum: 1
          maximum: 65535
`,
    [`${folder}/manifest.yaml`]: `infrastructure:
  templates:
    - rendering_engine: codebuild
      settings:
        provision: [echo provision]
        deprovision: [echo deprovision]
`,
  };
}
