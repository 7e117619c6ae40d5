/**
 * The hosts besides github.com whose repository URLs name this GitHub's repositories: GitHub
 * Enterprise Server's `GHE_HOST`, and the host of a `GITHUB_API_URL` that is not api.github.com
 * (Actions on GHES sets it). An Application's `repoURL` on one of them is a repository the app can
 * open pull requests in. Read from the environment at the edge (plan, reconcile, run).
 */
export function gitHubHostsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const hosts = new Set<string>();
  const ghe = env["GHE_HOST"]?.trim();
  if (ghe !== undefined && ghe !== "") hosts.add(ghe.toLowerCase());
  const api = env["GITHUB_API_URL"]?.trim();
  if (api !== undefined && api !== "") {
    try {
      const host = new URL(api).host.toLowerCase();
      if (host !== "api.github.com") hosts.add(host);
    } catch {
      // A bad GITHUB_API_URL is reported where the API is called.
    }
  }
  return [...hosts];
}
