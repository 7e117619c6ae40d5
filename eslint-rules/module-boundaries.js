/**
 * Local ESLint rules for the module boundaries in ARCHITECTURE.md:
 * - `index-only`: code in src/<module>/ imports another module only through its index.ts
 *   (`../<other>/index.js`), never a file inside it. The entry points at src/ (index.ts, cli.ts)
 *   only wire, and may reach the one file they need (so `--help` loads no more than commander).
 * - `only-in`: some packages may be imported from one module only (Octokit from github/, node-cron
 *   from scheduler/); configured in eslint.config.js.
 */
import path from "node:path";

function moduleOf(file, srcRoot) {
  const relative = path.relative(srcRoot, file);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return null;
  const parts = relative.split(path.sep);
  return parts.length > 1 ? parts[0] : "";
}

function sourcesOf(node) {
  if (node.type === "ImportDeclaration" || node.type === "ExportAllDeclaration" || node.type === "ExportNamedDeclaration") {
    return node.source ? [node.source] : [];
  }
  if (node.type === "ImportExpression" && node.source.type === "Literal") return [node.source];
  return [];
}

const indexOnly = {
  meta: {
    type: "problem",
    docs: { description: "modules import each other only through their index.ts" },
    schema: [{ type: "object", properties: { srcRoot: { type: "string" } }, additionalProperties: false }],
    messages: {
      deep: "import {{target}} through its index (../{{module}}/index.js), not {{source}}: modules import each other only through index.ts",
    },
  },
  create(context) {
    const srcRoot = path.resolve(context.cwd, context.options[0]?.srcRoot ?? "src");
    const file = context.filename;
    const own = moduleOf(file, srcRoot);
    if (own === null || own === "") return {};
    const check = (node) => {
      for (const source of sourcesOf(node)) {
        const value = String(source.value);
        if (!value.startsWith(".")) continue;
        const resolved = path.resolve(path.dirname(file), value);
        const target = moduleOf(resolved, srcRoot);
        if (target === null || target === "" || target === own) continue;
        const inside = path.relative(path.join(srcRoot, target), resolved);
        if (inside === "index.js" || inside === "index.ts" || inside === "index") continue;
        context.report({ node: source, messageId: "deep", data: { target, module: target, source: value } });
      }
    };
    return { ImportDeclaration: check, ExportAllDeclaration: check, ExportNamedDeclaration: check, ImportExpression: check };
  },
};

const onlyIn = {
  meta: {
    type: "problem",
    docs: { description: "a package may be imported from one module only" },
    schema: [
      {
        type: "object",
        properties: {
          srcRoot: { type: "string" },
          packages: {
            type: "array",
            items: {
              type: "object",
              properties: { pattern: { type: "string" }, modules: { type: "array", items: { type: "string" } } },
              required: ["pattern", "modules"],
            },
          },
        },
        additionalProperties: false,
      },
    ],
    messages: { outside: "{{source}} may be imported only from src/{{modules}}/ ({{reason}})" },
  },
  create(context) {
    const options = context.options[0] ?? {};
    const srcRoot = path.resolve(context.cwd, options.srcRoot ?? "src");
    const own = moduleOf(context.filename, srcRoot);
    if (own === null) return {};
    const rules = (options.packages ?? []).map((rule) => ({ ...rule, regexp: new RegExp(rule.pattern) }));
    const check = (node) => {
      for (const source of sourcesOf(node)) {
        const value = String(source.value);
        for (const rule of rules) {
          if (rule.regexp.test(value) && !rule.modules.includes(own)) {
            context.report({
              node: source,
              messageId: "outside",
              data: { source: value, modules: rule.modules.join("/, src/"), reason: "ARCHITECTURE.md" },
            });
          }
        }
      }
    };
    return { ImportDeclaration: check, ExportAllDeclaration: check, ExportNamedDeclaration: check, ImportExpression: check };
  },
};

export default { rules: { "index-only": indexOnly, "only-in": onlyIn } };
