/**
 * Step 5: group the kept items into posts (useGroup). The pool holds the kept
 * items in no post (each shown as its exported version: an enhanced photo's
 * accepted round, else the upload's thumbnail); each post is a carousel (its
 * order is the slide order) with a label and "n / 20".
 *
 * Items move by drag and drop (@dnd-kit/core + @dnd-kit/sortable: pointer,
 * and keyboard: focus a picture, Space to lift, arrows to move, Space to
 * drop, Escape to cancel) between the pool, the posts and "New post", and
 * within a post; and by plain controls on every item (ItemTile). Each change
 * is one request, shown at once; one change is saved at a time.
 */
import { PostLimits } from "@curator/contracts"
import {
  closestCorners,
  type CollisionDetection,
  DndContext,
  type DragEndEvent,
  type DragStartEvent,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  useSensor,
  useSensors
} from "@dnd-kit/core"
import { rectSortingStrategy, SortableContext, sortableKeyboardCoordinates } from "@dnd-kit/sortable"
import { useState } from "preact/hooks"
import { Link, useNavigate } from "../../router/Router.js"
import { Spinner, StepFrame, StepPending } from "../../shared/StepFrame.js"
import { containerFromDndId, containersOf, dropTarget, NEW_POST, POOL } from "./GroupModel.js"
import { ItemTile, type TileContext } from "./ItemTile.js"
import { DropList, PostCard } from "./PostCard.js"
import { useGroup } from "./useGroup.js"

/** Items over containers: a drop on a picture lands at its place, elsewhere in a container at its end; the keyboard (no pointer) uses corners. */
const collision: CollisionDetection = (args) => {
  const hits = pointerWithin(args)
  if (hits.length > 0) {
    const item = hits.find((h) => containerFromDndId(String(h.id)) === null)
    return [item ?? hits[0]!]
  }
  return closestCorners(args)
}

export const GroupStep = (props: { sessionId: string }) => {
  const { sessionId } = props
  const navigate = useNavigate()
  const g = useGroup(sessionId)
  const [dragging, setDragging] = useState<string | null>(null)
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates })
  )
  const { state, busy } = g
  if (state === null) {
    const failure = g.loadError === null ? null : { title: g.loadError.conflict ? "Confirm the review first" : "The posts could not be opened", message: g.loadError.message }
    const action =
      g.reviewJob !== null ? (
        <Link class="btn btn-primary" to={{ step: "review", sessionId, jobId: g.reviewJob }}>
          Open the review
        </Link>
      ) : undefined
    return <StepPending loading="Loading the posts…" failure={failure === null ? null : { ...failure, action }} />
  }

  const items = new Map(state.items.map((i) => [i.fileId, i]))
  const pool = containersOf(state).get(POOL) ?? []
  const ctx: TileContext = { sessionId, urls: g.urls, state, busy, move: g.move }
  const inPosts = state.items.length - pool.length
  const captionable = state.posts.filter((p) => p.fileIds.length > 0)
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null)
    const target = e.over === null ? null : dropTarget(state, String(e.over.id))
    if (target !== null) g.move(String(e.active.id), target.to, target.index)
  }
  const tiles = (container: string, fileIds: ReadonlyArray<string>) =>
    fileIds.map((fileId, index) => {
      const item = items.get(fileId)
      return item === undefined ? null : <ItemTile key={fileId} ctx={ctx} item={item} container={container} index={index} count={fileIds.length} />
    })

  return (
    <StepFrame
      title="Group into posts"
      lede={
        <>
          Drag your kept items into posts (or use the controls under each picture). The order in a post is its carousel order; a post holds at most{" "}
          {PostLimits.itemsPerPost} items. Changes are saved as you go. With the keyboard: focus a picture, press Space to lift it, arrows to move, Space
          to drop.
        </>
      }
      aside={
        <span class="muted" data-testid="grouped-count">
          {inPosts} of {state.items.length} items in posts
        </span>
      }
    >
      {g.notice !== null ? (
        <div class={`notice notice-${g.notice.tone}`} role="alert" data-testid="group-notice">
          <div>{g.notice.text}</div>
          <button type="button" class="btn btn-small" onClick={g.dismiss}>
            Dismiss
          </button>
        </div>
      ) : null}

      <DndContext
        sensors={sensors}
        collisionDetection={collision}
        onDragStart={(e: DragStartEvent) => setDragging(String(e.active.id))}
        onDragEnd={onDragEnd}
        onDragCancel={() => setDragging(null)}
      >
        <div class="group-layout" aria-busy={busy}>
          <section class="card pool" aria-labelledby="pool-title" data-testid="pool">
            <div class="card-head">
              <h2 id="pool-title">Not in a post</h2>
              <span class="muted small">{pool.length === 0 ? "Every kept item is in a post." : `${pool.length} item${pool.length === 1 ? "" : "s"}`}</span>
            </div>
            <SortableContext id={POOL} items={[...pool]} strategy={rectSortingStrategy}>
              <DropList container={POOL} class="group-list pool-list" testid="pool-list" label="Items not in a post">
                {tiles(POOL, pool)}
                {pool.length === 0 ? <li class="drop-hint">Drop an item here to take it out of its post.</li> : null}
              </DropList>
            </SortableContext>
          </section>

          <section class="posts" aria-label="Posts">
            {state.posts.map((post) => (
              <PostCard key={post.postId} post={post} busy={busy} onLabel={(label) => g.label(post, label)} onDelete={() => g.remove(post)}>
                {tiles(post.postId, post.fileIds)}
              </PostCard>
            ))}
            <div class="card new-post">
              <DropList container={NEW_POST} class={`group-list new-post-list${dragging !== null ? " armed" : ""}`} testid="new-post-drop" label="Drop here to make a new post">
                <li class="drop-hint">Drop an item here to start a new post</li>
              </DropList>
              <button type="button" class="btn" disabled={busy || state.posts.length >= PostLimits.postsPerSession} data-testid="new-post" onClick={g.create}>
                + New post
              </button>
            </div>
          </section>
        </div>
      </DndContext>

      <div class="sticky-actions">
        <span aria-live="polite">
          {busy ? (
            <>
              <Spinner /> Saving…
            </>
          ) : (
            <>
              <strong data-testid="post-count">{captionable.length}</strong> post{captionable.length === 1 ? "" : "s"} with items
            </>
          )}
        </span>
        <button
          type="button"
          class="btn btn-primary btn-large"
          disabled={busy || captionable.length === 0}
          data-testid="caption-posts"
          onClick={() => navigate({ step: "caption", sessionId, postId: captionable[0]?.postId ?? null })}
        >
          Caption posts →
        </button>
      </div>
    </StepFrame>
  )
}
