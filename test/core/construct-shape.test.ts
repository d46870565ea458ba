import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * Every construct reads as resolve (validation and defaults into a typed value, before any object
 * exists) then render (small methods): a constructor that needs more than one screen mixes the two.
 */
const MAX_CONSTRUCTOR_LINES = 40;
const LIB = path.join(__dirname, '..', '..', 'lib');

/**
 * Constructors not yet split into resolve and render, with their current length as a ceiling
 * (they may only shrink; remove an entry once the constructor fits {@link MAX_CONSTRUCTOR_LINES}).
 */
const NOT_YET_SPLIT: Record<string, number> = {
  NodeExporter: 94,
  ZookeeperEnsemble: 89,
  PlatformCluster: 75,
};

/** `[lines, 'lib/<file>:<line> <Class>']` of every constructor with a body in `source`. */
function constructorsOf(file: string, source: string): Array<[number, string]> {
  const src = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
  const found: Array<[number, string]> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isConstructorDeclaration(node) && node.body) {
      const first = src.getLineAndCharacterOfPosition(node.getStart()).line;
      const last = src.getLineAndCharacterOfPosition(node.end).line;
      const owner = (node.parent as ts.ClassLikeDeclaration).name?.text ?? '(anonymous)';
      found.push([last - first + 1, `${file}:${first + 1} ${owner}`]);
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return found;
}

describe('construct shape', () => {
  const all = (fs.readdirSync(LIB, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) => constructorsOf(`lib/${f}`, fs.readFileSync(path.join(LIB, f), 'utf8')));

  test(`no constructor in lib/ is longer than ${MAX_CONSTRUCTOR_LINES} lines`, () => {
    const tooLong = all.filter(([lines, where]) => lines > (NOT_YET_SPLIT[where.split(' ')[1]] ?? MAX_CONSTRUCTOR_LINES));
    expect(tooLong.map(([lines, where]) => `${where}: ${lines} lines`)).toEqual([]);
  });

  test('every constructor still waiting to be split is still too long (the list only shrinks)', () => {
    const lengths = new Map(all.map(([lines, where]) => [where.split(' ')[1], lines]));
    expect(Object.keys(NOT_YET_SPLIT).filter((name) => !((lengths.get(name) ?? 0) > MAX_CONSTRUCTOR_LINES))).toEqual([]);
  });

  test('the scan measures constructors, and finds the ones of the library', () => {
    expect(constructorsOf('x.ts', 'class A {\n  constructor() {\n    a();\n    b();\n  }\n  m() {}\n}\n')).toEqual([[4, 'x.ts:2 A']]);
    expect(all.map(([, where]) => where.split(' ')[1])).toEqual(expect.arrayContaining(['KafkaCluster', 'ZookeeperEnsemble', 'Elasticsearch', 'WebApp']));
  });
});
