import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Names, Yaml, YamlOutputType } from 'cdk8s';
import { IConstruct, Node } from 'constructs';
import { writeRawManifests } from './raw-manifests';

/**
 * Linear synthesis of a whole app: the same output as `app.synth()`, without its quadratic cost.
 *
 * cdk8s' `app.synth()` serializes each chart with `chart.toJson()`, which calls `App._synthChart`,
 * which re-runs dependency resolution and every construct validation over the WHOLE app before
 * rendering that one chart: O(charts x app size), i.e. quadratic in the number of platform copies.
 * Here validation runs once and dependency resolution only until it reaches its fixed point (after
 * one or two passes; the number of passes does not grow with the app), then each chart's objects
 * are rendered once with the public `ApiObject.toJson()`.
 *
 * Byte-identical to `app.synth()` (same file names, `0000-` prefixes included, same content); the
 * tests prove it for the platform. Never writes `construct-metadata.json`.
 */

/** One chart's resolved manifests, in the order `app.synth()` writes them. */
export interface ChartManifests {
  readonly chart: Chart;
  /** File name without extension, as `app.synth()` names it: `0000-namespaces` when charts depend on each other, else `namespaces`. */
  readonly name: string;
  /** The chart's Kubernetes objects as plain JSON (what `chart.toJson()` returns). */
  readonly objects: any[];
}

/**
 * Every chart's resolved objects, charts in apply (dependency) order: the same charts, names,
 * objects and order as `app.synth()` writes (`chart.toJson()` for each chart), at linear cost. Runs all construct validations first
 * and throws cdk8s' own "Validation failed with the following errors" message.
 */
export function appManifests(app: App): ChartManifests[] {
  return new Synthesis(app).manifests();
}

/**
 * Writes what `app.synth()` writes (every `YamlOutputType`, `app.outputFileExtension`), into
 * `outdir` (default `app.outdir`), minus `construct-metadata.json`. Returns the written paths,
 * relative to `outdir`, in write order.
 */
export function synthApp(app: App, outdir: string = app.outdir): string[] {
  const synthesis = new Synthesis(app);
  const ext = app.outputFileExtension;
  const written: string[] = [];
  const save = (file: string, docs: any[]) => {
    Yaml.save(path.join(outdir, file), docs);
    written.push(file);
  };
  const resourceFile = (obj: any) => `${obj.kind}.${obj.metadata.name}`.replace(/[^0-9a-zA-Z-_.]/g, '') + ext;

  fs.mkdirSync(outdir, { recursive: true });
  switch (app.yamlOutputType) {
    case YamlOutputType.FILE_PER_APP: {
      const charts = synthesis.manifests();
      if (charts.length > 0) save(`app${ext}`, charts.flatMap((c) => c.objects));
      break;
    }
    case YamlOutputType.FILE_PER_CHART:
      for (const { name, objects } of synthesis.manifests()) save(name + ext, objects);
      break;
    case YamlOutputType.FILE_PER_RESOURCE:
      for (const { objects } of synthesis.manifests()) {
        for (const obj of objects) if (obj !== undefined) save(resourceFile(obj), [obj]);
      }
      break;
    case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE:
      // cdk8s renders this type without chart.toJson(), so without the extra dependency passes.
      for (const { name, objects } of synthesis.manifests({ extraPasses: false })) {
        fs.mkdirSync(path.join(outdir, name), { recursive: true });
        for (const obj of objects) if (obj !== undefined) save(path.join(name, resourceFile(obj)), [obj]);
      }
      break;
    default:
      break;
  }
  // Large upstream files (vendored CRDs) are copied as they are, never parsed (lib/core/raw-manifests.ts).
  written.push(...writeRawManifests(app, outdir));
  return written;
}

class Synthesis {
  private readonly subtrees = new Map<Node, IConstruct[]>();

  constructor(private readonly app: App) {}

  /**
   * Mirrors `app.synth()` exactly: validate, resolve dependencies, order the charts, name them;
   * then, where cdk8s' `chart.toJson()` would resolve dependencies again over the whole app, do so
   * only while the previous pass still added a dependency (a pass that adds none leaves the graph
   * as it was, so every later pass is a no-op too). Each chart thus sees the very dependency graph
   * it sees under `app.synth()`, and its objects come out in the same order.
   */
  manifests(options: { extraPasses?: boolean } = {}): ChartManifests[] {
    this.validate();
    const hasDependantCharts = this.resolveDependencies().hasDependantCharts;
    const charts = topology(this.app).filter(Chart.isChart); // = app.charts
    let settled = options.extraPasses === false;
    return charts.map((chart, index) => {
      if (!settled) settled = !this.resolveDependencies().added;
      const label = Names.toDnsLabel(chart);
      const name = hasDependantCharts ? `${index.toString().padStart(4, '0')}-${label}` : label;
      return { chart, name, objects: chartObjects(chart).map((obj) => obj.toJson()) };
    });
  }

  private findAll(node: Node): IConstruct[] {
    let all = this.subtrees.get(node);
    if (!all) this.subtrees.set(node, (all = node.findAll()));
    return all;
  }

  private dependencies(): { source: IConstruct; target: IConstruct }[] {
    return this.findAll(this.app.node).flatMap((source) => source.node.dependencies.map((target) => ({ source, target })));
  }

  // ---------------------------------------------------------------------------------------------
  // From here to the end of the file: the one place that mirrors cdk8s internals. `validate`,
  // `resolveDependencies` and `chartToKube` are module-private functions of
  // node_modules/cdk8s/lib/app.js (2.70.106); `topology` reproduces the order of the public
  // `DependencyGraph`, which is too slow to use on the whole app. All of it uses public API only
  // (Node.validate/addDependency/dependencies/findAll, Chart.of/isChart, ApiObject.isApiObject).
  // If a cdk8s upgrade changes any of it, the byte-identity tests in test/core/synth.test.ts fail.
  // ---------------------------------------------------------------------------------------------

  /** cdk8s `validate(app)`: every construct's validations, one combined error. */
  private validate(): void {
    const errors: string[] = [];
    for (const child of this.findAll(this.app.node)) {
      for (const error of child.node.validate()) errors.push(`[${child.node.path}] ${error}`);
    }
    if (errors.length > 0) throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }

  /**
   * cdk8s `resolveDependencies(app)`: nested charts and cross-chart construct dependencies become
   * chart dependencies, construct dependencies become ApiObject dependencies. Also reports whether
   * the pass added any dependency.
   */
  private resolveDependencies(): { hasDependantCharts: boolean; added: boolean } {
    const before = this.dependencies().length;
    let hasDependantCharts = false;
    for (const parent of this.findAll(this.app.node).filter(Chart.isChart)) {
      for (const child of parent.node.children.filter(Chart.isChart)) {
        parent.node.addDependency(child);
        hasDependantCharts = true;
      }
    }
    for (const { source, target } of this.dependencies()) {
      const sourceChart = Chart.of(source);
      const targetChart = Chart.of(target);
      if (sourceChart !== targetChart) {
        sourceChart.node.addDependency(targetChart);
        hasDependantCharts = true;
      }
    }
    const deps = this.dependencies();
    for (const { source, target } of deps) {
      const sourceChart = Chart.of(source);
      const targetChart = Chart.of(target);
      const targets = this.findAll(target.node).filter((c) => ApiObject.isApiObject(c) && Chart.of(c) === targetChart);
      const sources = this.findAll(source.node).filter((c) => ApiObject.isApiObject(c) && Chart.of(c) === sourceChart);
      for (const t of targets) {
        for (const s of sources) if (t !== s) s.node.addDependency(t);
      }
    }
    return { hasDependantCharts, added: this.dependencies().length !== before };
  }
}

/** cdk8s `chartToKube(chart)`: the chart's own ApiObjects (not nested charts'), in dependency order. */
function chartObjects(chart: Chart): ApiObject[] {
  return topology(chart).filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart);
}

/**
 * `new DependencyGraph(root.node).topology()`, same order, linear time. cdk8s' DependencyGraph
 * checks every edge for a cycle with an unmemoized depth-first search and its topology() revisits
 * shared dependencies, so on the whole app (`app.charts`), where every object of a chart depends
 * on every object of the chart before, it is exponential in the chain of charts: about 0.8 s of the
 * platform's synth. This is the same post-order depth-first walk with a visited set: vertices are
 * keyed by path in a plain object (so they come out in cdk8s' order, `Object.values`), edges follow
 * `node.dependencies` within the subtree, roots are the vertices nothing depends on.
 */
function topology(root: IConstruct): IConstruct[] {
  const vertices: Record<string, { construct: IConstruct; deps: Set<IConstruct>; dependants: number }> = {};
  const all = root.node.findAll();
  for (const construct of all) vertices[construct.node.path] = { construct, deps: new Set(), dependants: 0 };
  const vertexOf = (c: IConstruct) => vertices[c.node.path];
  for (const source of all) {
    for (const target of source.node.dependencies) {
      const vertex = vertexOf(target);
      if (!vertex) continue; // outside the subtree: DependencyGraph leaves such edges out too
      const deps = vertexOf(source).deps;
      if (!deps.has(vertex.construct)) {
        deps.add(vertex.construct);
        vertex.dependants++;
      }
    }
  }
  const result: IConstruct[] = [];
  const done = new Set<IConstruct>();
  const stack: IConstruct[] = [];
  const onPath = new Set<IConstruct>();
  const visit = (c: IConstruct): void => {
    if (done.has(c)) return;
    if (onPath.has(c)) {
      const cycle = [...stack.slice(stack.indexOf(c)), c].map((x) => x.node.path).join(' => ');
      throw new Error(`Dependency cycle detected: ${cycle}`);
    }
    stack.push(c);
    onPath.add(c);
    for (const dep of vertexOf(c).deps) visit(dep);
    onPath.delete(c);
    stack.pop();
    done.add(c);
    result.push(c);
  };
  for (const vertex of Object.values(vertices)) if (vertex.dependants === 0) visit(vertex.construct);
  // Vertices no root reaches lie on or behind a cycle; DependencyGraph throws on those too.
  if (done.size < all.length) for (const vertex of Object.values(vertices)) visit(vertex.construct);
  return result;
}
