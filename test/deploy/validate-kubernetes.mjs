// Validates Kubernetes objects against the Kubernetes OpenAPI schemas, as kubernetes-models
// (ES modules only, hence its own process) generates them. Reads a JSON array of objects on
// stdin; prints a JSON array with, per object, null when valid or the validation message.
import { readFileSync } from 'node:fs';

const MODELS = {
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1/Service': 'kubernetes-models/v1/Service',
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
};

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const object of objects) {
  const key = `${object.apiVersion}/${object.kind}`;
  const module = MODELS[key];
  if (module === undefined) {
    results.push(`no schema for ${key} in this check`);
    continue;
  }
  const Model = (await import(module))[object.kind];
  try {
    new Model(object).validate();
    results.push(null);
  } catch (error) {
    results.push(error.message);
  }
}
process.stdout.write(JSON.stringify(results));
