/**
 * The full-size overlay: a photo (signed original URL) or a <video> player.
 * A modal dialog: focus moves into it, Escape and the backdrop close it, and
 * focus returns to the element that opened it.
 */
import { useEffect, useRef } from "preact/hooks"

/** What the overlay shows; `url` is a short-lived signed GET URL. */
export interface ViewerItem {
  readonly kind: "photo" | "video"
  readonly url: string
  readonly title: string
  readonly caption?: string
}

export const Viewer = (props: { item: ViewerItem; onClose: () => void }) => {
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const el = dialog.current
    if (el === null) return
    const opener = document.activeElement as HTMLElement | null
    if (!el.open) el.showModal()
    return () => {
      el.close()
      opener?.focus()
    }
  }, [])
  const { item } = props
  return (
    <dialog
      ref={dialog}
      class="viewer"
      aria-label={item.title}
      onClose={props.onClose}
      onClick={(e) => {
        if (e.target === dialog.current) props.onClose()
      }}
    >
      <div class="viewer-frame">
        {item.kind === "photo" ? (
          <img class="viewer-media" src={item.url} alt={item.title} />
        ) : (
          <video class="viewer-media" src={item.url} controls autoplay playsInline preload="metadata" aria-label={item.title} />
        )}
        <div class="viewer-bar">
          <div>
            <strong>{item.title}</strong>
            {item.caption ? <p class="muted">{item.caption}</p> : null}
          </div>
          <button type="button" class="btn btn-ghost" onClick={props.onClose} autofocus>
            Close <kbd>Esc</kbd>
          </button>
        </div>
      </div>
    </dialog>
  )
}
