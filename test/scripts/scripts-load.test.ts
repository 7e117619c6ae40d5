/**
 * The scripts (`npm run bench:app`, `demo:app`, …) run under tsx, outside Vitest: nothing they
 * import, however indirectly, may import vitest (which throws when loaded outside its runner).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SCRIPTS = path.join(ROOT, "scripts");

/** Every file `entry` reaches through relative imports (static and dynamic), and which of them import vitest. */
function vitestImporters(entry: string): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    if (/from "vitest"|import\("vitest"\)/.test(text)) found.push(path.relative(ROOT, file));
    for (const match of text.matchAll(/(?:from |import\()"(\.{1,2}\/[^"]+)"/g)) {
      const target = path.resolve(path.dirname(file), match[1] ?? "");
      const ts = target.replace(/\.js$/, ".ts");
      if (existsSync(ts)) visit(ts);
      else if (existsSync(target) && target.endsWith(".ts")) visit(target);
    }
  };
  visit(entry);
  return found;
}

describe("scripts load outside Vitest", () => {
  const scripts = readdirSync(SCRIPTS).filter((name) => name.endsWith(".ts"));

  it.each(scripts)("scripts/%s imports nothing that imports vitest", (name) => {
    expect(vitestImporters(path.join(SCRIPTS, name))).toEqual([]);
  });
});
