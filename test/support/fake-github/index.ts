/**
 * A stateful fake GitHub for tests: real HTTP on 127.0.0.1, real git repositories on disk, every
 * request and response checked against GitHub's OpenAPI description. See README.md.
 */
export {
  startFakeGitHub,
  type StartOptions,
  type CreateRepoOptions,
  type FailReply,
  type FakeGitHub,
  type FakeRepo,
  type RecordedRequest,
} from "./server.js";
export type { FakeComment, FakeIssue, FakePull } from "./repo.js";
export type { FakeEvent, MergeMethod, Permission } from "./state.js";
export { signedWebhook } from "./webhooks.js";
