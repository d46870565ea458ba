import { stringify } from 'yaml';
import { parsePrometheusDuration } from '../monitoring/promql';

/**
 * A typed Alertmanager configuration (route tree, receivers, inhibit rules) that never holds a
 * credential: every secret value (webhook URL with a token, Slack URL, PagerDuty key, SMTP
 * password) is a reference to a key of an existing Kubernetes Secret. The Alertmanager resource
 * lists those Secrets in `spec.secrets`, the operator mounts each at
 * `/etc/alertmanager/secrets/<secret>/`, and the rendered configuration points the receivers'
 * `*_file` fields there. So the generated configuration Secret is safe to commit and to diff.
 */

/** A key of an existing Secret in the Alertmanager's namespace. */
export interface SecretKeyReference {
  /** Secret name. */
  readonly secret: string;
  /** Key in the Secret. */
  readonly key: string;
}

/** A generic webhook receiver. */
export interface WebhookReceiver {
  /** URL without credentials (no user-info, no query string). Exactly one of url and urlFrom. */
  readonly url?: string;
  /** A Secret key holding the URL (for URLs with tokens). */
  readonly urlFrom?: SecretKeyReference;
  /** Also notify when the alert resolves. @default true */
  readonly sendResolved?: boolean;
}

/** A Slack incoming-webhook receiver. */
export interface SlackReceiver {
  /** A Secret key holding the incoming-webhook URL. */
  readonly apiUrlFrom: SecretKeyReference;
  /** Channel, e.g. `#alerts`. */
  readonly channel: string;
  /** @default true */
  readonly sendResolved?: boolean;
}

/** A PagerDuty (Events API v2) receiver. */
export interface PagerDutyReceiver {
  /** A Secret key holding the integration (routing) key. */
  readonly routingKeyFrom: SecretKeyReference;
  /** @default true */
  readonly sendResolved?: boolean;
}

/** An e-mail receiver. */
export interface EmailReceiver {
  readonly to: string;
  readonly from: string;
  /** SMTP server `host:port`. */
  readonly smarthost: string;
  /** SMTP user. @default - no authentication */
  readonly authUsername?: string;
  /** A Secret key holding the SMTP password (needs authUsername). */
  readonly authPasswordFrom?: SecretKeyReference;
  /** @default true */
  readonly requireTls?: boolean;
}

/** A named receiver with any number of integrations (none: a "null" receiver that drops). */
export interface AlertmanagerReceiver {
  readonly name: string;
  readonly webhooks?: WebhookReceiver[];
  readonly slack?: SlackReceiver[];
  readonly pagerDuty?: PagerDutyReceiver[];
  readonly email?: EmailReceiver[];
}

/** A node of the route tree. */
export interface AlertmanagerRoute {
  /** Receiver of the alerts this route matches. Required at the root; children inherit it. */
  readonly receiver?: string;
  /** Matchers in Alertmanager syntax: `severity="critical"`, `alertname=~"Kafka.*"`, `namespace!="dev"`. */
  readonly matchers?: string[];
  /** Labels alerts are grouped by into one notification. */
  readonly groupBy?: string[];
  readonly groupWait?: string;
  readonly groupInterval?: string;
  readonly repeatInterval?: string;
  /** Keep matching sibling routes after this one matched. @default false */
  readonly continue?: boolean;
  readonly routes?: AlertmanagerRoute[];
}

/** Mutes alerts matching `targetMatchers` while an alert matching `sourceMatchers` fires with the same `equal` labels. */
export interface AlertmanagerInhibitRule {
  readonly sourceMatchers: string[];
  readonly targetMatchers: string[];
  readonly equal: string[];
}

/** The whole configuration. */
export interface AlertmanagerConfiguration {
  readonly route: AlertmanagerRoute;
  readonly receivers: AlertmanagerReceiver[];
  readonly inhibitRules?: AlertmanagerInhibitRule[];
}

/** Where the operator mounts the Secrets listed in `spec.secrets`. */
export const ALERTMANAGER_SECRETS_DIR = '/etc/alertmanager/secrets';

/** Name of the always-firing alert of the stack's dead-man's switch (see stack-alerts.ts). */
export const WATCHDOG_ALERT = 'Watchdog';

/** Options of {@link defaultAlertmanagerConfiguration}. */
export interface DefaultAlertmanagerConfigurationOptions {
  /** Where every alert goes. @default - a receiver `null` without integrations (alerts only in the UI) */
  readonly receiver?: AlertmanagerReceiver;
  /**
   * The dead-man's switch: an external service that pages when the always-firing Watchdog alert
   * stops arriving (so a dead Prometheus or Alertmanager is noticed). @default - Watchdog goes to `null`
   */
  readonly deadMansSwitch?: AlertmanagerReceiver;
}

/**
 * The platform's default route tree: alerts grouped by `alertname`, `namespace` and `cluster`;
 * Watchdog routed alone to the dead-man's switch, re-sent every minute; critical inhibits
 * warning and info of the same alertname and namespace, warning inhibits info.
 */
export function defaultAlertmanagerConfiguration(options: DefaultAlertmanagerConfigurationOptions = {}): AlertmanagerConfiguration {
  const main = options.receiver ?? { name: 'null' };
  const watchdog = options.deadMansSwitch ?? (main.name === 'null' ? undefined : { name: 'null' });
  const receivers = [main, ...(watchdog && watchdog.name !== main.name ? [watchdog] : [])];
  return {
    route: {
      receiver: main.name,
      groupBy: ['alertname', 'namespace', 'cluster'],
      groupWait: '30s',
      groupInterval: '5m',
      repeatInterval: '12h',
      routes: [{
        receiver: (watchdog ?? main).name,
        matchers: [`alertname="${WATCHDOG_ALERT}"`],
        groupWait: '0s',
        groupInterval: '1m',
        repeatInterval: '1m',
      }],
    },
    receivers,
    inhibitRules: [
      { sourceMatchers: ['severity="critical"'], targetMatchers: ['severity=~"warning|info"'], equal: ['alertname', 'namespace'] },
      { sourceMatchers: ['severity="warning"'], targetMatchers: ['severity="info"'], equal: ['alertname', 'namespace'] },
    ],
  };
}

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RECEIVER_NAME = /^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/;
const SECRET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** Problems of one matcher (`label op "value"`), empty when valid. */
export function matcherProblems(matcher: string): string[] {
  const m = typeof matcher === 'string' ? MATCHER.exec(matcher) : null;
  if (!m) return [`matcher ${JSON.stringify(matcher)} must be <label><op>"<value>" with op =, !=, =~ or !~ (e.g. severity="critical")`];
  if (m[2] === '=~' || m[2] === '!~') {
    try {
      new RegExp(`^(?:${JSON.parse(`"${m[3]}"`)})$`);
    } catch (e) {
      return [`matcher ${JSON.stringify(matcher)}: invalid regular expression (${(e as Error).message})`];
    }
  }
  return [];
}

/**
 * Every problem of a configuration: unknown or duplicate receivers, a root route without
 * receiver, invalid matchers, label names and durations, credentials outside Secrets. Empty when valid.
 */
export function alertmanagerConfigurationProblems(config: AlertmanagerConfiguration): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const [i, r] of (config?.receivers ?? []).entries()) {
    if (typeof r?.name !== 'string' || !RECEIVER_NAME.test(r.name)) problems.push(`receivers[${i}].name ${JSON.stringify(r?.name)} must be 1-63 letters, digits, "-", "_" or "."`);
    else if (names.has(r.name)) problems.push(`receivers[${i}].name "${r.name}" is not unique`);
    names.add(r?.name);
    problems.push(...receiverProblems(r, `receivers[${r?.name ?? i}]`));
  }
  if ((config?.receivers ?? []).length === 0) problems.push('receivers must hold at least one receiver');
  if (!config?.route?.receiver) problems.push('route.receiver must be set at the root of the route tree');
  const walk = (route: AlertmanagerRoute, at: string) => {
    if (route.receiver !== undefined && !names.has(route.receiver)) {
      problems.push(`${at}.receiver "${route.receiver}" is not one of the receivers (${[...names].join(', ')})`);
    }
    for (const matcher of route.matchers ?? []) problems.push(...matcherProblems(matcher).map((p) => `${at}.matchers: ${p}`));
    for (const label of route.groupBy ?? []) {
      if (label !== '...' && !LABEL_NAME.test(label)) problems.push(`${at}.groupBy: "${label}" is not a label name`);
    }
    for (const key of ['groupWait', 'groupInterval', 'repeatInterval'] as const) {
      const value = route[key];
      if (value !== undefined && parsePrometheusDuration(value) === undefined) problems.push(`${at}.${key}: "${value}" is not a duration such as "5m"`);
    }
    (route.routes ?? []).forEach((child, i) => walk(child, `${at}.routes[${i}]`));
  };
  if (config?.route) walk(config.route, 'route');
  for (const [i, rule] of (config?.inhibitRules ?? []).entries()) {
    const at = `inhibitRules[${i}]`;
    if (!rule.sourceMatchers?.length || !rule.targetMatchers?.length) problems.push(`${at} needs sourceMatchers and targetMatchers`);
    for (const m of [...(rule.sourceMatchers ?? []), ...(rule.targetMatchers ?? [])]) problems.push(...matcherProblems(m).map((p) => `${at}: ${p}`));
    for (const label of rule.equal ?? []) if (!LABEL_NAME.test(label)) problems.push(`${at}.equal: "${label}" is not a label name`);
  }
  return problems;
}

function refProblems(ref: SecretKeyReference | undefined, at: string): string[] {
  if (!ref) return [];
  const out: string[] = [];
  if (typeof ref.secret !== 'string' || !SECRET_NAME.test(ref.secret)) out.push(`${at}.secret ${JSON.stringify(ref.secret)} must be a Secret name`);
  if (typeof ref.key !== 'string' || !SECRET_KEY.test(ref.key)) out.push(`${at}.key ${JSON.stringify(ref.key)} must be a Secret key`);
  return out;
}

function receiverProblems(r: AlertmanagerReceiver, at: string): string[] {
  const out: string[] = [];
  (r.webhooks ?? []).forEach((w, i) => {
    const where = `${at}.webhooks[${i}]`;
    if ((w.url === undefined) === (w.urlFrom === undefined)) out.push(`${where}: set exactly one of url and urlFrom`);
    if (w.url !== undefined) {
      let parsed: URL | undefined;
      try { parsed = new URL(w.url); } catch { out.push(`${where}.url ${JSON.stringify(w.url)} is not a URL`); }
      if (parsed && !/^https?:$/.test(parsed.protocol)) out.push(`${where}.url must be http(s)`);
      if (parsed && (parsed.username || parsed.password || parsed.search)) {
        out.push(`${where}.url carries credentials (user-info or a query string): put the URL in a Secret and use urlFrom`);
      }
    }
    out.push(...refProblems(w.urlFrom, `${where}.urlFrom`));
  });
  (r.slack ?? []).forEach((s, i) => {
    if (!s.apiUrlFrom) out.push(`${at}.slack[${i}].apiUrlFrom is required (the webhook URL is a credential)`);
    out.push(...refProblems(s.apiUrlFrom, `${at}.slack[${i}].apiUrlFrom`));
    if (typeof s.channel !== 'string' || s.channel.length === 0) out.push(`${at}.slack[${i}].channel must be set`);
  });
  (r.pagerDuty ?? []).forEach((p, i) => {
    if (!p.routingKeyFrom) out.push(`${at}.pagerDuty[${i}].routingKeyFrom is required (the routing key is a credential)`);
    out.push(...refProblems(p.routingKeyFrom, `${at}.pagerDuty[${i}].routingKeyFrom`));
  });
  (r.email ?? []).forEach((e, i) => {
    const where = `${at}.email[${i}]`;
    if (!/^[^\s@]+@[^\s@]+$/.test(e.to ?? '') || !/^[^\s@]+@[^\s@]+$/.test(e.from ?? '')) out.push(`${where}: to and from must be e-mail addresses`);
    if (!/^[^\s:]+:\d{1,5}$/.test(e.smarthost ?? '')) out.push(`${where}.smarthost must be host:port`);
    if (e.authPasswordFrom && !e.authUsername) out.push(`${where}.authPasswordFrom needs authUsername`);
    out.push(...refProblems(e.authPasswordFrom, `${where}.authPasswordFrom`));
  });
  return out;
}

/** The Secrets a configuration reads credentials from (for `spec.secrets`), sorted. */
export function referencedSecrets(config: AlertmanagerConfiguration): string[] {
  const names = new Set<string>();
  for (const r of config.receivers) {
    for (const ref of [
      ...(r.webhooks ?? []).map((w) => w.urlFrom), ...(r.slack ?? []).map((s) => s.apiUrlFrom),
      ...(r.pagerDuty ?? []).map((p) => p.routingKeyFrom), ...(r.email ?? []).map((e) => e.authPasswordFrom),
    ]) if (ref) names.add(ref.secret);
  }
  return [...names].sort();
}

const file = (ref: SecretKeyReference) => `${ALERTMANAGER_SECRETS_DIR}/${ref.secret}/${ref.key}`;

function renderRoute(route: AlertmanagerRoute): Record<string, unknown> {
  return {
    ...(route.receiver !== undefined ? { receiver: route.receiver } : {}),
    ...(route.matchers?.length ? { matchers: [...route.matchers] } : {}),
    ...(route.groupBy ? { group_by: [...route.groupBy] } : {}),
    ...(route.groupWait ? { group_wait: route.groupWait } : {}),
    ...(route.groupInterval ? { group_interval: route.groupInterval } : {}),
    ...(route.repeatInterval ? { repeat_interval: route.repeatInterval } : {}),
    ...(route.continue ? { continue: true } : {}),
    ...(route.routes?.length ? { routes: route.routes.map(renderRoute) } : {}),
  };
}

function renderReceiver(r: AlertmanagerReceiver): Record<string, unknown> {
  return {
    name: r.name,
    ...(r.webhooks?.length ? {
      webhook_configs: r.webhooks.map((w) => ({ ...(w.url ? { url: w.url } : { url_file: file(w.urlFrom!) }), send_resolved: w.sendResolved ?? true })),
    } : {}),
    ...(r.slack?.length ? {
      slack_configs: r.slack.map((s) => ({ api_url_file: file(s.apiUrlFrom), channel: s.channel, send_resolved: s.sendResolved ?? true })),
    } : {}),
    ...(r.pagerDuty?.length ? {
      pagerduty_configs: r.pagerDuty.map((p) => ({ routing_key_file: file(p.routingKeyFrom), send_resolved: p.sendResolved ?? true })),
    } : {}),
    ...(r.email?.length ? {
      email_configs: r.email.map((e) => ({
        to: e.to, from: e.from, smarthost: e.smarthost,
        ...(e.authUsername ? { auth_username: e.authUsername } : {}),
        ...(e.authPasswordFrom ? { auth_password_file: file(e.authPasswordFrom) } : {}),
        require_tls: e.requireTls ?? true,
      })),
    } : {}),
  };
}

/** The configuration as Alertmanager's `alertmanager.yaml` (no credential in it). Throws on any problem. */
export function renderAlertmanagerConfiguration(config: AlertmanagerConfiguration): string {
  const problems = alertmanagerConfigurationProblems(config);
  if (problems.length > 0) throw new Error(`invalid Alertmanager configuration:\n- ${problems.join('\n- ')}`);
  return stringify({
    route: renderRoute(config.route),
    receivers: config.receivers.map(renderReceiver),
    inhibit_rules: (config.inhibitRules ?? []).map((r) => ({ source_matchers: [...r.sourceMatchers], target_matchers: [...r.targetMatchers], equal: [...r.equal] })),
  }, { lineWidth: 0 });
}

/**
 * The TCP ports Alertmanager connects to when it notifies the receivers of `configuration`,
 * sorted: 443 for Slack, PagerDuty and webhooks whose URL is in a Secret; a webhook URL's own
 * port (80/443 by scheme); an e-mail smarthost's port. Empty for "null" receivers only.
 */
export function notificationPorts(configuration: AlertmanagerConfiguration): number[] {
  const ports = new Set<number>();
  for (const r of configuration.receivers) {
    for (const w of r.webhooks ?? []) {
      if (w.url === undefined) ports.add(443);
      else {
        const url = new URL(w.url);
        ports.add(url.port !== '' ? Number(url.port) : url.protocol === 'http:' ? 80 : 443);
      }
    }
    if ((r.slack ?? []).length > 0 || (r.pagerDuty ?? []).length > 0) ports.add(443);
    for (const e of r.email ?? []) {
      const port = Number(/:(\d+)$/.exec(e.smarthost)?.[1] ?? 25);
      ports.add(port);
    }
  }
  return [...ports].sort((a, b) => a - b);
}
