/**
 * Where files come in: a drop zone (files or whole folders, walked by
 * DroppedFiles.ts) with two pickers, one for files and one for a folder.
 * Disabled while the step is busy.
 */
import { UploadLimits } from "@curator/contracts"
import { useState } from "preact/hooks"
import { filesOfDrop } from "./DroppedFiles.js"
import { formatBytes } from "./MediaFiles.js"

/** A hidden file input and the button-like label that opens it; `add` gets the picked files. */
const Picker = (props: { id: string; label: string; primary: boolean; folder: boolean; busy: boolean; add: (files: ReadonlyArray<File>) => void }) => (
  <>
    <input
      id={props.id}
      class="file-input"
      type="file"
      multiple
      {...(props.folder ? { webkitdirectory: true } : { accept: "image/*,video/*,.heic,.heif,.avif,.mov" })}
      disabled={props.busy}
      data-testid={props.folder ? "folder-input" : "file-input"}
      onChange={(e) => {
        const input = e.currentTarget
        props.add(Array.from(input.files ?? []))
        input.value = ""
      }}
    />
    <label for={props.id} class={props.primary ? "btn btn-primary" : "btn"}>
      {props.label}
    </label>
  </>
)

export const Dropzone = (props: { busy: boolean; add: (files: ReadonlyArray<File>) => void }) => {
  const [over, setOver] = useState(false)
  return (
    <section class="card" aria-labelledby="pick-title">
      <h2 id="pick-title" class="visually-hidden">
        Choose files
      </h2>
      <div
        class={`dropzone${over ? " over" : ""}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault()
          if (e.dataTransfer) e.dataTransfer.dropEffect = "copy"
          setOver(true)
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault()
          setOver(false)
          if (!props.busy && e.dataTransfer) void filesOfDrop(e.dataTransfer).then(props.add)
        }}
      >
        <span class="dropzone-icon" aria-hidden="true">
          <svg width="26" height="26" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round">
            <path d="M12 16V4M7 9l5-5 5 5M4 17v3h16v-3" />
          </svg>
        </span>
        <div>
          <strong>Drop photos, videos or a whole folder here</strong>
          <p class="muted small">
            JPEG, HEIC, PNG, WebP, AVIF · MOV, MP4 · up to {formatBytes(UploadLimits.photoBytes)} per photo, {formatBytes(UploadLimits.videoBytes)} per
            video
          </p>
        </div>
        <div class="actions">
          <Picker id="pick-files" label="Choose files" primary folder={false} busy={props.busy} add={props.add} />
          <Picker id="pick-folder" label="Choose a folder" primary={false} folder busy={props.busy} add={props.add} />
        </div>
      </div>
    </section>
  )
}
