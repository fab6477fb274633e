/**
 * A before/after comparison of one photo: the two pictures overlaid, the
 * "before" one clipped to the left of a divider the person drags (pointer:
 * mouse, pen or touch) or moves with the keyboard. The divider is a WAI-ARIA
 * slider (role="slider", aria-valuenow 0..100 = the share of the width that
 * shows "before"; arrows, Page Up / Down, Home / End; see EnhanceModel.ts).
 */
import type { ComponentChildren } from "preact"
import { useRef, useState } from "preact/hooks"
import { clampPercent, percentFromPointer, SLIDER_MAX, SLIDER_MIN, sliderKey, sliderText } from "./EnhanceModel.js"

/** One side of the comparison: its signed URL (null while fetched) and load callbacks for URL renewal. */
export interface CompareSide {
  readonly url: string | null
  readonly onLoad: () => void
  readonly onError: () => void
}

export const CompareSlider = (props: {
  /** What the pictures show, for the slider's and the images' accessible names. */
  label: string
  before: CompareSide
  after: CompareSide
  /** Shown over the pictures (e.g. "Applying “brighter”…"). */
  overlay?: ComponentChildren
}) => {
  const { label, before, after } = props
  const [value, setValue] = useState(50)
  const [ratio, setRatio] = useState<string | null>(null)
  const box = useRef<HTMLDivElement>(null)
  const handle = useRef<HTMLDivElement>(null)
  const dragging = useRef(false)

  const moveTo = (clientX: number) => {
    const rect = box.current?.getBoundingClientRect()
    if (rect) setValue(percentFromPointer(clientX, rect.left, rect.width))
  }
  const onImageLoad = (side: CompareSide) => (e: Event) => {
    const img = e.currentTarget as HTMLImageElement
    if (img.naturalWidth > 0 && img.naturalHeight > 0) setRatio((r) => r ?? `${img.naturalWidth} / ${img.naturalHeight}`)
    side.onLoad()
  }

  /** One side's picture (none while its URL is fetched); `style` clips the "before" side at the divider. */
  const picture = (side: CompareSide, which: "before" | "after", alt: string, style?: { clipPath: string }) =>
    side.url !== null ? (
      <img
        class="compare-img"
        data-testid={`compare-${which}`}
        src={side.url}
        alt={alt}
        loading="lazy"
        decoding="async"
        draggable={false}
        style={style}
        onLoad={onImageLoad(side)}
        onError={side.onError}
      />
    ) : null

  return (
    <div
      ref={box}
      class="compare"
      data-testid="compare"
      style={{ aspectRatio: ratio ?? "4 / 3" }}
      onPointerDown={(e) => {
        if (e.button !== 0) return
        dragging.current = true
        box.current?.setPointerCapture(e.pointerId)
        moveTo(e.clientX)
        handle.current?.focus({ preventScroll: true })
        e.preventDefault()
      }}
      onPointerMove={(e) => {
        if (dragging.current) moveTo(e.clientX)
      }}
      onPointerUp={() => {
        dragging.current = false
      }}
      onPointerCancel={() => {
        dragging.current = false
      }}
    >
      {picture(after, "after", `${label}, enhanced`)}
      {picture(before, "before", `${label}, before`, { clipPath: `inset(0 ${SLIDER_MAX - value}% 0 0)` })}
      {before.url === null || after.url === null ? (
        <span class="compare-wait">
          <span class="spinner" aria-hidden="true" /> Loading…
        </span>
      ) : null}
      <span class="compare-tag compare-tag-before" aria-hidden="true">
        Before
      </span>
      <span class="compare-tag compare-tag-after" aria-hidden="true">
        After
      </span>
      <div
        ref={handle}
        class="compare-divider"
        style={{ left: `${value}%` }}
        role="slider"
        tabIndex={0}
        aria-label={`Compare before and after: ${label}`}
        aria-orientation="horizontal"
        aria-valuemin={SLIDER_MIN}
        aria-valuemax={SLIDER_MAX}
        aria-valuenow={value}
        aria-valuetext={sliderText(value)}
        data-testid="compare-slider"
        onKeyDown={(e) => {
          const next = sliderKey(value, e.key)
          if (next === null) return
          e.preventDefault()
          setValue(clampPercent(next))
        }}
      >
        <span class="compare-knob" aria-hidden="true">
          <svg width="18" height="18" viewBox="0 0 18 18" fill="currentColor">
            <path d="M7 4L2 9l5 5zM11 4l5 5-5 5z" />
          </svg>
        </span>
      </div>
      {props.overlay ? <div class="media-overlay">{props.overlay}</div> : null}
    </div>
  )
}
