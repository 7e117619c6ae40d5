/**
 * Figures behind the file size limits (README "Limits"): how long the editors take to read a values
 * file of a given size, and how long a 50 MB file takes to be refused. `npx tsx scripts/bench-file-limits.ts`
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { readImage } from "../src/editors/index.js";
import { MAX_FILE_BYTES, readRegularFile } from "../src/files/index.js";
import { parseImageRef } from "../src/image-ref/index.js";

function valuesFile(bytes: number): string {
  const lines = ["image:", "  repository: ghcr.io/o/web", "  tag: 1.0.0"];
  let size = lines.join("\n").length;
  for (let i = 0; size < bytes; i++) {
    const line = `key${i}:\n  nested: value-${i}-padding-padding`;
    lines.push(line);
    size += line.length + 1;
  }
  return `${lines.join("\n")}\n`;
}

const locator = {
  kind: "helm",
  image: parseImageRef("ghcr.io/o/web"),
  kustomizeImageName: null,
  helm: null,
  appName: null,
  createIfMissing: false,
} as const;
for (const bytes of [256 * 1024, MAX_FILE_BYTES, 2 * MAX_FILE_BYTES]) {
  const text = valuesFile(bytes);
  const started = performance.now();
  readImage(text, "values.yaml", locator);
  const ms = performance.now() - started;
  console.log(
    `readImage, ${(text.length / 1048576).toFixed(2)} MiB values file: ${Math.round(ms)} ms (${(text.length / 1e6 / (ms / 1000)).toFixed(2)} MB/s), rss ${Math.round(process.memoryUsage().rss / 1048576)} MiB`,
  );
}

const dir = mkdtempSync(join(tmpdir(), "argocd-image-pr-bench-"));
try {
  const big = join(dir, "values.yaml");
  writeFileSync(big, valuesFile(50 * 1000 * 1000));
  const started = performance.now();
  await readRegularFile(big).catch((error: unknown) => error);
  console.log(`refusing a 50 MB values file (${MAX_FILE_BYTES / 1048576} MiB limit): ${(performance.now() - started).toFixed(1)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
