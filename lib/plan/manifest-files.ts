import { createHash } from 'crypto';
import { readdirSync, readFileSync, statSync } from 'fs';
import { basename, dirname, join, relative } from 'path';
import { parseAllDocuments } from 'yaml';
import { Manifest } from '../checks/types';
import { DEFAULT_CRD_DIRECTORY } from '../observability/crds';

/** File the cdk8s CLI writes next to manifests when a validation plugin is configured; not a manifest. */
const CONSTRUCT_METADATA_FILE = 'construct-metadata.json';
const MANIFEST_FILE = /\.(ya?ml|json)$/;

/** The objects of one YAML (or JSON) text, multi-document; throws naming `source` on invalid YAML. */
export function parseManifests(text: string, source: string): Manifest[] {
  const out: Manifest[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`${source}: invalid YAML: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    // A `kind: List` (kubectl get -o yaml) holds its objects in `items`.
    if (value.kind === 'List' && Array.isArray(value.items)) out.push(...value.items);
    else out.push(value);
  }
  return out;
}

/**
 * Top-level directories of a synth output that hold vendored upstream files copied byte for byte
 * (`RawManifests`, lib/core/raw-manifests.ts): the Prometheus Operator CRDs in `crds/`, 4.3 MB that
 * take the YAML library over 3 s to parse. They are read as {@link rawManifestDigest}s instead.
 */
export const RAW_MANIFEST_DIRECTORIES: readonly string[] = [DEFAULT_CRD_DIRECTORY];

/**
 * True for a file of a synth output's {@link RAW_MANIFEST_DIRECTORIES} (`<outdir>/crds/x.yaml`):
 * vendored upstream YAML the checks do not judge (the constructs that copy it vouch for it).
 */
export function isRawManifestFile(file: string): boolean {
  return RAW_MANIFEST_DIRECTORIES.includes(basename(dirname(file)));
}

/** Annotation of a {@link rawManifestDigest}: the SHA-256 of the file's bytes. */
export const RAW_DIGEST_ANNOTATION = 'platform.cdk8s.io/file-sha256';

/**
 * Manifest files (`*.yaml`, `*.yml`, `*.json`) under `dir`, recursively, sorted (apply order),
 * split into those to parse and the raw copies in {@link RAW_MANIFEST_DIRECTORIES}.
 */
export function manifestFilesByKind(dir: string): { parsed: string[]; raw: string[] } {
  const parsed: string[] = [];
  const raw: string[] = [];
  const walk = (d: string, into: string[]) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path, d === dir && RAW_MANIFEST_DIRECTORIES.includes(entry.name) ? raw : into);
      else if (MANIFEST_FILE.test(entry.name) && entry.name !== CONSTRUCT_METADATA_FILE) into.push(path);
    }
  };
  walk(dir, parsed);
  return { parsed, raw };
}

/** Manifest files (`*.yaml`, `*.yml`, `*.json`) under `dir`, recursively, sorted (apply order), raw copies included. */
export function manifestFiles(dir: string): string[] {
  const { parsed, raw } = manifestFilesByKind(dir);
  return [...parsed, ...raw].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A vendored CRD file as a stand-in object, without parsing it: kind
 * `CustomResourceDefinition`, its `metadata.name` (read from the top of the file, else the file
 * name), and the SHA-256 of its bytes in {@link RAW_DIGEST_ANNOTATION}. Two synths then compare
 * as created / deleted / changed (the digest) like any object, in milliseconds.
 */
export function rawManifestDigest(file: string): Manifest {
  const bytes = readFileSync(file);
  const head = bytes.subarray(0, 4096).toString('utf-8');
  const name = /^metadata:\n(?:[ \t]+.*\n)*?  name: ['"]?([^'"\s]+)['"]?\s*$/m.exec(head)?.[1] ?? basename(file).replace(MANIFEST_FILE, '');
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name, annotations: { [RAW_DIGEST_ANNOTATION]: createHash('sha256').update(bytes).digest('hex') } },
  };
}

/** Options of {@link readManifestDir}. */
export interface ReadManifestDirOptions {
  /**
   * The raw copies in {@link RAW_MANIFEST_DIRECTORIES}: `digest` (default) reads each as a
   * {@link rawManifestDigest}, for comparing two directories; `skip` leaves them out, for comparing a
   * directory with an app's objects (which never include them: `appManifests`).
   */
  readonly raw?: 'digest' | 'skip';
}

/**
 * Every object of the manifest files under `dir` (as `kubectl apply -f <dir> --recursive` reads
 * them), the vendored CRDs as digests (see {@link ReadManifestDirOptions}). Throws when `dir` is not
 * a directory or a file is not valid YAML.
 */
export function readManifestDir(dir: string, options: ReadManifestDirOptions = {}): Manifest[] {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new Error(`${dir}: no such directory`);
  const { parsed, raw } = manifestFilesByKind(dir);
  return [
    ...parsed.flatMap((f) => parseManifests(readFileSync(f, 'utf-8'), relative(process.cwd(), f) || f)),
    ...(options.raw === 'skip' ? [] : raw.map(rawManifestDigest)),
  ];
}
