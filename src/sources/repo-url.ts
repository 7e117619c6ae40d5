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
 * The GitHub repository a git URL points at, or null when it is not on github.com.
 * Accepts `https://github.com/o/r(.git)`, `http://…`, `git@github.com:o/r(.git)`,
 * `ssh://git@github.com(:22)/o/r(.git)`, `git://github.com/o/r`, `github.com/o/r`.
 */
export function parseGitHubRepoURL(url: string): GitHubRepo | null {
  const value = url.trim();
  const scp = /^(?:[A-Za-z0-9._-]+@)?github\.com:(?!\/)(.+)$/i.exec(value);
  if (scp) return fromPath(scp[1] ?? "");
  const schemeless = /^(?:www\.)?github\.com\/(.+)$/i.exec(value);
  if (schemeless) return fromPath(schemeless[1] ?? "");
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return null;
  }
  if (!["https:", "http:", "ssh:", "git:", "git+ssh:"].includes(parsed.protocol)) return null;
  const host = parsed.hostname.toLowerCase();
  if (host !== "github.com" && host !== "www.github.com") return null;
  if (parsed.search !== "" || parsed.hash !== "") return null;
  return fromPath(decodeURIComponent(parsed.pathname));
}
