// `layers/imports-allow-list`: a file may import only what its layer's allow-list names, so a new dependency across a
// boundary fails `npm run lint` until the list (and docs/architecture.md) says it may.
//
// Options: { root, layer, folders, packages }
//   root      the repository's absolute path (relative imports are resolved against it)
//   layer     the layer's name, for the message
//   folders   repository folders this file may import from, e.g. ['src-core']
//   packages  package names it may import, e.g. ['valibot', 'svelte']; 'node:*' allows Node's built-ins by that prefix
//
// It reads import specifiers and does path arithmetic, so it needs no module resolver and fails closed: a relative
// import that leaves every allowed folder, an unlisted package (a bare `fs` included) and an import whose specifier is
// not a literal are all refused. It checks static imports, re-exports, `import()`, `import x = require()`, `require()`
// and type-only `import('…')`.
import path from 'node:path';

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isInside(folder, target) {
  const rel = path.relative(folder, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Why `specifier` is refused, or null if the allow-list permits it. */
function refusal(specifier, filename, { root, folders = [], packages = [] }) {
  const bare = specifier.replace(/[?#].*$/, ''); // Vite's `?url`, `?raw`…
  if (bare.startsWith('.') || bare.startsWith('/')) {
    const target = path.resolve(path.dirname(filename), bare);
    if (folders.some((folder) => isInside(path.join(root, folder), target))) return null;
    const where = path.relative(root, target).split(path.sep).join('/');
    return `'${specifier}' is ${where.startsWith('..') ? 'outside the repository' : `in ${where}`}`;
  }
  if (bare.startsWith('node:')) {
    return packages.includes('node:*') ? null : `'${specifier}' is a Node built-in`;
  }
  const name = packageName(bare);
  return packages.includes(name) ? null : `'${name}' is a package not on the list`;
}

function allowedText({ folders = [], packages = [] }) {
  const allowed = [...folders.map((folder) => `${folder}/`), ...packages];
  return allowed.length ? allowed.join(', ') : 'nothing';
}

/** @type {import('eslint').Rule.RuleModule} */
export const importsAllowList = {
  meta: {
    type: 'problem',
    docs: { description: "Allow a file to import only its layer's folders and packages" },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          layer: { type: 'string' },
          folders: { type: 'array', items: { type: 'string' } },
          packages: { type: 'array', items: { type: 'string' } },
        },
        required: ['root'],
        additionalProperties: false,
      },
    ],
    messages: {
      refused: '{{reason}}: {{layer}} may import only {{allowed}} (eslint.config.js, docs/architecture.md).',
      computed: 'An import whose specifier is not a string literal cannot be checked against the layer allow-list.',
    },
  },
  create(context) {
    const options = context.options[0];
    const filename = context.filename;

    function check(source) {
      if (!source) return;
      let specifier = null;
      if (source.type === 'Literal' && typeof source.value === 'string') specifier = source.value;
      else if (source.type === 'TemplateLiteral' && source.expressions.length === 0) {
        specifier = source.quasis[0].value.cooked;
      } else if (source.type === 'TSLiteralType') return check(source.literal);
      if (specifier === null) {
        context.report({ node: source, messageId: 'computed' });
        return;
      }
      const reason = refusal(specifier, filename, options);
      if (reason)
        context.report({
          node: source,
          messageId: 'refused',
          data: { reason, layer: options.layer ?? 'this file', allowed: allowedText(options) },
        });
    }

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSExternalModuleReference: (node) => check(node.expression),
      TSImportType: (node) => check(node.source ?? node.argument),
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments.length === 1) {
          check(node.arguments[0]);
        }
      },
    };
  },
};

export default { rules: { 'imports-allow-list': importsAllowList } };
