// The platform app: wiring only. `npm run synth` writes dist/; PLATFORM_PROFILE=dev selects the dev profile.
import { App } from 'cdk8s';
import { buildPlatform, PROFILE_ENV, resolveProfile } from './lib';

// No construct-metadata.json in dist/: `kubectl apply -f dist/` must find only manifests there.
const app = new App({ recordConstructMetadata: false });
buildPlatform(app, { profile: resolveProfile(process.env[PROFILE_ENV]) });
app.synth();
