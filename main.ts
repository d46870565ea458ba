// The platform app: wiring only. `npm run synth` writes dist/; PLATFORM_PROFILE=dev selects the dev
// profile; PLATFORM_TENANTS=team-a,team-b builds one cluster layer with those tenants (unset: the
// single-tenant platform, namespaces `streaming` and `apps`).
import { App } from 'cdk8s';
import { buildPlatform, PROFILE_ENV, resolveProfile, resolveTenants, synthApp, TENANTS_ENV } from './lib';

// No construct-metadata.json in dist/: `kubectl apply -f dist/` must find only manifests there.
const app = new App({ recordConstructMetadata: false });
buildPlatform(app, { profile: resolveProfile(process.env[PROFILE_ENV]), tenants: resolveTenants(process.env[TENANTS_ENV]) });
// synthApp writes what app.synth() writes, byte for byte, but validates and resolves the app once
// instead of once per chart (cdk8s' own synth grows quadratically with the number of charts).
synthApp(app);
