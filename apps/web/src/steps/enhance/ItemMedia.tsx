/**
 * An item's media on the Enhance step: a placeholder until it has a version
 * (and is near the viewport), then for a photo the before/after slider
 * (CompareSlider) and for a video the two clips side by side (SyncedPlayers),
 * from short-lived signed URLs renewed on expiry or a load error
 * (SignedUrls.ts).
 */
import type { EnhancementItemStatus } from "@curator/contracts"
import type { ComponentChildren } from "preact"
import { useRef } from "preact/hooks"
import { call } from "../../api/ApiClient.js"
import { type SignedUrlCache, type SignedUrlState, useNearViewport, useSignedUrl } from "../../shared/SignedUrls.js"
import { Spinner } from "../../shared/StepFrame.js"
import { CompareSlider } from "./CompareSlider.js"
import { SyncedPlayers } from "./SyncedPlayers.js"

/** What the item card needs from the step. */
export interface ItemContext {
  readonly sessionId: string
  readonly jobId: string
  readonly urls: SignedUrlCache
  readonly accepted: boolean
  /** The job's first pass still runs: feedback waits for it (the API answers 409 until then). */
  readonly running: boolean
}

/** One side of a comparison from its signed URL: the URL (null while fetched) and the load callbacks that renew it. */
const sideOf = (state: SignedUrlState) => ({ url: state.media?.url ?? null, onLoad: state.onLoad, onError: state.onError })

export const ItemMedia = (props: { ctx: ItemContext; item: EnhancementItemStatus; round: number | null; overlay: ComponentChildren }) => {
  const { ctx, item, round } = props
  const ref = useRef<HTMLDivElement>(null)
  const near = useNearViewport(ref)
  const ready = near && item.versions.length > 0
  const params = { sessionId: ctx.sessionId, jobId: ctx.jobId, fileId: item.fileId }
  const before = useSignedUrl(ctx.urls, ready ? `${item.fileId}/before` : null, () => call((api) => api.enhancement.beforeUrl({ params })))
  const after = useSignedUrl(ctx.urls, ready && round !== null ? `${item.fileId}/${round}/preview` : null, () =>
    call((api) => api.enhancement.previewUrl({ params: { ...params, round: String(round) } }))
  )
  const error = before.error ?? after.error
  return (
    <div ref={ref} class="enhance-media">
      {!ready ? (
        <div class="media-placeholder">
          {item.status === "failed" ? (
            <span>No version to show</span>
          ) : (
            <>
              <Spinner /> {item.status === "processing" ? "Enhancing…" : "Waiting…"}
            </>
          )}
        </div>
      ) : item.kind === "photo" ? (
        <CompareSlider label={item.name} before={sideOf(before)} after={sideOf(after)} overlay={props.overlay} />
      ) : (
        <SyncedPlayers label={item.name} before={sideOf(before)} after={sideOf(after)} overlay={props.overlay} />
      )}
      {error !== null ? (
        <p class="item-error" role="alert">
          {error}{" "}
          <button
            type="button"
            class="btn btn-small"
            onClick={() => {
              before.retry()
              after.retry()
            }}
          >
            Try again
          </button>
        </p>
      ) : null}
    </div>
  )
}
