/**
 * The picture that stands for a kept item in the Group and Caption steps:
 * its exported version (GroupModel `pictureOf`: an enhanced photo's round
 * preview, else the upload's thumbnail), from a short-lived signed URL
 * fetched when the item nears the viewport and renewed on expiry or a load
 * error (SignedUrls.ts).
 */
import type { PoolItem } from "@curator/contracts"
import { useRef } from "preact/hooks"
import { call } from "../api/ApiClient.js"
import { pictureOf } from "./Posts.js"
import { type SignedUrlCache, useNearViewport, useSignedUrl } from "./SignedUrls.js"

export const ItemPicture = (props: { sessionId: string; urls: SignedUrlCache; item: PoolItem; alt?: string }) => {
  const { sessionId, urls, item } = props
  const ref = useRef<HTMLSpanElement>(null)
  const near = useNearViewport(ref)
  const picture = pictureOf(item)
  const key = picture.kind === "enhanced" ? `${item.fileId}/${picture.jobId}/${picture.round}` : `${item.fileId}/thumbnail`
  const url = useSignedUrl(urls, near ? key : null, () =>
    picture.kind === "enhanced"
      ? call((api) => api.enhancement.previewUrl({ params: { sessionId, jobId: picture.jobId, fileId: item.fileId, round: String(picture.round) } }))
      : call((api) => api.media.thumbnailUrl({ params: { sessionId, fileId: item.fileId } }))
  )
  return (
    <span ref={ref} class="item-picture">
      {url.media !== null ? (
        <img src={url.media.url} alt={props.alt ?? ""} draggable={false} onLoad={url.onLoad} onError={url.onError} data-testid="item-picture" />
      ) : (
        <span class="placeholder">{url.error ?? "…"}</span>
      )}
      {item.kind === "video" ? <span class="video-chip">▶ Video</span> : null}
    </span>
  )
}
