import { describe, expect, it } from "vitest";
import { gitHubHostsFromEnv } from "../../src/cli/github-hosts.js";

describe("gitHubHostsFromEnv", () => {
  it("GHE_HOST, and the host of a GITHUB_API_URL that is not api.github.com; nothing for github.com", () => {
    expect(gitHubHostsFromEnv({})).toEqual([]);
    expect(gitHubHostsFromEnv({ GITHUB_API_URL: "https://api.github.com" })).toEqual([]);
    expect(gitHubHostsFromEnv({ GHE_HOST: "GHE.corp.example" })).toEqual(["ghe.corp.example"]);
    expect(gitHubHostsFromEnv({ GITHUB_API_URL: "https://ghe.corp.example:8443/api/v3" })).toEqual(["ghe.corp.example:8443"]);
    expect(gitHubHostsFromEnv({ GHE_HOST: "ghe.corp.example", GITHUB_API_URL: "https://ghe.corp.example/api/v3" })).toEqual([
      "ghe.corp.example",
    ]);
    expect(gitHubHostsFromEnv({ GHE_HOST: " ", GITHUB_API_URL: "not a url" })).toEqual([]);
  });
});
