/**
 * Image references, parsed the way Docker parses them (distribution/reference): the same
 * normalisation (`nginx` → `docker.io/library/nginx`), the same grammar, the same limits.
 * Pure: no I/O.
 */
import { ConfigError } from "../errors/index.js";

export const DOCKER_HUB = "docker.io";
const LEGACY_DOCKER_HUB = "index.docker.io";
const DOCKER_HUB_HOSTS: ReadonlySet<string> = new Set([DOCKER_HUB, LEGACY_DOCKER_HUB, "registry-1.docker.io", "registry.hub.docker.com"]);

/** Docker Hub under any of the names charts, Docker configs and registries.conf files give it. */
export function isDockerHubHost(host: string): boolean {
  return DOCKER_HUB_HOSTS.has(host.toLowerCase());
}
const NAME_TOTAL_LENGTH_MAX = 255;

export interface ImageRef {
  /** Registry host, with port when given: `docker.io`, `ghcr.io`, `127.0.0.1:5000`. */
  readonly registry: string;
  /** Repository path inside the registry: `library/nginx`, `nginxinc/nginx-unprivileged`. */
  readonly repository: string;
  readonly tag: string | null;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  readonly digest: string | null;
}

// distribution/reference grammar
const ALNUM = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|[-]+)";
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const IPV6 = "\\[(?:[a-fA-F0-9:]+)\\]";
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const HOST = `(?:${DOMAIN_NAME}|${IPV6})`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";

const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const PATH_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG_RE = new RegExp(`^${TAG}$`);
const DIGEST_RE = new RegExp(`^${DIGEST}$`);
const SHA256_RE = /^sha256:[a-f0-9]{64}$/;
const BARE_ID_RE = /^[a-f0-9]{64}$/;

/** True when `value` is a valid OCI/Docker tag. Nothing else may ever be treated as a tag. */
export function isValidTag(value: string): boolean {
  return TAG_RE.test(value);
}

/** True when `value` is a well-formed digest (`sha256:` + 64 lowercase hex, or another algorithm). */
export function isValidDigest(value: string): boolean {
  if (!DIGEST_RE.test(value)) return false;
  return !value.startsWith("sha256:") || SHA256_RE.test(value);
}

function invalid(input: string, why: string, hint: string): ConfigError {
  return new ConfigError(`invalid image reference "${truncate(input)}": ${why}`, {
    context: { image: truncate(input) },
    hint,
  });
}

function truncate(value: string): string {
  return value.length > 300 ? `${value.slice(0, 300)}…` : value;
}

/** Split `name[:tag][@digest]` into its parts the way Docker does, without validating them. */
export function splitReference(input: string): { name: string; tag: string | null; digest: string | null } {
  let rest = input;
  let digest: string | null = null;
  const at = rest.indexOf("@");
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | null = null;
  const lastColon = rest.lastIndexOf(":");
  if (lastColon > rest.lastIndexOf("/")) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
  }
  return { name: rest, tag, digest };
}

/** Docker's domain detection: a first component with `.` or `:`, or `localhost`, is a registry. */
function splitDomain(name: string): { registry: string; repository: string } {
  const slash = name.indexOf("/");
  const first = slash === -1 ? "" : name.slice(0, slash);
  const isDomain = slash !== -1 && (/[.:]/.test(first) || first === "localhost" || first.toLowerCase() !== first || first.startsWith("["));
  let registry = isDomain ? first : DOCKER_HUB;
  let repository = isDomain ? name.slice(slash + 1) : name;
  if (registry === LEGACY_DOCKER_HUB) registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes("/")) repository = `library/${repository}`;
  return { registry, repository };
}

/**
 * Parse an image reference as Docker does. Throws a ConfigError that names the reference and
 * what is wrong with it.
 */
export function parseImageRef(input: string): ImageRef {
  const trimmed = input.trim();
  if (trimmed === "") throw invalid(input, "it is empty", "give an image such as ghcr.io/org/app:1.2.3");
  if (/\s/.test(trimmed)) throw invalid(input, "it contains white space", "remove the spaces");
  if (BARE_ID_RE.test(trimmed)) {
    throw invalid(input, "a 64-character hexadecimal string is an image ID, not a repository name", "name the repository");
  }
  const { name, tag, digest } = splitReference(trimmed);
  if (name === "") throw invalid(input, "the repository name is empty", "give a name before ':' or '@'");
  const { registry, repository } = splitDomain(name);
  // Docker checks the limit on the normalised name (docker.io/library/… included), as here.
  if (name.length > NAME_TOTAL_LENGTH_MAX || `${registry}/${repository}`.length > NAME_TOTAL_LENGTH_MAX) {
    throw invalid(input, `the name is longer than ${NAME_TOTAL_LENGTH_MAX} characters`, "shorten the repository name");
  }
  if (!DOMAIN_RE.test(registry)) {
    throw invalid(input, `"${registry}" is not a valid registry host`, "use host[:port], e.g. registry.example.com:5000");
  }
  if (repository !== repository.toLowerCase()) {
    throw invalid(input, "repository names must be lowercase", `use "${repository.toLowerCase()}"`);
  }
  if (!PATH_RE.test(repository)) {
    throw invalid(
      input,
      `"${repository}" is not a valid repository path`,
      "use lowercase letters, digits and single separators (. _ __ -) between slashes",
    );
  }
  if (tag !== null && !isValidTag(tag)) {
    throw invalid(
      input,
      `"${truncate(tag)}" is not a valid tag`,
      "a tag is 1-128 characters of [A-Za-z0-9_.-] and does not start with '.' or '-'",
    );
  }
  if (digest !== null && !isValidDigest(digest)) {
    throw invalid(input, `"${truncate(digest)}" is not a valid digest`, "use sha256: followed by 64 lowercase hex digits");
  }
  return { registry, repository, tag, digest };
}

/** `registry/repository`, the identity of an image repository (no tag, no digest). */
export function repositoryKey(ref: Pick<ImageRef, "registry" | "repository">): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The fully qualified reference: `registry/repository[:tag][@digest]`. */
export function formatImageRef(ref: ImageRef): string {
  const tag = ref.tag === null ? "" : `:${ref.tag}`;
  const digest = ref.digest === null ? "" : `@${ref.digest}`;
  return `${repositoryKey(ref)}${tag}${digest}`;
}

/** The short form people write: `nginx` for docker.io/library/nginx, `org/app` for docker.io/org/app. */
export function familiarName(ref: Pick<ImageRef, "registry" | "repository">): string {
  if (ref.registry !== DOCKER_HUB) return repositoryKey(ref);
  return ref.repository.startsWith("library/") && ref.repository.split("/").length === 2
    ? ref.repository.slice("library/".length)
    : ref.repository;
}

/**
 * True when two image names (with or without tag/digest, short or long form) denote the same
 * repository: `nginx`, `docker.io/library/nginx` and `index.docker.io/library/nginx:1.2` all do.
 * Unparsable names are compared as plain strings.
 */
export function sameRepository(a: string, b: string): boolean {
  const ka = tryRepositoryKey(a);
  const kb = tryRepositoryKey(b);
  return ka !== null && kb !== null ? ka === kb : a === b;
}

function tryRepositoryKey(value: string): string | null {
  try {
    return repositoryKey(parseImageRef(value));
  } catch {
    return null;
  }
}
