import type { GitHubRepo } from "../model/index.js";

const NAME = /^[A-Za-z0-9_.-]+$/;
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

function fromPath(path: string): GitHubRepo | null {
  const parts = path.replace(/^\/+/, "").replace(/\/+$/, "").split("/");
  if (parts.length !== 2) return null;
  const [owner, rawName] = parts as [string, string];
  const name = rawName.endsWith(".git") ? rawName.slice(0, -4) : rawName;
  if (!OWNER.test(owner) || !NAME.test(name) || name === "." || name === "..") return null;
  return { owner, name };
}

/**
 * The GitHub repository a git URL points at, or null when it is not on github.com or one of
 * `hosts` (a GitHub Enterprise Server's host, `GHE_HOST`; a port may be part of it).
 * Accepts `https://github.com/o/r(.git)`, `http://…`, `git@github.com:o/r(.git)`,
 * `ssh://git@github.com(:22)/o/r(.git)`, `git://github.com/o/r`, `github.com/o/r` — and the same on `hosts`.
 */
export function parseGitHubRepoURL(url: string, hosts: readonly string[] = []): GitHubRepo | null {
  const value = url.trim();
  const known = new Set(["github.com", "www.github.com", ...hosts.map((host) => host.trim().toLowerCase()).filter((host) => host !== "")]);
  // scp-like `git@host:o/r` (a `host:8443/o/r` is a port, read below as a schemeless URL).
  const scp = /^(?:[A-Za-z0-9._-]+@)?([A-Za-z0-9.-]+):(?!\/|\d+\/)(.+)$/.exec(value);
  if (scp && known.has((scp[1] ?? "").toLowerCase())) return fromPath(scp[2] ?? "");
  const schemeless = /^([A-Za-z0-9.-]+(?::\d+)?)\/(.+)$/.exec(value);
  if (schemeless && known.has((schemeless[1] ?? "").toLowerCase())) return fromPath(schemeless[2] ?? "");
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return null;
  }
  if (!["https:", "http:", "ssh:", "git:", "git+ssh:"].includes(parsed.protocol)) return null;
  if (!known.has(parsed.hostname.toLowerCase()) && !known.has(parsed.host.toLowerCase())) return null;
  if (parsed.search !== "" || parsed.hash !== "") return null;
  return fromPath(decodeURIComponent(parsed.pathname));
}
