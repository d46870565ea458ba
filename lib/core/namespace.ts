import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkDnsLabel } from './validation';

/**
 * The namespace a construct's objects land in: its chart's namespace. Stateful constructs need it to
 * build stable DNS names (`<pod>.<service>.<namespace>.svc.<clusterDomain>`), so it is required.
 */
export function namespaceOf(scope: IConstruct): string {
  const namespace = Chart.of(scope).namespace;
  if (!namespace) {
    throw new Error(`${scope.node.path}: needs a namespace to build stable DNS names: create its chart with { namespace: '<name>' }`);
  }
  return checkDnsLabel(scope, 'chart namespace', namespace);
}
