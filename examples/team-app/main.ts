// The team's cdk8s app: `cdk8s synth` runs it (cdk8s.yaml) and then the platform's checks.
import { App } from 'cdk8s';
import { buildTeam } from './team';

// No construct-metadata.json in dist/: `kubectl apply -f dist/` must find only manifests there.
const app = new App({ recordConstructMetadata: false });
buildTeam(app);
app.synth();
