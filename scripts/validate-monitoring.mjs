#!/usr/bin/env node
// Validates the Prometheus Operator objects (monitoring.coreos.com) of rendered manifests against
// the upstream CRDs' schemas, offline: @kubernetes-models/prometheus-operator ships validators
// generated from those CRDs. kubeconform has no offline schema for these kinds; this covers them.
//   node scripts/validate-monitoring.mjs rendered.yaml [...]
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';

const KINDS = {
  'monitoring.coreos.com/v1/PrometheusRule': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule',
  'monitoring.coreos.com/v1/ServiceMonitor': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1/PodMonitor': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor',
};

let checked = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(await readFile(file, 'utf8'))) {
    const obj = doc.toJS();
    if (!obj || typeof obj.apiVersion !== 'string' || !obj.apiVersion.startsWith('monitoring.coreos.com/')) continue;
    const key = `${obj.apiVersion}/${obj.kind}`;
    const module = KINDS[key];
    if (module === undefined) {
      console.error(`validate-monitoring: ${file}: no validator for ${key}`);
      failed++;
      continue;
    }
    const Model = (await import(module))[obj.kind];
    try {
      new Model(obj).validate();
      checked++;
    } catch (err) {
      console.error(`validate-monitoring: ${file}: ${obj.kind} ${obj.metadata?.name}: ${err.message}`);
      failed++;
    }
  }
}
console.log(`validate-monitoring: ${checked} monitoring.coreos.com objects valid, ${failed} invalid`);
process.exit(failed === 0 ? 0 : 1);
