/**
 * commands/: PURE. A comment → a command, or nothing; a dashboard target → its id; the replies.
 */
export { commandUsage, MAX_COMMENT_LENGTH, parseCommandTarget, parseComment } from "./parse-comment.js";
export type { Command, CommandName, CommandTarget, CommentAuthor, CommentPlace, ParsedComment } from "./parse-comment.js";
export { resolveCommandTarget } from "./resolve-target.js";
export type { ResolvedTarget } from "./resolve-target.js";
export { helpReply, malformedReply, quoteInput, refusalReply, unknownTagReply, unknownTargetReply } from "./reply.js";
