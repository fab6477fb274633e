/**
 * What the Group, Caption and Download steps say of posts and kept items, as
 * pure functions: a post's title, and the picture that stands for an item
 * (its exported version).
 */
import type { PoolItem, Post } from "@curator/contracts"

/** The post's title as shown: its label, or "Post n" (n = index + 1) while it has none. */
export const postTitle = (post: Pick<Post, "label" | "index">): string => (post.label.trim() === "" ? `Post ${post.index + 1}` : post.label.trim())

/**
 * The picture that stands for an item: the exported version. A photo whose
 * source is an enhanced round shows that round's preview (enhancement
 * preview-url); everything else the upload's thumbnail (media thumbnail-url;
 * for a video the still of the original: the enhanced preview is a clip).
 */
export const pictureOf = (
  item: Pick<PoolItem, "kind" | "source" | "enhancement">
): { readonly kind: "enhanced"; readonly jobId: string; readonly round: number } | { readonly kind: "thumbnail" } =>
  item.kind === "photo" && item.source === "enhanced" && item.enhancement !== null
    ? { kind: "enhanced", jobId: item.enhancement.jobId, round: item.enhancement.round }
    : { kind: "thumbnail" }
