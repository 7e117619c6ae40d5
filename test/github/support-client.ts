/** A client on the fake GitHub, authenticated as the installation. No vitest here: scripts (bench:app) use it too. */
import { createGitHubClient, type GitHubClient } from "../../src/github/index.js";
import { silentLogger } from "../../src/log/index.js";
import type { FakeGitHub } from "../support/fake-github/index.js";

export const INSTALLATION = 77;

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
