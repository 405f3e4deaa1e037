/**
 * The import rules of ARCHITECTURE.md, checked on every non-spec source file under packages/:
 * a folder imports only folders below it in the documented order, and only through their
 * index.ts. The order is read from ARCHITECTURE.md, so the document and the check cannot drift.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..');
const PACKAGES = join(ROOT, 'packages');

interface Rules {
  /** Bottom first. */
  layers: string[];
  /** `transport ↛ config`: pairs a folder may not import although the order allows it. */
  forbidden: [string, string][];
}

/** The rules written in ARCHITECTURE.md: one `a → b → c` line and any number of `a ↛ b` lines. */
function documentedRules(): Rules {
  const lines = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8')
    .split('\n')
    .map((line) => line.trim());
  const orders = lines.filter((line) => /^[a-z]+( → [a-z]+)+$/.test(line));
  if (orders.length !== 1)
    throw new Error(`ARCHITECTURE.md needs exactly one "a → b → c" line, found ${orders.length}`);
  const forbidden = lines
    .filter((line) => /^[a-z]+ ↛ [a-z]+$/.test(line))
    .map((line) => line.split(' ↛ ') as [string, string]);
  return { layers: orders[0].split(' → '), forbidden };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'files' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Every module a file names: imports, `export ... from`, `import()`, `require()` and `import('x').T` types. */
function importedModules(fileName: string, text: string): string[] {
  const modules: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) modules.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const { expression } = node.moduleReference;
      if (ts.isStringLiteral(expression)) modules.push(expression.text);
    } else if (ts.isCallExpression(node)) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      const [first] = node.arguments;
      if ((isImport || isRequire) && first && ts.isStringLiteralLike(first)) modules.push(first.text);
    } else if (ts.isImportTypeNode(node)) {
      const { argument } = node;
      if (ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal)) modules.push(argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true));
  return modules;
}

/** The rule an import of `module` from `file` breaks, or undefined. Paths are absolute. */
function brokenRule(file: string, module: string, { layers, forbidden }: Rules): string | undefined {
  if (!module.startsWith('.')) return undefined;
  const [fromFolder] = relative(PACKAGES, file).split(sep);
  const target = relative(PACKAGES, resolve(dirname(file), module)).split(sep);
  // Outside packages/ (the package.json, say) there is no layer to break.
  if (target[0] === '..') return undefined;
  const [toFolder, ...rest] = target;
  if (toFolder === fromFolder) return undefined;
  if (layers.indexOf(toFolder) > layers.indexOf(fromFolder)) {
    return `${fromFolder} may not import ${toFolder}: it is above ${fromFolder} in ARCHITECTURE.md's order`;
  }
  if (forbidden.some(([from, to]) => from === fromFolder && to === toFolder)) {
    return `${fromFolder} may not import ${toFolder}: ARCHITECTURE.md says ${fromFolder} ↛ ${toFolder}`;
  }
  if (rest.length > 0 && !(rest.length === 1 && rest[0] === 'index')) {
    return `reaches into ${toFolder}/${rest.join('/')}: import "${toFolder}" through its index.ts`;
  }
  return undefined;
}

describe('architecture (ARCHITECTURE.md)', () => {
  const rules = documentedRules();

  it('names every folder of packages/, and only those', () => {
    const folders = readdirSync(PACKAGES).filter((name) => statSync(join(PACKAGES, name)).isDirectory());
    expect(folders.filter((folder) => !rules.layers.includes(folder))).toEqual([]);
    expect(rules.layers.filter((layer) => !folders.includes(layer))).toEqual([]);
    for (const pair of rules.forbidden) expect(rules.layers).toEqual(expect.arrayContaining(pair));
  });

  it('has every file import one way: lower folders only, through their index.ts', () => {
    const violations = sourceFiles(PACKAGES).flatMap((file) =>
      importedModules(file, readFileSync(file, 'utf8')).flatMap((module) => {
        const rule = brokenRule(file, module, rules);
        return rule ? [`${relative(ROOT, file)} imports "${module}": ${rule}`] : [];
      }),
    );
    expect(violations).toEqual([]);
  });

  it('finds every form of import', () => {
    const text = [
      "import { a } from './static';",
      "import type { B } from './type-only';",
      "export { c } from './reexport';",
      "export * from './star';",
      "const d = import('./dynamic');",
      "const e = require('./required');",
      "import f = require('./import-equals');",
      "type G = import('./import-type').G;",
      "import './side-effect';",
    ].join('\n');
    expect(importedModules('example.ts', text)).toEqual([
      './static',
      './type-only',
      './reexport',
      './star',
      './dynamic',
      './required',
      './import-equals',
      './import-type',
      './side-effect',
    ]);
  });

  it('refuses an import of a higher folder, of a forbidden one and one past an index.ts, and allows the rest', () => {
    const order: Rules = {
      layers: ['shell', 'config', 'transport', 'launch', 'nx'],
      forbidden: [['transport', 'config']],
    };
    const from = (path: string) => join(PACKAGES, path);
    expect(brokenRule(from('transport/ssh.ts'), '../config', order)).toMatch('ARCHITECTURE.md says transport ↛ config');
    expect(brokenRule(from('transport/ssh.ts'), '../shell', order)).toBeUndefined();
    expect(brokenRule(from('config/parse.ts'), '../launch', order)).toMatch('config may not import launch');
    expect(brokenRule(from('nx/executors/x/x.impl.ts'), '../../../config/parse', order)).toMatch(
      'reaches into config/parse',
    );
    expect(brokenRule(from('launch/launch.ts'), '../config', order)).toBeUndefined();
    expect(brokenRule(from('launch/launch.ts'), '../config/index', order)).toBeUndefined();
    expect(brokenRule(from('nx/executors/x/x.impl.ts'), '../../targets', order)).toBeUndefined();
    expect(brokenRule(from('launch/launch.ts'), 'node:path', order)).toBeUndefined();
  });
});
