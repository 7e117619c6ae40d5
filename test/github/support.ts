/** The app's side of the GitHub tests: a port on the fake GitHub, authenticated as the installation. */
import { createGitHubClient, createGitHubRepoPort, type GitHubClient, type GitHubRepoPort } from "../../src/github/index.js";
import { silentLogger } from "../../src/log/index.js";
import { afterAll, afterEach, beforeAll } from "vitest";
import { startFakeGitHub, type FakeGitHub, type FakeRepo, type RecordedRequest } from "../support/fake-github/index.js";
import { startRegistry, type TestRegistry } from "../support/registry.js";

/**
 * A fake GitHub and a real registry for the whole file, handed to `use` once started; after each
 * test the fake's OpenAPI violations fail it, and its request log starts afresh.
 */
export function useFakeGitHubAndRegistry(use: (started: { fake: FakeGitHub; registry: TestRegistry }) => void): void {
  let fake: FakeGitHub | undefined;
  let registry: TestRegistry | undefined;
  beforeAll(async () => {
    [fake, registry] = await Promise.all([startFakeGitHub(), startRegistry()]);
    use({ fake, registry });
  });
  afterAll(async () => {
    await Promise.all([fake?.close(), registry?.stop()]);
  });
  afterEach(() => {
    try {
      fake?.assertNoViolations();
    } finally {
      fake?.resetLog();
    }
  });
}

export const FAST = { retryAfterBaseValue: 1, writeSpacingMs: 0 } as const;

export function clientFor(fake: FakeGitHub, installationId = INSTALLATION): GitHubClient {
  return createGitHubClient({
    baseUrl: fake.url,
    token: fake.installationToken(installationId),
    log: silentLogger,
    throttleId: `test-${installationId}`,
    tuning: FAST,
  });
}

export interface PortUnderTest {
  readonly repo: FakeRepo;
  readonly port: GitHubRepoPort;
  readonly owner: string;
  readonly name: string;
}

let count = 0;

export async function repoWithPort(
  fake: FakeGitHub,
  files: Record<string, string>,
  options: { allowAutoMerge?: boolean } = {},
): Promise<PortUnderTest> {
  count += 1;
  const owner = "acme";
  const name = `gitops-${process.pid}-${count}`;
  const repo = await fake.createRepo(`${owner}/${name}`, { files, installationId: INSTALLATION, ...options });
  const installation = INSTALLATION;
  return { repo, owner, name, port: createGitHubRepoPort({ client: clientFor(fake, installation), owner, repo: name, log: silentLogger }) };
}

export const INSTALLATION = 77;

/** `METHOD operationId` of each write since the last reset, for exact-sequence assertions. */
export function writeSequence(fake: FakeGitHub): string[] {
  return fake.writes().map((w: RecordedRequest) => `${w.method} ${w.operationId ?? w.path}${w.status >= 400 ? ` → ${w.status}` : ""}`);
}
