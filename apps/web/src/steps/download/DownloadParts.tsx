/** The Download step's parts: the settings with the start button, a bundle's button, and one post's progress with its bundles. */
import type { DownloadStatus } from "@curator/contracts"
import { useEffect, useState } from "preact/hooks"
import { itemFraction, itemTone } from "../../shared/Jobs.js"
import { postTitle } from "../../shared/Posts.js"
import { ProgressBar } from "../../shared/ProgressBar.js"
import { Spinner } from "../../shared/StepFrame.js"
import { formatBytes } from "./DownloadModel.js"
import { useBundleDownload, useStartDownload } from "./useDownload.js"

/** The settings ("Keep GPS location in files", the bundle size) and the start button; before the first job and to build again. */
export const StartForm = (props: { sessionId: string; keepGps: boolean; bundleBytes: number; label: string; primary: boolean }) => {
  const [keepGps, setKeepGps] = useState(props.keepGps)
  useEffect(() => setKeepGps(props.keepGps), [props.keepGps])
  const start = useStartDownload(props.sessionId)
  return (
    <div class="download-form" data-testid="download-form">
      <label class="check">
        <input type="checkbox" checked={keepGps} onChange={(e) => setKeepGps((e.currentTarget as HTMLInputElement).checked)} data-testid="keep-gps" />
        <span>
          <strong>Keep GPS location in files</strong>
          <span class="muted small" data-testid="keep-gps-hint">
            {keepGps
              ? " On: every photo and video keeps the place where it was taken."
              : " Off: the location is removed from every photo and video (the pictures themselves are not changed)."}
          </span>
        </span>
      </label>
      <p class="muted small" data-testid="bundle-size">
        Each post is one ZIP file; a post larger than {formatBytes(props.bundleBytes)} is split into several.
      </p>
      <div class="actions">
        <button
          type="button"
          class={`btn ${props.primary ? "btn-primary btn-large" : ""}`}
          disabled={start.busy}
          onClick={() => void start.run(keepGps)}
          data-testid="start-download"
        >
          {start.busy ? <Spinner /> : null}
          {props.label}
        </button>
      </div>
      {start.error !== null ? (
        <p class="item-error" role="alert" data-testid="download-start-error">
          {start.error}
        </p>
      ) : null}
    </div>
  )
}

/** One bundle's button: its name and size; a click saves it. */
export const BundleButton = (props: { sessionId: string; jobId: string; name: string; bytes: number }) => {
  const get = useBundleDownload(props.sessionId, props.jobId, props.name)
  return (
    <>
      <button type="button" class="btn btn-primary" disabled={get.busy} onClick={() => void get.run()} data-testid="bundle-download" data-name={props.name}>
        {get.busy ? <Spinner /> : "↓"} {props.name}.zip
        <span class="muted-inverse">({formatBytes(props.bytes)})</span>
      </button>
      {get.error !== null ? (
        <span class="item-error" role="alert">
          {get.error}
        </span>
      ) : null}
    </>
  )
}

const LABEL = { pending: "Waiting", processing: "Packing", done: "Ready", failed: "Failed" } as const

/** One post of a job: title, file count, bar and status, the failure, and a button per bundle with its entries in carousel order. */
export const PostProgress = (props: { sessionId: string; jobId: string; post: DownloadStatus["posts"][number] }) => {
  const p = props.post
  return (
    <li class="dl-post" data-testid="download-post" data-post-id={p.postId} data-status={p.status}>
      <div class="dl-post-head">
        <strong>{postTitle(p)}</strong>
        <span class="muted small">
          {p.entries.length} file{p.entries.length === 1 ? "" : "s"}
        </span>
        <span class="bar-cell">
          <ProgressBar value={itemFraction(p.status)} label={`${postTitle(p)}: ${LABEL[p.status]}`} tone={itemTone(p.status)} />
        </span>
        <span class={`badge badge-${p.status}`}>{LABEL[p.status]}</span>
      </div>
      {p.reason !== null ? (
        <p class="item-error">
          <strong>{p.reason.tag}</strong> {p.reason.message}
        </p>
      ) : null}
      {p.bundles.map((b) => (
        <div key={b.name} class="bundle" data-testid="bundle" data-name={b.name} data-bytes={b.bytes}>
          <BundleButton sessionId={props.sessionId} jobId={props.jobId} name={b.name} bytes={b.bytes} />
          <details>
            <summary>
              {b.entries.length} file{b.entries.length === 1 ? "" : "s"}
            </summary>
            <ol class="bundle-entries" data-testid="bundle-entries">
              {b.entries.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ol>
          </details>
        </div>
      ))}
    </li>
  )
}
