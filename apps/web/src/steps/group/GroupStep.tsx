/**
 * Step 5: group the kept items into posts. The pool holds the kept items in
 * no post (each shown as its exported version: an enhanced photo's accepted
 * round, else the upload's thumbnail); each post is a carousel (its order is
 * the slide order) with a label and "n / 20".
 *
 * Items move by drag and drop (@dnd-kit/core + @dnd-kit/sortable: pointer,
 * and keyboard: focus a picture, Space to lift, arrows to move, Space to
 * drop, Escape to cancel) between the pool, the posts and "New post", and
 * within a post; and by plain controls on every item ("Add to post…" /
 * "Move to…", move left / right, "Back to the pool"). Each change is one
 * request (GroupModel `planMove`), shown at once and saved with the post's
 * revision; the answer (the whole PostsState) replaces what is shown. A 409
 * (the post changed elsewhere) reloads the posts and says so. One change is
 * saved at a time: the controls wait for the previous answer.
 */
import {
  closestCorners,
  type CollisionDetection,
  DndContext,
  type DragEndEvent,
  type DragStartEvent,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  useDroppable,
  useSensor,
  useSensors
} from "@dnd-kit/core"
import { rectSortingStrategy, SortableContext, sortableKeyboardCoordinates, useSortable } from "@dnd-kit/sortable"
import { CSS } from "@dnd-kit/utilities"
import type { PoolItem, Post, PostsState } from "@curator/contracts"
import { PostLimits } from "@curator/contracts"
import type { ComponentChildren } from "preact"
import { useEffect, useMemo, useState } from "preact/hooks"
import { ApiFailure, call, messageOf } from "../../api/ApiClient.js"
import type { Navigate } from "../../App.js"
import {
  cleanLabel,
  containerDndId,
  containerFromDndId,
  containersOf,
  dropTarget,
  fillLabel,
  hasRoom,
  type MovePlan,
  NEW_POST,
  planMove,
  POOL,
  postTitle
} from "./GroupModel.js"
import { notifySessionChanged } from "../../shared/SessionEvents.js"
import { SignedUrlCache } from "../../shared/SignedUrls.js"
import { ItemPicture } from "../../shared/ItemPicture.js"

/** Items over containers: a drop on a picture lands at its place, elsewhere in a container at its end; the keyboard (no pointer) uses corners. */
const collision: CollisionDetection = (args) => {
  const hits = pointerWithin(args)
  if (hits.length > 0) {
    const item = hits.find((h) => containerFromDndId(String(h.id)) === null)
    return [item ?? hits[0]!]
  }
  return closestCorners(args)
}

/** What an item tile needs from the step. */
interface TileContext {
  readonly sessionId: string
  readonly urls: SignedUrlCache
  readonly state: PostsState
  readonly busy: boolean
  readonly move: (fileId: string, to: string, index: number) => void
}

const ItemTile = (props: { ctx: TileContext; item: PoolItem; container: string; index: number; count: number }) => {
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

/** A droppable list of items: the pool, a post or the new-post target. */
const DropList = (props: { container: string; class: string; testid: string; children: ComponentChildren; label: string }) => {
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

export const GroupStep = (props: { sessionId: string; navigate: Navigate }) => {
  const { sessionId, navigate } = props
  const [state, setState] = useState<PostsState | null>(null)
  const [loadError, setLoadError] = useState<{ message: string; conflict: boolean } | null>(null)
  const [reviewJob, setReviewJob] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [notice, setNotice] = useState<{ tone: "bad" | "warn"; text: string } | null>(null)
  const [dragging, setDragging] = useState<string | null>(null)
  const urls = useMemo(() => new SignedUrlCache(), [sessionId])

  const load = async (signal?: AbortSignal) => {
    try {
      const s = await call((api) => api.posts.list({ params: { sessionId } }), signal)
      if (!signal?.aborted) {
        setState(s)
        setLoadError(null)
      }
    } catch (e) {
      if (signal?.aborted) return
      setLoadError({ message: messageOf(e), conflict: e instanceof ApiFailure && e.status === 409 })
      // Where to go instead: the session's review.
      call((api) => api.sessions.get({ params: { sessionId } }))
        .then((s) => setReviewJob(s.selection?.jobId ?? null))
        .catch(() => undefined)
    }
  }

  useEffect(() => {
    const controller = new AbortController()
    void load(controller.signal)
    return () => controller.abort()
  }, [sessionId])

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates })
  )

  /** Runs one change: shows `shown` at once, sends `request`, shows the answer; a failure reloads and says why. */
  const save = async (shown: PostsState | null, request: () => Promise<PostsState>, what: string) => {
    setBusy(true)
    setNotice(null)
    if (shown !== null) setState(shown)
    try {
      const next = await request()
      setState(next)
      notifySessionChanged()
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 409) {
        setNotice({ tone: "warn", text: `${what} was not saved: the posts changed meanwhile (in another tab?). They were reloaded; please try again.` })
      } else {
        setNotice({ tone: "bad", text: `${what} was not saved: ${messageOf(e)}` })
      }
      await load()
    } finally {
      setBusy(false)
    }
  }

  const run = (plan: MovePlan, what: string) => {
    if (plan.kind === "none") return
    if (plan.kind === "refused") {
      setNotice({ tone: "warn", text: plan.reason })
      return
    }
    if (plan.kind === "create") {
      void save(plan.shown, () => call((api) => api.posts.create({ params: { sessionId }, payload: { fileIds: [...plan.fileIds] } })), what)
      return
    }
    void save(
      plan.shown,
      () =>
        call((api) =>
          api.posts.update({ params: { sessionId, postId: plan.postId }, payload: { label: plan.label, fileIds: [...plan.fileIds], revision: plan.revision } })
        ),
      what
    )
  }

  if (loadError !== null && state === null) {
    return (
      <div class="center">
        <h1>{loadError.conflict ? "Confirm the review first" : "The posts could not be opened"}</h1>
        <p class="muted">{loadError.message}</p>
        {reviewJob !== null ? (
          <a
            class="btn btn-primary"
            href={`/s/${sessionId}/review/${reviewJob}`}
            onClick={(e) => {
              e.preventDefault()
              navigate({ step: "review", sessionId, jobId: reviewJob })
            }}
          >
            Open the review
          </a>
        ) : (
          <a class="btn btn-primary" href="/">
            Start a new trip
          </a>
        )}
      </div>
    )
  }
  if (state === null) {
    return (
      <div class="center" role="status">
        <span class="spinner" aria-hidden="true" /> Loading the posts…
      </div>
    )
  }

  const items = new Map(state.items.map((i) => [i.fileId, i]))
  const lists = containersOf(state)
  const pool = lists.get(POOL) ?? []
  const nameOf = (fileId: string) => items.get(fileId)?.name ?? "The item"
  const move = (fileId: string, to: string, index: number) => run(planMove(state, fileId, to, index), `Moving ${nameOf(fileId)}`)
  const ctx: TileContext = { sessionId, urls, state, busy, move }
  const inPosts = state.items.length - pool.length
  const captionable = state.posts.filter((p) => p.fileIds.length > 0)

  const onDragStart = (e: DragStartEvent) => setDragging(String(e.active.id))
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null)
    if (e.over === null) return
    const target = dropTarget(state, String(e.over.id))
    if (target === null) return
    move(String(e.active.id), target.to, target.index)
  }

  const tiles = (container: string, fileIds: ReadonlyArray<string>) =>
    fileIds.map((fileId, index) => {
      const item = items.get(fileId)
      return item === undefined ? null : <ItemTile key={fileId} ctx={ctx} item={item} container={container} index={index} count={fileIds.length} />
    })

  return (
    <>
      <div class="page-head">
        <div>
          <h1>Group into posts</h1>
          <p class="muted">
            Drag your kept items into posts (or use the controls under each picture). The order in a post is its carousel order; a post holds at most{" "}
            {PostLimits.itemsPerPost} items. Changes are saved as you go. With the keyboard: focus a picture, press Space to lift it, arrows to move,
            Space to drop.
          </p>
        </div>
        <span class="muted" data-testid="grouped-count">
          {inPosts} of {state.items.length} items in posts
        </span>
      </div>

      {notice !== null ? (
        <div class={`notice notice-${notice.tone}`} role="alert" data-testid="group-notice">
          <div>{notice.text}</div>
          <button type="button" class="btn btn-small" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      ) : null}

      <DndContext sensors={sensors} collisionDetection={collision} onDragStart={onDragStart} onDragEnd={onDragEnd} onDragCancel={() => setDragging(null)}>
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
            {state.posts.map((post) => {
              const full = !hasRoom(post)
              return (
                <article key={post.postId} class="card post-card" data-testid="post" data-post-id={post.postId} data-index={post.index} aria-label={postTitle(post)}>
                  <div class="post-head">
                    <LabelField
                      post={post}
                      busy={busy}
                      onSave={(label) =>
                        void save(
                          null,
                          () => call((api) => api.posts.update({ params: { sessionId, postId: post.postId }, payload: { label, fileIds: [...post.fileIds], revision: post.revision } })),
                          "The label"
                        )
                      }
                    />
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
                      onClick={() => void save(null, () => call((api) => api.posts.remove({ params: { sessionId, postId: post.postId } })), `Deleting ${postTitle(post)}`)}
                    >
                      Delete
                    </button>
                  </div>
                  <SortableContext id={post.postId} items={[...post.fileIds]} strategy={rectSortingStrategy}>
                    <DropList container={post.postId} class={`group-list post-list${full ? " full" : ""}`} testid="post-list" label={`Items of ${postTitle(post)} in carousel order`}>
                      {tiles(post.postId, post.fileIds)}
                      {post.fileIds.length === 0 ? <li class="drop-hint">Drop items here.</li> : null}
                    </DropList>
                  </SortableContext>
                  {full ? <p class="muted small">This post is full ({PostLimits.itemsPerPost} items).</p> : null}
                </article>
              )
            })}
            <div class="card new-post">
              <DropList container={NEW_POST} class={`group-list new-post-list${dragging !== null ? " armed" : ""}`} testid="new-post-drop" label="Drop here to make a new post">
                <li class="drop-hint">Drop an item here to start a new post</li>
              </DropList>
              <button
                type="button"
                class="btn"
                disabled={busy || state.posts.length >= PostLimits.postsPerSession}
                data-testid="new-post"
                onClick={() => void save(null, () => call((api) => api.posts.create({ params: { sessionId }, payload: {} })), "The new post")}
              >
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
              <span class="spinner" aria-hidden="true" /> Saving…
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
    </>
  )
}
