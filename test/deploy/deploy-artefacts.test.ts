// What can be checked of the deployment artefacts without a Docker engine or a cluster: every
// manifest under deploy/kubernetes parses and is valid against the Kubernetes OpenAPI schemas
// (kubernetes-models), the security and probe settings the image relies on are set, selectors,
// Services and ConfigMaps fit together, every container's arguments are a valid
// `switchyard start` command line whose sources resolve, every ConfigMap's flags pass strict
// validation, and the Dockerfile passes dockerfile-utils' linter and says what the docs promise.
// Building and running the image, and applying the manifests, are not checked here.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseFlags } from '@switchyard/core';
import { parseCommandLine, resolveStartOptions } from '@switchyard/daemon';
import { resolveSources } from '@switchyard/sources';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { parseAllDocuments } from 'yaml';
import { repositoryRoot } from '../support/testbed.js';

const root = repositoryRoot();
const manifestsDir = join(root, 'deploy', 'kubernetes');

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked against the schemas below
  spec?: any;
  data?: Record<string, string>;
  resources?: string[];
};

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

const files = yamlFiles(manifestsDir);
const documents = files.flatMap((file) =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => ({ file, doc })),
);
const objects = documents.map(({ file, doc }) => ({ file, object: doc.toJS() as K8sObject }));
const resources = objects.filter(({ object }) => object.kind !== 'Kustomization');
const ofKind = (kind: string) => resources.filter(({ object }) => object.kind === kind);

test('every manifest parses as YAML', () => {
  expect(files.length).toBeGreaterThanOrEqual(7);
  for (const { file, doc } of documents) {
    expect({ file, errors: doc.errors.map((e) => e.message) }).toEqual({ file, errors: [] });
  }
});

test('every object is valid against the Kubernetes schemas (kubernetes-models, in its own process)', () => {
  const output = execFileSync(process.execPath, [join(__dirname, 'validate-kubernetes.mjs')], {
    cwd: join(root, 'test'),
    input: JSON.stringify(resources.map((r) => r.object)),
  });
  const results = JSON.parse(String(output)) as (string | null)[];
  const invalid = results.flatMap((message, i) =>
    message === null ? [] : [`${resources[i]!.file}: ${resources[i]!.object.kind}: ${message}`],
  );
  expect(invalid).toEqual([]);
});

test('each kustomization lists files that exist', () => {
  const kustomizations = objects.filter(({ object }) => object.kind === 'Kustomization');
  expect(kustomizations.map(({ file }) => file.slice(manifestsDir.length + 1)).sort()).toEqual([
    'chain/kustomization.yaml',
    'daemon/kustomization.yaml',
  ]);
  for (const { file, object } of kustomizations) {
    for (const resource of object.resources!)
      expect(existsSync(join(dirname(file), resource))).toBe(true);
  }
});

describe.each(ofKind('Deployment').map(({ file, object }) => [object.metadata.name, file, object]))(
  'Deployment %s',
  (_name, file, deployment) => {
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;

    test('runs as uid/gid 65532, read-only root, no privileges, no service-link variables', () => {
      expect(pod.enableServiceLinks).toBe(false);
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 65532,
        runAsGroup: 65532,
      });
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    });

    test('probes: liveness /healthz and readiness /readyz on the management port', () => {
      const management = container.ports.find((p: { name: string }) => p.name === 'management');
      expect(management.containerPort).toBe(8014);
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'management' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'management' });
    });

    test('the selector matches the pod labels, and a Service selects the pods', () => {
      const labels = deployment.spec.template.metadata.labels;
      expect(labels).toMatchObject(deployment.spec.selector.matchLabels);
      const services = ofKind('Service').filter(({ object }) =>
        Object.entries(object.spec.selector).every(([k, v]) => labels[k] === v),
      );
      expect(services.length).toBe(1);
      const ports = new Set(container.ports.map((p: { name: string }) => p.name));
      for (const port of services[0]!.object.spec.ports)
        expect(ports.has(port.targetPort)).toBe(true);
    });

    test('the arguments are a valid switchyard start command line; mounted ConfigMaps exist', () => {
      const { command, args } = parseCommandLine(container.args);
      expect(command).toBe('start');
      const { options } = resolveStartOptions(args, {});
      expect(resolveSources(options.sources, '/').length).toBeGreaterThan(0);
      for (const volume of pod.volumes ?? []) {
        const name = volume.configMap.name;
        expect(ofKind('ConfigMap').some(({ object }) => object.metadata.name === name)).toBe(true);
      }
      expect(file).toMatch(/\.yaml$/);
    });
  },
);

test("every ConfigMap's flag files pass strict validation", () => {
  for (const { object } of ofKind('ConfigMap')) {
    for (const [name, text] of Object.entries(object.data ?? {})) {
      const result = parseFlags(text, { source: name, mode: 'strict' });
      expect({ name, diagnostics: result.diagnostics }).toEqual({ name, diagnostics: [] });
    }
  }
});

test('the Dockerfile passes the linter and runs as 65532 with a health check on the management port', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  expect(lintDockerfile(dockerfile)).toEqual([]);
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => /^[A-Z]+\s/.test(line));
  const last = (name: string) => instructions.filter((l) => l.startsWith(`${name} `)).at(-1);
  expect(last('FROM')).toMatch(
    /^FROM gcr\.io\/distroless\/nodejs\$\{NODE_VERSION\}-debian12:nonroot$/,
  );
  expect(last('USER')).toBe('USER 65532:65532');
  expect(last('HEALTHCHECK')).toMatch(/CMD \["\/nodejs\/bin\/node", "\/app\/healthcheck\.cjs"\]$/);
  expect(last('ENTRYPOINT')).toBe('ENTRYPOINT ["/nodejs/bin/node", "/app/bin/switchyard.cjs"]');
  expect(last('EXPOSE')).toBe('EXPOSE 8013 8014 8015 8016');
  const healthcheck = readFileSync(join(root, 'deploy', 'docker', 'healthcheck.cjs'), 'utf8');
  expect(healthcheck).toMatch(/FLAGD_MANAGEMENT_PORT \|\| 8014/);
  expect(healthcheck).toMatch(/path: '\/readyz'/);
});
