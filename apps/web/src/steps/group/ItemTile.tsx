/**
 * One kept item on the Group step: its picture (the exported version) as the
 * drag handle (@dnd-kit/sortable: pointer, and keyboard: Space, arrows,
 * Space), its name and source, and plain controls: in a post move left /
 * right and back to the pool; everywhere "Add to post…" / "Move to…".
 */
import type { PoolItem, PostsState } from "@curator/contracts"
import { useSortable } from "@dnd-kit/sortable"
import { CSS } from "@dnd-kit/utilities"
import { ItemPicture } from "../../shared/ItemPicture.js"
import { postTitle } from "../../shared/Posts.js"
import type { SignedUrlCache } from "../../shared/SignedUrls.js"
import { fillLabel, hasRoom, NEW_POST, POOL } from "./GroupModel.js"

/** What an item tile needs from the step. */
export interface TileContext {
  readonly sessionId: string
  readonly urls: SignedUrlCache
  readonly state: PostsState
  readonly busy: boolean
  readonly move: (fileId: string, to: string, index: number) => void
}

export const ItemTile = (props: { ctx: TileContext; item: PoolItem; container: string; index: number; count: number }) => {
  const { ctx, item, container, index, count } = props
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id: item.fileId,
    data: { container },
    disabled: ctx.busy
  })
  // The handle is a <button> already: dnd-kit's role="button" is left out.
  const { role: _role, ...handleAttributes } = attributes
  const style = { transform: CSS.Transform.toString(transform), transition }
  const inPost = container !== POOL
  const targets = ctx.state.posts.filter((p) => p.postId !== container)
  return (
    <li
      ref={setNodeRef}
      style={style}
      class={`group-item${isDragging ? " dragging" : ""}`}
      data-testid={inPost ? "post-item" : "pool-item"}
      data-file-id={item.fileId}
      data-name={item.name}
      data-source={item.source}
    >
      <button
        type="button"
        class="drag-handle"
        ref={setActivatorNodeRef}
        {...handleAttributes}
        {...listeners}
        aria-label={`Drag ${item.name}${inPost ? `, slide ${index + 1} of ${count}` : ""}`}
        data-testid="drag-handle"
      >
        <ItemPicture sessionId={ctx.sessionId} urls={ctx.urls} item={item} />
        {inPost ? <span class="rank">{index + 1}</span> : null}
      </button>
      <div class="group-item-body">
        <span class="group-item-name" title={item.name}>
          {item.name}
        </span>
        <span class={`chip ${item.source === "enhanced" ? "chip-enhanced" : ""}`}>{item.source === "enhanced" ? "Enhanced" : "Original"}</span>
      </div>
      <div class="group-item-actions">
        {inPost ? (
          <>
            <button
              type="button"
              class="icon-btn"
              aria-label={`Move ${item.name} left`}
              title="Move left"
              disabled={ctx.busy || index === 0}
              onClick={() => ctx.move(item.fileId, container, index - 1)}
              data-testid="move-left"
            >
              ←
            </button>
            <button
              type="button"
              class="icon-btn"
              aria-label={`Move ${item.name} right`}
              title="Move right"
              disabled={ctx.busy || index === count - 1}
              onClick={() => ctx.move(item.fileId, container, index + 1)}
              data-testid="move-right"
            >
              →
            </button>
            <button
              type="button"
              class="icon-btn"
              aria-label={`Put ${item.name} back in the pool`}
              title="Back to the pool"
              disabled={ctx.busy}
              onClick={() => ctx.move(item.fileId, POOL, 0)}
              data-testid="remove-from-post"
            >
              ✕
            </button>
          </>
        ) : null}
        <select
          class="move-select"
          aria-label={inPost ? `Move ${item.name} to another post` : `Add ${item.name} to a post`}
          disabled={ctx.busy}
          value=""
          data-testid="add-to-post"
          onChange={(e) => {
            const to = (e.currentTarget as HTMLSelectElement).value
            ;(e.currentTarget as HTMLSelectElement).value = ""
            if (to !== "") ctx.move(item.fileId, to, Number.MAX_SAFE_INTEGER)
          }}
        >
          <option value="">{inPost ? "Move to…" : "Add to post…"}</option>
          {targets.map((p) => (
            <option key={p.postId} value={p.postId} disabled={!hasRoom(p)}>
              {postTitle(p)} ({fillLabel(p.fileIds.length)})
            </option>
          ))}
          <option value={NEW_POST}>New post</option>
        </select>
      </div>
    </li>
  )
}
