/**
 * The real kustomize as the oracle: `kubectl kustomize DIR` renders a fixture, and the images its
 * containers run are what Argo CD would deploy. Where kubectl is missing the tests that need it are
 * skipped, and say so loudly (never silently).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";

const KUBECTL = process.env["KUBECTL_BIN"] ?? "kubectl";

/** True when `kubectl kustomize` can be run here. */
export const hasKustomize: boolean = spawnSync(KUBECTL, ["version", "--client"], { encoding: "utf8" }).status === 0;

if (!hasKustomize) {
  console.warn(
    `\n*** kubectl (${KUBECTL}) is not installed: the tests that render kustomizations with the real kustomize are SKIPPED. Install kubectl (or set KUBECTL_BIN) to run them. ***\n`,
  );
}

/** Write `files` (repo-relative path → text) into a new temporary directory and return it. */
export function writeTree(files: Readonly<Record<string, string>>, prefix = "kustomize-"): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

function collect(node: unknown, into: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, into);
  } else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      collect(value, into);
      if ((key === "containers" || key === "initContainers") && Array.isArray(value)) {
        for (const container of value) {
          const image: unknown =
            container !== null && typeof container === "object" ? (container as Record<string, unknown>)["image"] : undefined;
          if (typeof image === "string") into.push(image);
        }
      }
    }
  }
}

/** The container images `kubectl kustomize dir` renders, sorted. Throws with kustomize's own message when the build fails. */
export function kustomizeImages(dir: string): string[] {
  const run = spawnSync(KUBECTL, ["kustomize", dir], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${run.stderr.trim()}`);
  const images: string[] = [];
  for (const doc of parseAllDocuments(run.stdout)) collect(doc.toJS(), images);
  return images.sort();
}
