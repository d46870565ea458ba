import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { parseAllDocuments } from 'yaml';
import { Manifest } from '../checks/types';

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

/** Manifest files (`*.yaml`, `*.yml`, `*.json`) under `dir`, recursively, sorted (apply order). */
export function manifestFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (MANIFEST_FILE.test(entry.name) && entry.name !== CONSTRUCT_METADATA_FILE) found.push(path);
    }
  };
  walk(dir);
  return found;
}

/**
 * Every object of the manifest files under `dir` (as `kubectl apply -f <dir> --recursive` reads
 * them). Throws when `dir` is not a directory or a file is not valid YAML.
 */
export function readManifestDir(dir: string): Manifest[] {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new Error(`${dir}: no such directory`);
  return manifestFiles(dir).flatMap((f) => parseManifests(readFileSync(f, 'utf-8'), relative(process.cwd(), f) || f));
}
