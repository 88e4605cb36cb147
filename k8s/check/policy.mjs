// Policy check of rendered manifests with the Monokle validation library (@monokle/validation, pinned in
// package-lock.json): its core "practices" (resources, security context, image tags, ...) and
// "pod-security-standards" rules, plus this project's own rules below (probes, spreading, disruption
// budget, shutdown budget, quorum, no autoscaler, image placeholder). Runs offline: only plugins bundled
// in the package are loaded.
//
//   kubectl kustomize k8s/overlays/prod | node k8s/check/policy.mjs [--prod] [file.yaml]
//
// Exit 0: no error; 1: errors (listed); 2: could not run.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { MonokleValidator, DefaultPluginLoader, ResourceParser, SchemaLoader, DisabledFixer, SimpleCustomValidator, AnnotationSuppressor } from '@monokle/validation';

const args = process.argv.slice(2);
const prod = args.includes('--prod');
const file = args.find(a => !a.startsWith('--'));
const text = readFileSync(file ?? 0, 'utf8');

const resources = parseAllDocuments(text).map(d => d.toJS()).filter(Boolean).map((content, i) => ({
  id: `${content.kind}-${content.metadata?.name}-${i}`, fileId: 'rendered', filePath: file ?? 'stdin', fileOffset: 0,
  name: content.metadata?.name, apiVersion: content.apiVersion, kind: content.kind,
  namespace: content.metadata?.namespace, content, text: '',
}));

const workloads = rs => rs.filter(r => ['StatefulSet', 'Deployment'].includes(r.kind));
const containers = r => r.spec?.template?.spec?.containers ?? [];
const envOf = (rs, r, name) => {
  for (const c of containers(r)) {
    const v = (c.env ?? []).find(e => e.name === name)?.value;
    if (v !== undefined) return v;
    for (const from of c.envFrom ?? []) {
      const cm = rs.find(x => x.kind === 'ConfigMap' && x.metadata?.name === from.configMapRef?.name);
      if (cm?.data?.[name] !== undefined) return cm.data[name];
    }
  }
  return undefined;
};
const lr = r => r.metadata?.labels?.['app.kubernetes.io/part-of'] === 'lead-router';
const selects = (selector, labels) => Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v);

const rules = {
  probes: ({
    id: 1, description: 'Every container has startup, readiness and liveness probes',
    help: 'Add startupProbe, readinessProbe and livenessProbe.',
    validate({ resources }, { report }) {
      workloads(resources).forEach(r => containers(r).forEach((c, i) => ['startupProbe', 'readinessProbe', 'livenessProbe']
        .filter(p => !c[p] && (lr(r) || p !== 'startupProbe'))
        .forEach(p => report(r, { path: `spec.template.spec.containers.${i}.${p}` }))));
    },
  }),
  spreading: ({
    id: 2, description: 'Members of a multi-pod workload are spread over nodes as a requirement',
    help: 'Add a topologySpreadConstraint on kubernetes.io/hostname with whenUnsatisfiable: DoNotSchedule.',
    validate({ resources }, { report }) {
      workloads(resources).filter(lr).forEach(r => {
        const ok = (r.spec.template.spec.topologySpreadConstraints ?? [])
          .some(t => t.topologyKey === 'kubernetes.io/hostname' && t.whenUnsatisfiable === 'DoNotSchedule');
        if (!ok) report(r, { path: 'spec.template.spec.topologySpreadConstraints' });
      });
    },
  }),
  disruptionBudget: ({
    id: 3, description: 'Every workload is covered by a PodDisruptionBudget',
    help: 'Add a PodDisruptionBudget whose selector matches the pod template labels.',
    validate({ resources }, { report }) {
      const pdbs = resources.filter(r => r.kind === 'PodDisruptionBudget');
      workloads(resources).filter(lr).forEach(r => {
        if (!pdbs.some(p => selects(p.spec.selector, r.spec.template.metadata?.labels))) {
          report(r, { path: 'spec.template.metadata.labels' });
        }
      });
    },
  }),
  shutdownBudget: ({
    id: 4, description: 'terminationGracePeriodSeconds >= preStop + LEADROUTER_SHUTDOWN_SECONDS + 5 s',
    help: 'Raise terminationGracePeriodSeconds or lower LEADROUTER_SHUTDOWN_SECONDS.',
    validate({ resources }, { report }) {
      workloads(resources).filter(lr).forEach(r => {
        const spec = r.spec.template.spec;
        const preStop = containers(r)[0]?.lifecycle?.preStop?.sleep?.seconds ?? 0;
        const stop = Number(envOf(resources, r, 'LEADROUTER_SHUTDOWN_SECONDS') ?? 45);
        if ((spec.terminationGracePeriodSeconds ?? 30) < preStop + stop + 5) {
          report(r, { path: 'spec.template.spec.terminationGracePeriodSeconds' });
        }
      });
    },
  }),
  quorum: ({
    id: 5, description: 'LEADROUTER_CLUSTER_SIZE equals replicas and LEADROUTER_CLUSTER_QUORUM is a majority of it',
    help: 'Set LEADROUTER_CLUSTER_SIZE to the replicas and LEADROUTER_CLUSTER_QUORUM to size / 2 + 1.',
    validate({ resources }, { report }) {
      workloads(resources).filter(lr).forEach(r => {
        const size = Number(envOf(resources, r, 'LEADROUTER_CLUSTER_SIZE'));
        const quorum = Number(envOf(resources, r, 'LEADROUTER_CLUSTER_QUORUM'));
        if (size !== r.spec.replicas || !(quorum * 2 > size && quorum <= size)) report(r, { path: 'spec.replicas' });
      });
    },
  }),
  noAutoscaler: ({
    id: 6, description: 'No HorizontalPodAutoscaler scales the cluster (a fixed size keeps the quorum a majority)',
    help: 'Remove the HorizontalPodAutoscaler; change replicas, size and quorum together.',
    validate({ resources }, { report }) {
      resources.filter(r => r.kind === 'HorizontalPodAutoscaler' && lr(r)).forEach(r => report(r, { path: 'kind' }));
    },
  }),
  releasedImage: ({
    id: 7, description: 'Production runs a released image: a version tag or a digest, not a placeholder',
    help: 'Set newTag (or digest) of the image in overlays/prod/kustomization.yaml.',
    validate({ resources }, { report }) {
      if (!prod) return;
      workloads(resources).filter(lr).forEach(r => containers(r).forEach((c, i) => {
        const tag = c.image.includes('@sha256:') ? 'digest' : c.image.split('/').pop().split(':')[1];
        if (!tag || /REPLACE|PLACEHOLDER|TODO|CHANGE|latest|dev/i.test(tag)) {
          report(r, { path: `spec.template.spec.containers.${i}.image` });
        }
      }));
    },
  }),
};

// a rule that throws would otherwise be skipped silently by the library: count it as a failure of the check
const ruleFailures = [];
for (const [name, rule] of Object.entries(rules)) {
  const validate = rule.validate;
  rule.validate = (...a) => { try { return validate(...a); } catch (e) { ruleFailures.push(`${name}: ${e.stack}`); } };
}

const loader = new DefaultPluginLoader();
loader.register('lead-router', ({ parser, fixer }) => new SimpleCustomValidator(({
  id: 'LR', name: 'lead-router', displayName: 'Lead Router operations',
  description: 'What a Hazelcast cluster of Lead Router members needs from its manifests', rules,
}), parser, fixer));
const validator = new MonokleValidator({ loader, parser: new ResourceParser(), schemaLoader: new SchemaLoader(), fixer: new DisabledFixer(),
  // an object may accept a finding with a reason: annotation monokle.io/suppress.kbp.<rule>: "why"
  suppressors: [new AnnotationSuppressor()] });
await validator.preload({
  plugins: { practices: true, 'pod-security-standards': true, 'lead-router': true },
  rules: {
    // secrets reach the service as environment variables from secretKeyRef (see k8s/README.md): accepted
    'practices/no-secret-env': false,
    'practices/no-secret-mounted-as-env': false,
    // the usual rules fail the check instead of warning
    ...Object.fromEntries(['cpu-request', 'cpu-limit', 'memory-request', 'memory-limit', 'no-writable-fs',
      'drop-capabilities', 'no-low-user-id', 'no-low-group-id', 'no-root-group', 'no-latest-image', 'image-tagged',
      'no-automount-service-account-token', 'no-sys-admin', 'no-pod-create', 'no-pod-execute']
      .map(r => [`practices/${r}`, 'err'])),
    ...Object.fromEntries(Object.keys(rules).map(k => [`lead-router/${kebab(k)}`, 'err'])),
  },
});
const failed = validator.getFailedPlugins();
if (failed.length) { console.error(`policy: plugins failed to load: ${failed.join(', ')}`); process.exit(2); }

const response = await validator.validate({ resources });
if (ruleFailures.length) { console.error(`policy: rules failed to run:\n${ruleFailures.join('\n')}`); process.exit(2); }
let errors = 0, warnings = 0;
for (const run of response.runs) {
  for (const result of run.results) {
    if (result.suppressions?.length) continue;
    const level = result.level ?? 'warning';
    const rule = [run.tool.driver, ...(run.tool.extensions ?? [])].flatMap(d => d.rules ?? []).find(x => x.id === result.ruleId);
    const where = result.locations?.[1]?.logicalLocations?.[0]?.fullyQualifiedName ?? '';
    const line = `${level === 'error' ? 'ERROR' : 'WARN '} ${rule?.name ?? result.ruleId}: ${result.message.text} ${where}`;
    console.log(line);
    if (level === 'error') errors++; else warnings++;
  }
}
console.log(`policy: ${resources.length} objects, ${errors} errors, ${warnings} warnings`);
process.exit(errors ? 1 : 0);

function kebab(s) { return s.replace(/[A-Z]/g, m => '-' + m.toLowerCase()); }
