/** The review's lower sections: files that could not be read, files not taken in, and the scene groups with their thumbnails. */
import type { ExcludedItem, SceneGroup } from "@curator/contracts"
import type { SkippedFile } from "../../shared/SkippedFiles.js"
import { sceneDetail } from "./ReviewModel.js"
import type { Review } from "./useReview.js"

/** Files that could not be processed: their error tag and message (the selection went on without them). */
export const Unreadable = (props: { review: Review; items: ReadonlyArray<ExcludedItem> }) => {
  const { review } = props
  return (
    <section class="card" aria-labelledby="bad-title">
      <div class="card-head">
        <h2 id="bad-title">Could not be read</h2>
        <span class="muted small">These files are damaged or not supported; the rest went on without them.</span>
      </div>
      <ul class="file-list">
        {props.items.map((e) => (
          <li class="file-row" key={e.fileId} data-testid="failed-item" data-status="failed">
            <span class="kind-icon" aria-hidden="true">
              !
            </span>
            <span class="file-name">{review.nameOf(e.fileId)}</span>
            <span class="bar-cell" />
            <span class="badge badge-failed">{review.failures.get(e.fileId)?.tag ?? "Failed"}</span>
            <span class="file-reason">{review.failures.get(e.fileId)?.message ?? e.reason}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}

/** The files of the pick that were never sent (not a photo or video, refused), with their status and why. */
export const NotTakenIn = (props: { files: ReadonlyArray<SkippedFile> }) => (
  <section class="card" aria-labelledby="skipped-title">
    <div class="card-head">
      <h2 id="skipped-title">Not taken in</h2>
      <span class="muted small">Files of your pick that were not sent: not a photo or video, or refused.</span>
    </div>
    <ul class="file-list">
      {props.files.map((f) => (
        <li class="file-row" key={f.path} data-testid="skipped-item" data-status={f.status}>
          <span class="kind-icon" aria-hidden="true">
            –
          </span>
          <span class="file-name">{f.path}</span>
          <span class="bar-cell" />
          <span class="badge">{f.status}</span>
          <span class="file-reason">{f.reason}</span>
        </li>
      ))}
    </ul>
  </section>
)

/** The scene groups: name, time and place, and a strip of their thumbnails (items in the pick marked). */
export const Scenes = (props: { review: Review; groups: ReadonlyArray<SceneGroup> }) => {
  const { review } = props
  return (
    <section class="card" aria-labelledby="scenes-title">
      <div class="card-head">
        <h2 id="scenes-title">Scenes</h2>
        <span class="muted small">Shots close in time and place; the pick spreads across them.</span>
      </div>
      <div class="scenes">
        {props.groups.map((g) => (
          <div class="scene" key={g.name} data-testid="scene">
            <div>
              <strong>{g.name}</strong>
              <p class="muted small">{sceneDetail(g)}</p>
            </div>
            <div class="scene-strip">
              {g.items.map((id) => {
                const url = review.thumbs.get(id)
                const cls = review.isOn(id) ? "sel" : undefined
                return url ? (
                  <img key={id} src={url} alt={review.nameOf(id)} title={review.nameOf(id)} class={cls} loading="lazy" />
                ) : (
                  <span key={id} class={`thumb-fallback ${cls ?? ""}`} title={review.nameOf(id)} />
                )
              })}
            </div>
          </div>
        ))}
      </div>
    </section>
  )
}
