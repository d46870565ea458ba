import type { Flow, PodRef } from '../core/flows';
import { ManifestIndex, namespaceOf, violation } from './objects';
import { operatorPodTemplates } from './operator-pods';
import { PodTemplate, podTemplatesOf } from './pod-templates';
import { containerPortsOf, resolveNamedPort } from './ports';
import { selectorMatches } from './selectors';
import { Manifest, Violation } from './types';

/**
 * Prometheus Operator monitors must scrape something real: a ServiceMonitor selects Services that
 * name its endpoint ports, a PodMonitor selects pods that name its container ports. Part of
 * {@link checkWiring}.
 */

/** True when a monitor's `namespaceSelector` (any / matchNames / its own namespace) covers `namespace`. */
function watchesNamespace(monitor: Manifest, namespace: string): boolean {
  const selector = monitor.spec?.namespaceSelector;
  if (selector?.any === true) return true;
  const names: string[] = selector?.matchNames?.length ? selector.matchNames : [namespaceOf(monitor)];
  return names.includes(namespace);
}

function portNames(endpoints: any[] | undefined): string[] {
  return (endpoints ?? []).map((e) => e?.port).filter((p): p is string => typeof p === 'string');
}

/** `wiring/service-monitor`: selects a Service that declares every endpoint port name. */
export function serviceMonitorTargets(index: ManifestIndex): Violation[] {
  return index.ofKind('ServiceMonitor').flatMap((monitor) => {
    const services = index.ofKind('Service').filter((s) => watchesNamespace(monitor, namespaceOf(s)) && selectorMatches(monitor.spec?.selector, s.metadata?.labels));
    if (services.length === 0) {
      return [violation('wiring/service-monitor', monitor, 'selector matches no Service in the watched namespaces',
        'make spec.selector match the labels of the Service to scrape (and namespaceSelector its namespace)')];
    }
    const wanted = portNames(monitor.spec?.endpoints);
    const ok = services.some((s) => wanted.every((name) => (s.spec?.ports ?? []).some((p: any) => p?.name === name)));
    return ok ? [] : [violation('wiring/service-monitor', monitor,
      `no selected Service (${services.map((s) => `${namespaceOf(s)}/${s.metadata?.name}`).join(', ')}) names every endpoint port (${wanted.join(', ')})`,
      'set endpoints[].port to the name of a Service port of the selected Service')];
  });
}

/** `wiring/pod-monitor`: selects a pod template that declares every podMetricsEndpoints port name. */
export function podMonitorTargets(index: ManifestIndex, templates: PodTemplate[]): Violation[] {
  return index.ofKind('PodMonitor').flatMap((monitor) => {
    const pods = templates.filter((t) => watchesNamespace(monitor, t.namespace) && selectorMatches(monitor.spec?.selector, t.labels));
    if (pods.length === 0) {
      return [violation('wiring/pod-monitor', monitor, 'selector matches no pod template in the watched namespaces',
        'make spec.selector match the pod template labels (and namespaceSelector its namespace)')];
    }
    const wanted = portNames(monitor.spec?.podMetricsEndpoints);
    const ok = pods.some((t) => wanted.every((name) => containerPortsOf(t).some((p) => p.name === name)));
    return ok ? [] : [violation('wiring/pod-monitor', monitor,
      `no selected pod (${pods.map((t) => t.resource).join(', ')}) names every container port (${wanted.join(', ')})`,
      'set podMetricsEndpoints[].port to the name of a container port of the selected pods')];
  });
}

/** Who scrapes: the Prometheus pods. */
export type Scraper = PodRef;

/** A connection Prometheus needs to scrape one monitor target (see {@link monitorFlows}). */
export type ScrapeFlow = Flow;

/**
 * One flow per scraped pod template and port of every ServiceMonitor and PodMonitor: the named
 * metrics port resolved to its number on the selected pods (through the Service's targetPort for
 * a ServiceMonitor). Checking these flows proves monitoring can reach every metrics port that is
 * declared, without a hand-written list that could drift.
 */
export function monitorFlows(manifests: Manifest[], scraper: Scraper): ScrapeFlow[] {
  const index = new ManifestIndex(manifests);
  const templates = [...podTemplatesOf(manifests), ...operatorPodTemplates(manifests)];
  const flows: ScrapeFlow[] = [];
  const add = (monitor: Manifest, t: PodTemplate, port: number) => flows.push({
    name: `monitoring -> ${t.resource} port ${port} (${monitor.kind} ${namespaceOf(monitor)}/${monitor.metadata.name})`,
    from: scraper,
    to: { namespace: t.namespace, labels: t.labels },
    port,
  });
  for (const monitor of index.ofKind('ServiceMonitor')) {
    const services = index.ofKind('Service').filter((s) => watchesNamespace(monitor, namespaceOf(s)) && selectorMatches(monitor.spec?.selector, s.metadata?.labels));
    for (const service of services) {
      const pods = templates.filter((t) => t.namespace === namespaceOf(service) && service.spec?.selector && selectorMatches({ matchLabels: service.spec.selector }, t.labels));
      for (const name of portNames(monitor.spec?.endpoints)) {
        const servicePort = (service.spec?.ports ?? []).find((p: any) => p?.name === name);
        if (!servicePort) continue;
        const target = servicePort.targetPort ?? servicePort.port;
        for (const t of pods) {
          for (const port of typeof target === 'number' ? [target] : resolveNamedPort(t, target)) add(monitor, t, port);
        }
      }
    }
  }
  for (const monitor of index.ofKind('PodMonitor')) {
    const pods = templates.filter((t) => watchesNamespace(monitor, t.namespace) && selectorMatches(monitor.spec?.selector, t.labels));
    for (const name of portNames(monitor.spec?.podMetricsEndpoints)) {
      for (const t of pods) for (const port of resolveNamedPort(t, name)) add(monitor, t, port);
    }
  }
  return flows;
}
