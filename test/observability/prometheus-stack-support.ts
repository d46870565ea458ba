import { App, Chart } from 'cdk8s';
import { Manifest, manifestsOf } from '../../lib/checks';
import { NamespacesChart } from '../../lib/platform/namespaces';
import { observabilityProfileProps, PROFILES } from '../../lib/platform/profile';

/** An app with a restricted `monitoring` namespace and a chart in it, where `build` adds the constructs under test. */
export function monitoringApp(build: (chart: Chart) => void): { app: App; manifests: Manifest[] } {
  const app = new App({ recordConstructMetadata: false });
  new NamespacesChart(app, 'namespaces', { namespaces: [{ name: 'monitoring', podSecurity: 'restricted' }] });
  const chart = new Chart(app, 'monitoring', { namespace: 'monitoring' });
  build(chart);
  return { app, manifests: manifestsOf(app) };
}

export type Obj = Record<string, any>;

/** The one object of `kind` (and `name`, when given). */
export function find(manifests: Manifest[], kind: string, name?: string): Obj {
  const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata?.name === name));
  if (found.length !== 1) throw new Error(`${found.length} ${kind} ${name ?? ''} objects`);
  return found[0] as Obj;
}

/** The dev profile's props of the stack components (what `PlatformCluster` passes in dev). */
export const DEV = observabilityProfileProps(PROFILES.dev);
