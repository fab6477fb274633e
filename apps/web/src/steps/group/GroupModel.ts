/**
 * The Group step's rules as pure functions: the pool and the posts as
 * containers of fileIds, what a move (drag and drop, keyboard or a button)
 * asks of the API, the state shown while it is saved, and the 20-per-post limit
 * (PostLimits.itemsPerPost, refused here before the API would).
 *
 * The API answers every change with the whole PostsState; a move is one
 * request: into a post = `PUT` of that post with the item at its place (the
 * API takes it out of any other post), back to the pool = `PUT` of the post
 * it leaves without it, onto "new post" = `POST` with it as the first item.
 */
import type { PoolItem, Post, PostsState } from "@curator/contracts"
import { PostLimits } from "@curator/contracts"
import { postTitle } from "../../shared/Posts.js"

/** The container id of the pool (kept items in no post). */
export const POOL = "pool"
/** The drop target that makes a new post. */
export const NEW_POST = "new-post"

/** The drag-and-drop id of a container: `container:pool`, `container:new-post`, `container:<postId>`. */
export const containerDndId = (container: string): string => `container:${container}`

/** The container a drag-and-drop id names, or null when it is an item's id. */
export const containerFromDndId = (id: string): string | null => (id.startsWith("container:") ? id.slice("container:".length) : null)

/** Each container's fileIds in order: the pool in the kept items' rank order, each post in carousel order. */
export const containersOf = (state: PostsState): ReadonlyMap<string, ReadonlyArray<string>> => {
  const map = new Map<string, ReadonlyArray<string>>([[POOL, state.items.filter((i) => i.postId === null).map((i) => i.fileId)]])
  for (const post of state.posts) map.set(post.postId, post.fileIds)
  return map
}

/** The container holding `fileId`, or null when it is not a kept item. */
export const containerOf = (state: PostsState, fileId: string): string | null => {
  const item = state.items.find((i) => i.fileId === fileId)
  if (item === undefined) return null
  return state.posts.find((p) => p.fileIds.includes(fileId))?.postId ?? POOL
}

/** "n / 20": how full a post is. */
export const fillLabel = (count: number): string => `${count} / ${PostLimits.itemsPerPost}`

/** Whether a post can take one more item. */
export const hasRoom = (post: Pick<Post, "fileIds">): boolean => post.fileIds.length < PostLimits.itemsPerPost

/** What a move asks of the API. */
export type MovePlan =
  | { readonly kind: "none" }
  | { readonly kind: "refused"; readonly reason: string }
  | { readonly kind: "update"; readonly postId: string; readonly label: string; readonly fileIds: ReadonlyArray<string>; readonly revision: number; readonly shown: PostsState }
  | { readonly kind: "create"; readonly fileIds: ReadonlyArray<string>; readonly shown: PostsState }

/** `list` with the element at `from` moved to `to` (dnd-kit's arrayMove). */
export const arrayMove = <A>(list: ReadonlyArray<A>, from: number, to: number): Array<A> => {
  const next = [...list]
  const [moved] = next.splice(from, 1)
  if (moved !== undefined) next.splice(Math.max(0, Math.min(to, next.length)), 0, moved)
  return next
}

/** The state with `post`'s items replaced and every item's `postId` re-derived (an item is in at most one post). */
const withPostItems = (state: PostsState, postId: string, fileIds: ReadonlyArray<string>): PostsState => {
  const moved = new Set(fileIds)
  const posts = state.posts.map((p) => (p.postId === postId ? { ...p, fileIds: [...fileIds] } : { ...p, fileIds: p.fileIds.filter((f) => !moved.has(f)) }))
  return { ...state, posts, items: itemsWithPosts(state.items, posts) }
}

const itemsWithPosts = (items: ReadonlyArray<PoolItem>, posts: ReadonlyArray<Post>): Array<PoolItem> => {
  const holder = new Map<string, string>()
  for (const p of posts) for (const f of p.fileIds) holder.set(f, p.postId)
  return items.map((i) => ({ ...i, postId: holder.get(i.fileId) ?? null }))
}

/**
 * What moving `fileId` to `index` of container `to` (POOL, NEW_POST or a
 * postId) asks of the API, with the state to show meanwhile (`shown`).
 * `index` is the item's place in the target list after the move (clamped;
 * the pool keeps rank order whatever the index). Refused: a full post
 * ({@link PostLimits.itemsPerPost}) and unknown items or posts.
 */
export const planMove = (state: PostsState, fileId: string, to: string, index: number): MovePlan => {
  const from = containerOf(state, fileId)
  if (from === null) return { kind: "refused", reason: "This item is not one of the kept items any more." }
  if (to === NEW_POST) {
    if (state.posts.length >= PostLimits.postsPerSession) return { kind: "refused", reason: `A trip holds at most ${PostLimits.postsPerSession} posts.` }
    const shown: PostsState = {
      ...state,
      posts: state.posts.map((p) => ({ ...p, fileIds: p.fileIds.filter((f) => f !== fileId) })),
      items: state.items.map((i) => (i.fileId === fileId ? { ...i, postId: null } : i))
    }
    return { kind: "create", fileIds: [fileId], shown }
  }
  if (to === POOL) {
    if (from === POOL) return { kind: "none" }
    const post = state.posts.find((p) => p.postId === from)
    if (post === undefined) return { kind: "refused", reason: "That post no longer exists." }
    const fileIds = post.fileIds.filter((f) => f !== fileId)
    return { kind: "update", postId: post.postId, label: post.label, fileIds, revision: post.revision, shown: withPostItems(state, post.postId, fileIds) }
  }
  const target = state.posts.find((p) => p.postId === to)
  if (target === undefined) return { kind: "refused", reason: "That post no longer exists." }
  let fileIds: Array<string>
  if (from === to) {
    const at = target.fileIds.indexOf(fileId)
    const clamped = Math.max(0, Math.min(index, target.fileIds.length - 1))
    if (at === clamped) return { kind: "none" }
    fileIds = arrayMove(target.fileIds, at, clamped)
  } else {
    if (!hasRoom(target)) return { kind: "refused", reason: `${postTitle(target)} is full: a post holds at most ${PostLimits.itemsPerPost} items.` }
    fileIds = [...target.fileIds]
    fileIds.splice(Math.max(0, Math.min(index, fileIds.length)), 0, fileId)
  }
  return { kind: "update", postId: target.postId, label: target.label, fileIds, revision: target.revision, shown: withPostItems(state, target.postId, fileIds) }
}

/**
 * Where a drop lands: over a container (its id from {@link containerDndId})
 * = at its end; over an item = that item's container at that item's place.
 * Null when `overId` is neither (dropped outside).
 */
export const dropTarget = (state: PostsState, overId: string): { readonly to: string; readonly index: number } | null => {
  const container = containerFromDndId(overId)
  const lists = containersOf(state)
  if (container !== null) {
    if (container === NEW_POST) return { to: NEW_POST, index: 0 }
    const list = lists.get(container)
    return list === undefined ? null : { to: container, index: list.length }
  }
  const holder = containerOf(state, overId)
  if (holder === null) return null
  return { to: holder, index: lists.get(holder)?.indexOf(overId) ?? 0 }
}

/** The label to store: trimmed, at most {@link PostLimits.labelLength} characters. */
export const cleanLabel = (label: string): string => label.trim().slice(0, PostLimits.labelLength)
