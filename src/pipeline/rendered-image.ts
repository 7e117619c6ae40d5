/**
 * The image a kustomize target really deploys. The kustomization a target writes is often an
 * overlay whose base spells and pins the image; this reads the stack through the repository reader
 * (never the disk: the app reads a commit's tree), renders it with editors/' model of kustomize's
 * image transformer, and tells the plan three things:
 * - the current version is what the stack renders (the base's tag and digest, through its own
 *   `images:` too), so an equal proposal is no update and a lower one a downgrade;
 * - the name a new entry must have to apply: the image as the resources spell it;
 * - whether an edited kustomization changes what runs: an override that applies to nothing is an
 *   error, never a pull request.
 */
import path from "node:path";
import { ConfigError } from "../errors/index.js";
import {
  KUSTOMIZATION_FILES,
  kustomizationRefs,
  readImage,
  writeImage,
  kustomizeNameMatches,
  renderKustomization,
  runsRepository,
  splitKustomizeImage,
  versionOf,
  withKustomizationText,
  type ImageLocator,
  type ImageVersion,
  type KustomizationTree,
  type KustomizeResource,
  type RenderedContainer,
} from "../editors/index.js";
import { repositoryKey } from "../image-ref/index.js";
import type { Target } from "../model/index.js";
import type { CurrentImage } from "../strategy/index.js";

/** The read side this needs: a checkout (Workspace) or a commit's tree (RepoReader) both have it. */
export interface TextReader {
  read(file: string): Promise<string | null>;
}

/** Bounds for a hostile or broken repository: a stack this large or deep is not followed further. */
const MAX_FILES = 500;
const MAX_DEPTH = 24;

function isRemote(ref: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) ||
    /^git@/.test(ref) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(ref) ||
    ref.includes("?ref=")
  );
}

interface Walk {
  readonly reader: TextReader;
  files: number;
}

async function readOrNote(reader: TextReader, file: string): Promise<{ text: string | null; note: string | null }> {
  try {
    return { text: await reader.read(file), note: null };
  } catch (error) {
    return { text: null, note: `${file} cannot be read (${error instanceof Error ? error.message : String(error)})` };
  }
}

async function findKustomization(dir: string, walk: Walk): Promise<{ file: string; text: string } | null> {
  for (const name of KUSTOMIZATION_FILES) {
    const file = dir === "." ? name : path.posix.join(dir, name);
    const { text } = await readOrNote(walk.reader, file);
    if (text !== null) return { file, text };
  }
  return null;
}

async function readTree(file: string, text: string, walk: Walk, ancestors: ReadonlySet<string>): Promise<KustomizationTree> {
  const dir = path.posix.dirname(file);
  const refs = kustomizationRefs(text, file);
  const unresolved: string[] = [];
  const follow = async (ref: string, as: "resource" | "component"): Promise<KustomizeResource | null> => {
    if (isRemote(ref)) {
      unresolved.push(`${file}: the remote ${as} ${ref} is not read`);
      return null;
    }
    const joined = path.posix.normalize(path.posix.join(dir, ref));
    if (path.posix.isAbsolute(ref) || joined === ".." || joined.startsWith("../")) {
      unresolved.push(`${file}: the ${as} ${ref} is outside the repository`);
      return null;
    }
    if (walk.files >= MAX_FILES || ancestors.size >= MAX_DEPTH) {
      unresolved.push(`${file}: the ${as} ${ref} is not followed (more than ${MAX_FILES} files or ${MAX_DEPTH} levels)`);
      return null;
    }
    walk.files += 1;
    const nested = await findKustomization(joined, walk);
    if (nested !== null) {
      if (ancestors.has(nested.file)) {
        unresolved.push(`${file}: ${nested.file} includes itself`);
        return null;
      }
      return { kind: "kustomization", tree: await readTree(nested.file, nested.text, walk, new Set([...ancestors, nested.file])) };
    }
    const { text: resource, note } = await readOrNote(walk.reader, joined);
    if (resource === null) {
      unresolved.push(note ?? `${file}: the ${as} ${ref} is not in the repository`);
      return null;
    }
    if (as === "component") {
      unresolved.push(`${file}: the component ${ref} has no kustomization file`);
      return null;
    }
    return { kind: "file", file: joined, text: resource };
  };
  const resources: KustomizeResource[] = [];
  for (const ref of refs.resources) {
    const resource = await follow(ref, "resource");
    if (resource !== null) resources.push(resource);
  }
  const components: KustomizationTree[] = [];
  for (const ref of refs.components) {
    const component = await follow(ref, "component");
    if (component?.kind === "kustomization") components.push(component.tree);
  }
  return { file, text, resources, components, unresolved };
}

/** The kustomization file in `dir` (kustomize's order of names), or null when there is none. */
export async function kustomizationIn(dir: string, reader: TextReader): Promise<{ file: string; text: string } | null> {
  return findKustomization(dir === "" ? "." : dir, { reader, files: 0 });
}

/**
 * Trees already read, per reader: a reader is one revision of the repository (a checkout during a
 * pass, a commit's tree), and every target of an overlay reads the same stack.
 */
const TREES = new WeakMap<TextReader, Map<string, Promise<KustomizationTree>>>();

/** The kustomization at `file` (its text already read) and every local resource and component below it. */
export async function readKustomizationTree(file: string, text: string, reader: TextReader): Promise<KustomizationTree> {
  let trees = TREES.get(reader);
  if (trees === undefined) {
    trees = new Map();
    TREES.set(reader, trees);
  }
  const key = `${file}\u0000${text}`;
  let tree = trees.get(key);
  if (tree === undefined) {
    tree = readTree(file, text, { reader, files: 0 }, new Set([file]));
    trees.set(key, tree);
  }
  return tree;
}

export interface RenderedTarget {
  /** What the stack deploys for the target's image, or null when the render does not show it. */
  readonly current: CurrentImage | null;
  /** The name a new images entry needs to apply (the resources' spelling), or null to keep the default. */
  readonly entryName: string | null;
  /** What the render could not follow, when it matters for this target (for the reviewer's reason). */
  readonly unchecked: readonly string[];
  /** Null when `edited` (the kustomization's new text) deploys `to` wherever the image runs; else why not. */
  check(edited: string, to: ImageVersion): ConfigError | null;
}

function describeVersion(version: ImageVersion): string {
  return `${version.tag ?? "(no tag)"}${version.digest === null ? "" : `@${version.digest}`}`;
}

function sameVersion(a: ImageVersion, b: ImageVersion): boolean {
  return a.tag === b.tag && a.digest === b.digest;
}

function listed(containers: readonly RenderedContainer[], key: "rendered" | "input"): string {
  const shown = [...new Set(containers.map((container) => `${container[key]} (${container.file})`))];
  return `${shown.slice(0, 5).join(", ")}${shown.length > 5 ? `, and ${shown.length - 5} more` : ""}`;
}

/**
 * What the kustomization `file` (text `text`) deploys for `target`'s image. `hasEntry`: the file
 * already has an images entry for the image (the editor found one). Throws a ConfigError when the
 * stack is fully read and no container runs the image, when containers run it at different
 * versions, or when a new entry could not apply to every spelling of it.
 */
export async function renderedImage(
  target: Target,
  file: string,
  text: string,
  hasEntry: boolean,
  reader: TextReader,
): Promise<RenderedTarget> {
  const tree = await readKustomizationTree(file, text, reader);
  const image = repositoryKey(target.image);
  const named = target.write.kustomizeImageName;
  const { containers, partial } = renderKustomization(tree);
  // Containers this target governs: those running the image, and (kustomize.image-name) those
  // spelled as the named placeholder that an entry renames to it.
  const governed = containers.flatMap((container, index) =>
    runsRepository(container.rendered, image) || (named !== null && kustomizeNameMatches(container.input, named)) ? [index] : [],
  );
  const running = governed
    .map((index) => containers[index])
    .filter((c): c is RenderedContainer => c !== undefined && runsRepository(c.rendered, image));
  const context = { file, image };
  if (governed.length === 0) {
    if (partial.length > 0) return { current: null, entryName: null, unchecked: partial, check: () => null };
    // argocd-image-updater's force-update sets the override though nothing runs the image yet (a
    // repo-config target has no live status to force past: there, the stack must run the image).
    if (target.forceUpdate && target.origin !== "repo-config")
      return {
        current: null,
        entryName: null,
        unchecked: [`no container that ${file} renders runs ${image} (force-update)`],
        check: () => null,
      };
    const rendered = containers.length === 0 ? "it renders no container" : `it renders ${listed(containers, "rendered")}`;
    throw new ConfigError(`no container that ${file} renders runs ${image} (${rendered}), so an images entry there would change nothing`, {
      context,
      hint: "check the image name and the Application's path; when the resources name the image differently, set kustomize.image-name to that name",
    });
  }
  const versions = [...new Map(running.map((container) => [describeVersion(versionOf(container.rendered)), container])).values()];
  if (versions.length > 1) {
    throw new ConfigError(`${file} renders ${image} at different versions: ${listed(versions, "rendered")}`, {
      context,
      hint: "make the resources agree on one tag (or add one images entry that sets it for all), then retry",
    });
  }
  const first = running[0];
  const current = first === undefined ? null : { tag: versionOf(first.rendered).tag, digest: versionOf(first.rendered).digest };
  const spellings = [...new Set(running.map((container) => splitKustomizeImage(container.input).name))];
  if (!hasEntry && named === null && spellings.length > 1) {
    throw new ConfigError(
      `the resources of ${file} spell ${image} in ${spellings.length} ways (${listed(running, "input")}), and an images entry matches one spelling only`,
      {
        context,
        hint: `write the image the same way in every resource (e.g. ${spellings[0] ?? image}), or add one images entry per spelling by hand`,
      },
    );
  }
  return {
    current,
    entryName: named === null && spellings.length === 1 ? (spellings[0] ?? null) : null,
    unchecked: partial,
    check(edited, to) {
      const after = renderKustomization(withKustomizationText(tree, edited)).containers;
      const stale = governed
        .map((index) => after[index])
        .find((c) => c === undefined || !runsRepository(c.rendered, image) || !sameVersion(versionOf(c.rendered), to));
      if (stale === undefined) return null;
      const spelled = splitKustomizeImage(stale.input).name;
      return new ConfigError(
        `the edit of ${file} would not change what runs: ${stale.file} would still run ${stale.rendered}, not ${describeVersion(to)}`,
        {
          context,
          hint: `kustomize matches an images entry by the name as the resources write it: name the entry ${spelled}, or set kustomize.image-name: ${spelled}`,
        },
      );
    },
  };
}

/**
 * A new kustomize override in `.argocd-source-<app>.yaml`: Argo CD applies it to the kustomization
 * beside it (`kustomize edit set image`), so what runs is that kustomization's render, and the
 * override is checked as the images entry it becomes there. Null for a Helm override, or with no
 * kustomization beside the file.
 */
export async function renderedUnderOverride(
  target: Target,
  file: string,
  locator: ImageLocator,
  reader: TextReader,
): Promise<RenderedTarget | null> {
  if (locator.helm !== null) return null;
  const kustomization = await kustomizationIn(path.posix.dirname(file), reader);
  if (kustomization === null) return null;
  const entry: ImageLocator = { ...locator, kind: "kustomize", createIfMissing: true };
  const rendered = await renderedImage(
    target,
    kustomization.file,
    kustomization.text,
    readImage(kustomization.text, kustomization.file, entry) !== null,
    reader,
  );
  return {
    ...rendered,
    check(_override, to) {
      const named: ImageLocator = rendered.entryName === null ? entry : { ...entry, newEntryName: rendered.entryName };
      return checkRenderedEdit(rendered, kustomization.text, kustomization.file, named, to);
    },
  };
}

/**
 * Whether writing `to` into `text` (the file `located` reads) changes what the stack renders: null
 * when it does, when there is no render to check, or when the edit itself fails (composing the
 * edits reports that failure); else the error saying why the override would not apply.
 */
export function checkRenderedEdit(
  rendered: RenderedTarget | null,
  text: string,
  file: string,
  locator: ImageLocator,
  to: ImageVersion,
): ConfigError | null {
  if (rendered === null) return null;
  let edited: string;
  try {
    edited = writeImage(text, file, locator, to);
  } catch {
    return null;
  }
  return rendered.check(edited, to);
}
