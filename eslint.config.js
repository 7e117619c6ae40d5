// ESLint: typescript-eslint's recommended rules, and the module boundaries of ARCHITECTURE.md.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import boundaries from "./eslint-rules/module-boundaries.js";

export default tseslint.config(
  { ignores: ["dist/", "coverage/", "node_modules/", "schema/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        setImmediate: "readonly",
        AbortController: "readonly",
        AbortSignal: "readonly",
        TextDecoder: "readonly",
        TextEncoder: "readonly",
        structuredClone: "readonly",
        fetch: "readonly",
        queueMicrotask: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "no-control-regex": "off",
      // Initialisers that every path overwrites are kept for readability (let x = [] before a try).
      "no-useless-assignment": "off",
    },
  },
  {
    files: ["src/**/*.ts"],
    plugins: { local: boundaries },
    rules: {
      "local/index-only": ["error", { srcRoot: "src" }],
      "local/only-in": [
        "error",
        {
          srcRoot: "src",
          packages: [
            { pattern: "^@octokit/|^octokit$", modules: ["github"] },
            { pattern: "^node-cron$", modules: ["scheduler"] },
            { pattern: "^@kubernetes/client-node$", modules: ["sources", "scheduler"] },
          ],
        },
      ],
    },
  },
);
