/** One row of a file list: kind icon, name, a progress bar and a status badge, with the failure reason under it. */
import type { ComponentChildren } from "preact"
import { ProgressBar } from "./ProgressBar.js"

/** `progress` in [0, 1] or null for no bar; `status` is both the badge text and its colour class. */
export const FileRow = (props: {
  name: string
  detail?: string
  kind: "photo" | "video" | "other"
  status: string
  statusLabel: string
  progress: number | null
  reason?: string | null
  children?: ComponentChildren
}) => (
  <li class="file-row" data-status={props.status} data-name={props.name}>
    <span class="kind-icon" aria-hidden="true">
      {props.kind === "video" ? "VID" : props.kind === "photo" ? "IMG" : "?"}
    </span>
    <span class="file-name" title={props.detail ?? props.name}>
      {props.name}
      {props.detail ? <span class="muted small"> · {props.detail}</span> : null}
    </span>
    <span class="bar-cell">
      {props.progress !== null ? (
        <ProgressBar
          value={props.progress}
          label={`${props.name}: ${props.statusLabel}`}
          tone={props.status === "failed" || props.status === "refused" ? "failed" : props.progress >= 1 ? "done" : "normal"}
        />
      ) : null}
    </span>
    <span class={`badge badge-${props.status}`}>{props.statusLabel}</span>
    {props.reason ? <span class="file-reason">{props.reason}</span> : null}
    {props.children}
  </li>
)
