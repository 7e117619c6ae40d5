/**
 * Where a directory-type Application runs its image: every manifest Argo CD renders from the
 * source path (sources/ directoryManifestFiles: recurse, include, exclude) whose containers run
 * it. Read through the RepoReader; the files are edited together (one TargetEdit each).
 */
import { ConfigError, EditConflictError } from "../errors/index.js";
import { readImage } from "../editors/index.js";
import type { ImageLocator } from "../editors/index.js";
import { repositoryKey } from "../image-ref/index.js";
import type { DirectorySelection, Target } from "../model/index.js";
import { directoryManifestFiles } from "../sources/index.js";
import type { Located } from "./evaluate-targets.js";
import type { RepoReader } from "./types.js";

/** What Argo CD takes for a resource it must fail on rather than ignore (getObjsFromYAMLOrJson). */
function looksLikeResource(text: string): boolean {
  return text.includes("apiVersion:") && text.includes("kind:") && text.includes("metadata:");
}

function version(tag: string | null, digest: string | null): string {
  return `${tag ?? "(no tag)"}${digest === null ? "" : `@${digest}`}`;
}

function listed(files: readonly string[]): string {
  const shown = files.slice(0, 5).join(", ");
  return files.length > 5 ? `${shown} and ${files.length - 5} more` : shown;
}

export async function locateInDirectory(target: Target, selection: DirectorySelection, reader: RepoReader): Promise<Located> {
  const dir = target.write.path;
  const image = repositoryKey(target.image);
  const where = dir === "" ? "the repository root" : `"${dir}"`;
  if ((await reader.list(dir)) === null) {
    throw new ConfigError(`directory ${where} does not exist in the repository`, {
      context: { file: dir, image },
      hint: "check the Application's spec.source.path",
    });
  }
  const locator: ImageLocator = {
    kind: "manifest",
    image: target.image,
    kustomizeImageName: null,
    helm: null,
    appName: target.app?.name ?? null,
    createIfMissing: false,
  };
  const rendered = await directoryManifestFiles(reader, dir, selection);
  const jsonnet = rendered.filter((file) => file.endsWith(".jsonnet"));
  const found: { file: string; text: string; tag: string | null; digest: string | null }[] = [];
  for (const file of rendered) {
    if (file.endsWith(".jsonnet")) continue;
    const text = await reader.read(file);
    if (text === null) continue;
    let inFile: ReturnType<typeof readImage>;
    try {
      inFile = readImage(text, file, locator);
    } catch (error) {
      // Argo CD ignores a YAML file it cannot parse unless it looks like a resource; so do we.
      if (looksLikeResource(text)) throw error;
      continue;
    }
    if (inFile !== null) found.push({ file, text, tag: inFile.tag, digest: inFile.digest });
  }
  const first = found[0];
  if (first === undefined) {
    const read = rendered.filter((file) => !file.endsWith(".jsonnet"));
    const what =
      read.length === 0
        ? "Argo CD renders no YAML or JSON file from there"
        : `Argo CD renders ${read.length === 1 ? "1 file" : `${read.length} files`} from there: ${listed(read)}`;
    const hints = [
      "check the image name in the image list",
      ...(selection.recurse ? [] : ["set spec.source.directory.recurse: true if the manifest is in a subdirectory"]),
      ...(selection.include !== null || selection.exclude !== null ? ["check directory.include / exclude"] : []),
      ...(jsonnet.length > 0
        ? [`${listed(jsonnet)} ${jsonnet.length === 1 ? "is" : "are"} Jsonnet, which argocd-image-pr cannot edit`]
        : []),
    ];
    throw new ConfigError(`no manifest under ${where} runs ${image} (a directory-type Application: ${what})`, {
      context: { file: dir, image },
      hint: hints.join("; "),
    });
  }
  const other = found.find((each) => each.tag !== first.tag || each.digest !== first.digest);
  if (other !== undefined) {
    throw new EditConflictError(
      `${where} runs ${image} at different versions (${first.file}: ${version(first.tag, first.digest)}, ${other.file}: ${version(other.tag, other.digest)}), so it was not updated`,
      { context: { file: other.file, image }, hint: "make them agree, or exclude one of the files with spec.source.directory.exclude" },
    );
  }
  return {
    kind: "manifest",
    file: first.file,
    files: found.map((each) => each.file),
    locator,
    current: { tag: first.tag, digest: first.digest },
    text: first.text,
    rendered: null,
  };
}
