/**
 * An Application target edits only what its Application deploys from: a file under one of its
 * source paths, one its kustomization stack reads (local `resources` / `bases` / `components`,
 * followed as rendered-image.ts reads them), a Helm `valueFiles` entry, or its `.argocd-source-…`
 * file. argocd-image-updater's `kustomization:../../base` and `helmvalues:<path>` legitimately
 * leave the source path; pointing one at another team's app, or at `.github/workflows/…`, would
 * otherwise edit a file that changes nothing the Application runs. Repo-config targets have no
 * Application: only the rules every target obeys apply to them (gather.ts).
 */
import { ConfigError } from "../errors/index.js";
import type { KustomizationTree } from "../editors/index.js";
import { repositoryKey } from "../image-ref/index.js";
import type { DeploySources, Target } from "../model/index.js";
import { quoteForMessage } from "../text/index.js";
import { kustomizationIn, readKustomizationTree, type TextReader } from "./rendered-image.js";
import { targetLabel } from "./target-label.js";

function isUnder(file: string, dir: string): boolean {
  if (file === ".." || file.startsWith("../") || file.startsWith("/")) return false;
  return dir === "" || file === dir || file.startsWith(`${dir}/`);
}

function treeFiles(tree: KustomizationTree, out: Set<string>): void {
  out.add(tree.file);
  for (const resource of tree.resources) {
    if (resource.kind === "file") out.add(resource.file);
    else treeFiles(resource.tree, out);
  }
  for (const component of tree.components) treeFiles(component, out);
}

/** Whether `file` is read by the kustomization stack of one of the source paths, with a note for each stack that could not be read. */
async function inKustomizeStack(file: string, from: DeploySources, reader: TextReader): Promise<{ found: boolean; notes: string[] }> {
  const notes: string[] = [];
  for (const dir of from.paths) {
    try {
      const kustomization = await kustomizationIn(dir, reader);
      if (kustomization === null) continue;
      const files = new Set<string>();
      treeFiles(await readKustomizationTree(kustomization.file, kustomization.text, reader), files);
      if (files.has(file)) return { found: true, notes };
    } catch (error) {
      notes.push(
        `the kustomization in ${dir === "" ? "." : dir} could not be read: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return { found: false, notes };
}

function describeSources(from: DeploySources): string {
  const parts = [
    ...(from.paths.length === 0
      ? []
      : [
          `its source path${from.paths.length > 1 ? "s" : ""} ${from.paths.map((p) => (p === "" ? "." : p)).join(", ")}`,
          "the kustomization stack it builds from",
        ]),
    ...(from.valueFiles.length === 0 ? [] : [`its Helm valueFiles ${from.valueFiles.join(", ")}`]),
    ...(from.paths.length === 0 ? [] : ["its .argocd-source file"]),
    ...(from.manifest === null ? [] : [`its manifest ${from.manifest}`]),
  ];
  if (parts.length === 0) return "no file in this repository";
  return parts.length === 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1] ?? ""}`;
}

/**
 * Throws a ConfigError when `file`, the file an Application target resolved to, is not among what
 * the Application deploys from; returns when it is, or when the target has no Application.
 */
export async function refuseFileNotDeployed(target: Target, file: string, reader: TextReader): Promise<void> {
  const from = target.deploysFrom;
  if (target.app === null || from === null) return;
  if (file === from.manifest || from.valueFiles.includes(file) || from.overrideFiles.includes(file)) return;
  if (from.paths.some((dir) => isUnder(file, dir))) return;
  const stack = await inKustomizeStack(file, from, reader);
  if (stack.found) return;
  const notes = stack.notes.length === 0 ? "" : ` (${stack.notes.join("; ")})`;
  throw new ConfigError(
    `"${quoteForMessage(file)}" is not among the files Application ${targetLabel(target)} deploys from (${describeSources(from)})${notes}, so argocd-image-pr does not edit it; nothing was written`,
    {
      context: { file, app: targetLabel(target), image: repositoryKey(target.image) },
      hint: "point write-back-target at a file the Application deploys from, or add the directory to the Application's sources",
    },
  );
}
