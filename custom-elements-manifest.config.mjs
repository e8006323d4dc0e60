// custom-elements.json is generated from the widgets' source; `npm run cem:check` keeps it in sync.

/** An abstract class (the elements' shared base) is not a custom element: no `customElement` flag for it. */
function abstractClassesAreNotElements() {
  const abstract = [];
  return {
    name: 'abstract-classes-are-not-elements',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isClassDeclaration(node) || !node.modifiers?.some((m) => m.kind === ts.SyntaxKind.AbstractKeyword)) return;
      const doc = moduleDoc.declarations?.find((d) => d.name === node.name?.getText());
      if (doc) abstract.push(doc);
    },
    // The Lit plugin flags every LitElement subclass in the link phase, so this runs after it.
    packageLinkPhase() {
      for (const doc of abstract) delete doc.customElement;
    },
  };
}

/**
 * A type alias of string literals (`type Theme = 'light' | 'dark'`) is written out as its union, so a
 * manifest consumer sees an attribute's allowed values without reading our source.
 */
function expandLiteralUnions() {
  const unions = new Map();
  return {
    name: 'expand-literal-unions',
    collectPhase({ ts, node }) {
      if (!ts.isTypeAliasDeclaration(node) || !ts.isUnionTypeNode(node.type)) return;
      if (!node.type.types.every((t) => ts.isLiteralTypeNode(t) && ts.isStringLiteral(t.literal))) return;
      unions.set(node.name.text, node.type.types.map((t) => `'${t.literal.text}'`).join(' | '));
    },
    packageLinkPhase({ customElementsManifest }) {
      walk(customElementsManifest, (key, value) => (key === 'type' && unions.has(value?.text) ? { ...value, text: unions.get(value.text) } : value));
    },
  };
}

/**
 * References resolve: a type-only export (`export type { PaySuccessDetail }`) is no JavaScript export, and a
 * global superclass (`Error`) is not declared by the module that extends it.
 */
function resolvableReferences() {
  const typeOnly = new Map();
  return {
    name: 'resolvable-references',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isExportDeclaration(node) || !node.exportClause || !ts.isNamedExports(node.exportClause)) return;
      const names = typeOnly.get(moduleDoc) ?? new Set();
      for (const spec of node.exportClause.elements) if (node.isTypeOnly || spec.isTypeOnly) names.add(spec.name.text);
      typeOnly.set(moduleDoc, names);
    },
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        const names = typeOnly.get(mod);
        if (names && mod.exports) mod.exports = mod.exports.filter((e) => !(e.kind === 'js' && names.has(e.name)));
        for (const d of mod.declarations ?? []) {
          const own = d.superclass?.module === mod.path && !mod.declarations.some((x) => x.name === d.superclass.name);
          if (own && d.superclass.name in globalThis) d.superclass = { name: d.superclass.name, package: 'global:' };
        }
      }
    },
  };
}

/**
 * The package publishes `dist/` (tsc's output of `src/`, same layout): module paths and references name the
 * published `.js` files, never the `.ts` sources.
 */
function publishedPaths() {
  const published = (path, from) => {
    const resolved = path.startsWith('.') ? new URL(path, `file:///${from}`).pathname.slice(1) : path.replace(/^\//, '');
    return resolved.replace(/^src\//, 'dist/').replace(/\.ts$/, '.js');
  };
  return {
    name: 'published-paths',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        const from = mod.path;
        walk(mod, (key, value) => (key === 'module' && typeof value === 'string' ? published(value, from) : value));
        mod.path = published(from, from);
      }
    },
  };
}

/** Replaces every `key: value` in a JSON tree by `visit(key, value)`, depth first. */
function walk(node, visit) {
  if (Array.isArray(node)) return node.forEach((item) => walk(item, visit));
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    node[key] = visit(key, value);
    walk(node[key], visit);
  }
}

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/server/**', 'src/sandbox/**', 'src/**/*.d.ts', 'src/react.ts', 'src/jsx.ts'],
  litelement: true,
  // package.json names the top-level custom-elements.json itself; the analyzer must not repoint it to --outdir.
  packagejson: false,
  plugins: [abstractClassesAreNotElements(), expandLiteralUnions(), resolvableReferences(), publishedPaths()],
};
