/**
 * The `issue_comment` webhook, parsed once at the edge into what the command handler reads. Only
 * the fields it needs; anything else in the payload is ignored. Where the comment was made is read
 * from GitHub afterwards — the payload says only which issue to ask about.
 */
import { z } from "zod";

const User = z.object({ login: z.string().min(1).max(100), type: z.string() });

export const CommentEvent = z.object({
  action: z.string(),
  installation: z.object({ id: z.number().int().positive() }),
  repository: z.object({ name: z.string().min(1), owner: z.object({ login: z.string().min(1) }) }),
  issue: z.object({ number: z.number().int().positive(), pull_request: z.object({}).passthrough().optional() }),
  comment: z.object({
    id: z.number().int().positive(),
    body: z.string().nullable(),
    user: User.nullable(),
    created_at: z.string(),
    html_url: z.string(),
  }),
});
export type CommentEvent = z.infer<typeof CommentEvent>;

/** The event, or null when the payload is not an `issue_comment` the handler can read. */
export function parseCommentEvent(payload: unknown): CommentEvent | null {
  const parsed = CommentEvent.safeParse(payload);
  return parsed.success ? parsed.data : null;
}
