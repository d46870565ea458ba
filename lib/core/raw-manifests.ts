import * as fs from 'fs';
import * as path from 'path';
import { Construct, IConstruct } from 'constructs';

/** One manifest file copied byte for byte into the output. */
export interface RawManifestFile {
  /** Path relative to the output directory, e.g. `crds/prometheuses.monitoring.coreos.com.yaml`. */
  readonly outputPath: string;
  /** Absolute path of the file to copy. */
  readonly sourcePath: string;
}

const RAW_MANIFESTS = Symbol.for('cdk8s-platform.RawManifests');

/**
 * Manifests that bypass cdk8s: files copied byte for byte into the output directory by
 * `synthApp` (lib/core/synth.ts), never parsed or re-serialized. For large upstream YAML
 * (the Prometheus Operator CRDs are 4.3 MB: parsing them with the YAML library alone costs
 * over 3 s, far beyond the synth budget). The copies are not in `appManifests(app)`, so the
 * checks never see them: the construct that adds them is responsible for their content.
 */
export abstract class RawManifests extends Construct {
  /** True for any {@link RawManifests} construct. */
  public static isRawManifests(x: unknown): x is RawManifests {
    return typeof x === 'object' && x !== null && RAW_MANIFESTS in x;
  }

  constructor(scope: Construct, id: string) {
    super(scope, id);
    Object.defineProperty(this, RAW_MANIFESTS, { value: true });
  }

  /** The files to copy. */
  public abstract rawFiles(): RawManifestFile[];
}

/**
 * Copies the files of every {@link RawManifests} construct under `root` into `outdir`; throws
 * when two constructs write the same output path. Returns the written paths (relative), in order.
 */
export function writeRawManifests(root: IConstruct, outdir: string): string[] {
  const seen = new Map<string, string>();
  const written: string[] = [];
  for (const c of root.node.findAll()) {
    if (!RawManifests.isRawManifests(c)) continue;
    for (const file of c.rawFiles()) {
      const other = seen.get(file.outputPath);
      if (other !== undefined) throw new Error(`${c.node.path} and ${other} both write ${file.outputPath}: keep one of them`);
      seen.set(file.outputPath, c.node.path);
      const target = path.join(outdir, file.outputPath);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(file.sourcePath, target);
      written.push(file.outputPath);
    }
  }
  return written;
}
