/**
 * A video's before and after clips side by side. "Play both" starts them
 * together from the same moment; while both play, a play, pause or seek in
 * either player is mirrored in the other and drift over {@link MAX_DRIFT_S}
 * is corrected. The "before" player is muted so the sound is heard once.
 */
import type { ComponentChildren } from "preact"
import { useEffect, useRef, useState } from "preact/hooks"

/** Largest allowed gap between the two players' positions (s) before the follower is moved: about 6 frames at 30 fps. */
export const MAX_DRIFT_S = 0.2

/** One player: its signed URL (null while fetched) and load callbacks for URL renewal. */
export interface PlayerSide {
  readonly url: string | null
  readonly onLoad: () => void
  readonly onError: () => void
}

export const SyncedPlayers = (props: { label: string; before: PlayerSide; after: PlayerSide; overlay?: ComponentChildren }) => {
  const { label, before, after } = props
  const beforeRef = useRef<HTMLVideoElement>(null)
  const afterRef = useRef<HTMLVideoElement>(null)
  const [playing, setPlaying] = useState(false)
  // Both clips show the same picture: the first one's displayed shape sizes both boxes (portrait clips stay portrait).
  const [ratio, setRatio] = useState<string | null>(null)

  useEffect(() => {
    const a = afterRef.current
    const b = beforeRef.current
    if (a === null || b === null) return
    const mirror = (from: HTMLVideoElement, to: HTMLVideoElement) => {
      const onPlay = () => {
        setPlaying(true)
        if (to.paused) void to.play().catch(() => undefined)
      }
      const onPause = () => {
        setPlaying(!to.paused && !from.paused)
        if (!to.paused) to.pause()
      }
      const onSeeked = () => {
        if (Math.abs(to.currentTime - from.currentTime) > MAX_DRIFT_S / 4) to.currentTime = from.currentTime
      }
      const onTime = () => {
        if (!from.paused && !to.paused && Math.abs(to.currentTime - from.currentTime) > MAX_DRIFT_S) to.currentTime = from.currentTime
      }
      from.addEventListener("play", onPlay)
      from.addEventListener("pause", onPause)
      from.addEventListener("seeked", onSeeked)
      from.addEventListener("timeupdate", onTime)
      return () => {
        from.removeEventListener("play", onPlay)
        from.removeEventListener("pause", onPause)
        from.removeEventListener("seeked", onSeeked)
        from.removeEventListener("timeupdate", onTime)
      }
    }
    // The "after" player leads drift correction; play/pause/seek mirror both ways.
    const offA = mirror(a, b)
    const offB = mirror(b, a)
    return () => {
      offA()
      offB()
    }
  }, [before.url, after.url])

  const toggle = async () => {
    const a = afterRef.current
    const b = beforeRef.current
    if (a === null || b === null) return
    if (playing) {
      a.pause()
      b.pause()
      return
    }
    if (a.ended || b.ended) {
      a.currentTime = 0
      b.currentTime = 0
    } else b.currentTime = a.currentTime
    await Promise.allSettled([a.play(), b.play()])
  }

  const player = (side: PlayerSide, which: "before" | "after") =>
    side.url !== null ? (
      <video
        ref={which === "before" ? beforeRef : afterRef}
        class="player"
        data-testid={`player-${which}`}
        src={side.url}
        controls
        playsInline
        muted={which === "before"}
        preload="metadata"
        aria-label={`${label}, ${which}`}
        style={{ aspectRatio: ratio ?? "16 / 9" }}
        onLoadedMetadata={(e) => {
          const v = e.currentTarget as HTMLVideoElement
          if (v.videoWidth > 0 && v.videoHeight > 0) setRatio((r) => r ?? `${v.videoWidth} / ${v.videoHeight}`)
          side.onLoad()
        }}
        onError={side.onError}
        onEnded={() => setPlaying(false)}
      />
    ) : (
      <div class="player player-wait">
        <span class="spinner" aria-hidden="true" /> Loading…
      </div>
    )

  return (
    <div class="players" data-testid="players">
      <div class="players-row">
        <figure>
          {player(before, "before")}
          <figcaption class="muted small">Before</figcaption>
        </figure>
        <figure>
          {player(after, "after")}
          <figcaption class="muted small">After</figcaption>
        </figure>
        {props.overlay ? <div class="media-overlay">{props.overlay}</div> : null}
      </div>
      <button type="button" class="btn" data-testid="play-both" disabled={before.url === null || after.url === null} onClick={() => void toggle()} aria-pressed={playing}>
        {playing ? "Pause both" : "Play both"}
      </button>
    </div>
  )
}
