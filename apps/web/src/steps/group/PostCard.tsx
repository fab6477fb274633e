/**
 * The containers of the Group step: a droppable list (the pool, a post, the
 * new-post target), and a post's card: its label (saved on Enter or blur),
 * "n / 20", its caption's state, "Delete" (its items go back to the pool),
 * and its items in carousel order.
 */
import type { Post } from "@curator/contracts"
import { PostLimits } from "@curator/contracts"
import { useDroppable } from "@dnd-kit/core"
import { rectSortingStrategy, SortableContext } from "@dnd-kit/sortable"
import type { ComponentChildren } from "preact"
import { useEffect, useState } from "preact/hooks"
import { postTitle } from "../../shared/Posts.js"
import { cleanLabel, containerDndId, fillLabel, hasRoom } from "./GroupModel.js"

/** A droppable list of items: the pool, a post or the new-post target. */
export const DropList = (props: { container: string; class: string; testid: string; children: ComponentChildren; label: string }) => {
  const { setNodeRef, isOver } = useDroppable({ id: containerDndId(props.container), data: { container: props.container } })
  return (
    <ul ref={setNodeRef} class={`${props.class}${isOver ? " over" : ""}`} data-testid={props.testid} aria-label={props.label}>
      {props.children}
    </ul>
  )
}

const LabelField = (props: { post: Post; busy: boolean; onSave: (label: string) => void }) => {
  const { post } = props
  const [text, setText] = useState(post.label)
  useEffect(() => setText(post.label), [post.label, post.revision])
  const save = () => {
    const label = cleanLabel(text)
    if (label !== post.label) props.onSave(label)
  }
  return (
    <input
      type="text"
      class="post-label"
      value={text}
      placeholder={`Post ${post.index + 1}: add a label`}
      aria-label={`Label of ${postTitle(post)}`}
      maxLength={PostLimits.labelLength}
      disabled={props.busy}
      data-testid="post-label"
      onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
      onBlur={save}
      onKeyDown={(e) => {
        if (e.key === "Enter") {
          e.preventDefault()
          save()
        }
      }}
    />
  )
}

/** A post: head (label, fill, caption state, delete) and its items (`children`: the tiles) as a sortable drop list. */
export const PostCard = (props: { post: Post; busy: boolean; onLabel: (label: string) => void; onDelete: () => void; children: ComponentChildren }) => {
  const { post, busy } = props
  const full = !hasRoom(post)
  return (
    <article class="card post-card" data-testid="post" data-post-id={post.postId} data-index={post.index} aria-label={postTitle(post)}>
      <div class="post-head">
        <LabelField post={post} busy={busy} onSave={props.onLabel} />
        <span class={`badge ${full ? "badge-failed" : "badge-pending"}`} data-testid="post-fill" title={`At most ${PostLimits.itemsPerPost} items per post`}>
          {fillLabel(post.fileIds.length)}
        </span>
        {post.caption !== null ? (
          <span class={`badge ${post.caption.stale ? "badge-processing" : "badge-complete"}`} data-testid="post-caption">
            {post.caption.stale ? "Caption out of date" : post.caption.acceptedRound !== null ? "Caption accepted" : "Captioned"}
          </span>
        ) : null}
        <button
          type="button"
          class="btn btn-ghost btn-small"
          disabled={busy}
          data-testid="delete-post"
          aria-label={`Delete ${postTitle(post)}; its items go back to the pool`}
          onClick={props.onDelete}
        >
          Delete
        </button>
      </div>
      <SortableContext id={post.postId} items={[...post.fileIds]} strategy={rectSortingStrategy}>
        <DropList container={post.postId} class={`group-list post-list${full ? " full" : ""}`} testid="post-list" label={`Items of ${postTitle(post)} in carousel order`}>
          {props.children}
          {post.fileIds.length === 0 ? <li class="drop-hint">Drop items here.</li> : null}
        </DropList>
      </SortableContext>
      {full ? <p class="muted small">This post is full ({PostLimits.itemsPerPost} items).</p> : null}
    </article>
  )
}
