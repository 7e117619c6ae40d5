import { describe, expect, it } from "vitest";

import { parseGitHubRepoURL } from "../../src/sources/index.js";

describe("parseGitHubRepoURL", () => {
  it.each([
    ["https://github.com/acme/gitops", { owner: "acme", name: "gitops" }],
    ["https://github.com/acme/gitops.git", { owner: "acme", name: "gitops" }],
    ["https://github.com/acme/gitops/", { owner: "acme", name: "gitops" }],
    ["http://github.com/acme/gitops", { owner: "acme", name: "gitops" }],
    ["https://www.github.com/acme/gitops", { owner: "acme", name: "gitops" }],
    ["https://GitHub.com/Acme/GitOps.git", { owner: "Acme", name: "GitOps" }],
    ["https://token@github.com/acme/gitops.git", { owner: "acme", name: "gitops" }],
    ["git@github.com:acme/gitops.git", { owner: "acme", name: "gitops" }],
    ["git@github.com:acme/gitops", { owner: "acme", name: "gitops" }],
    ["github.com:acme/gitops.git", { owner: "acme", name: "gitops" }],
    ["ssh://git@github.com/acme/gitops.git", { owner: "acme", name: "gitops" }],
    ["ssh://git@github.com:22/acme/gitops", { owner: "acme", name: "gitops" }],
    ["git://github.com/acme/gitops.git", { owner: "acme", name: "gitops" }],
    ["github.com/acme/gitops", { owner: "acme", name: "gitops" }],
    ["  https://github.com/acme/my.repo_1  ", { owner: "acme", name: "my.repo_1" }],
  ])("%s", (url, expected) => {
    expect(parseGitHubRepoURL(url)).toEqual(expected);
  });

  it.each([
    "https://gitlab.com/acme/gitops.git",
    "git@gitlab.com:acme/gitops.git",
    "https://github.example.com/acme/gitops",
    "https://github.com/acme",
    "https://github.com/acme/gitops/tree/main",
    "https://github.com/acme/gitops?ref=main",
    "https://charts.bitnami.com/bitnami",
    "oci://ghcr.io/acme/charts",
    "ftp://github.com/acme/gitops",
    "",
    "not a url",
    "https://github.com/-acme/gitops",
  ])("%s is not a GitHub repository", (url) => {
    expect(parseGitHubRepoURL(url)).toBeNull();
  });
});

describe("parseGitHubRepoURL on a GitHub Enterprise Server host (GHE_HOST)", () => {
  const hosts = ["GHE.corp.example"];
  it.each([
    "https://ghe.corp.example/acme/gitops.git",
    "http://ghe.corp.example/acme/gitops",
    "git@ghe.corp.example:acme/gitops.git",
    "ghe.corp.example:acme/gitops",
    "ssh://git@ghe.corp.example:22/acme/gitops.git",
    "ghe.corp.example/acme/gitops",
    "https://github.com/acme/gitops",
  ])("%s is acme/gitops", (url) => {
    expect(parseGitHubRepoURL(url, hosts)).toEqual({ owner: "acme", name: "gitops" });
  });

  it("a host with a port is matched with its port", () => {
    expect(parseGitHubRepoURL("https://ghe.corp.example:8443/acme/gitops", ["ghe.corp.example:8443"])).toEqual({
      owner: "acme",
      name: "gitops",
    });
    expect(parseGitHubRepoURL("ghe.corp.example:8443/acme/gitops", ["ghe.corp.example:8443"])).toEqual({ owner: "acme", name: "gitops" });
  });

  it.each(["https://ghe.other.example/acme/gitops", "git@gitlab.com:acme/gitops.git", "https://ghe.corp.example/acme"])(
    "%s is not",
    (url) => {
      expect(parseGitHubRepoURL(url, hosts)).toBeNull();
    },
  );

  it("without the host, a GHES URL is no GitHub repository", () => {
    expect(parseGitHubRepoURL("https://ghe.corp.example/acme/gitops")).toBeNull();
  });
});
