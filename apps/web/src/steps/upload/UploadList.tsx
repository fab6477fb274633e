/**
 * The files of the step: those uploaded in an earlier visit, then the rows
 * picked now (each with its size, folder, bar and status), the total bar
 * once sending began, and the note of files skipped as not media.
 */
import type { SessionState } from "@curator/contracts"
import { FileRow } from "../../shared/FileRow.js"
import { ProgressBar } from "../../shared/ProgressBar.js"
import { formatBytes } from "./MediaFiles.js"
import { entryDetail, entryProgress, entryStatusLabel, kindOf, skippedNote, type totalsOf, type UploadEntry, type UploadPhase } from "./UploadModel.js"

export const UploadList = (props: {
  entries: ReadonlyArray<UploadEntry>
  uploadedBefore: SessionState["uploads"]
  totals: ReturnType<typeof totalsOf>
  phase: UploadPhase
  skipped: ReadonlyArray<string>
}) => {
  const { entries, uploadedBefore, totals } = props
  const count = entries.length + uploadedBefore.length
  return (
    <section class="card" aria-labelledby="files-title">
      <div class="card-head">
        <h2 id="files-title">
          {count} file{count === 1 ? "" : "s"}
        </h2>
        {entries.length > 0 ? (
          <span class="muted small">
            {formatBytes(totals.bytes)}
            {totals.counts.refused > 0 ? ` · ${totals.counts.refused} not accepted` : ""}
          </span>
        ) : null}
      </div>
      {entries.length > 0 && props.phase !== "picking" ? (
        <div class="total" style="margin-bottom:14px">
          <div class="total-line" aria-live="polite">
            <span>
              <strong data-testid="uploaded-count">{totals.counts.uploaded}</strong> of {entries.length - totals.counts.refused} uploaded
            </span>
            <span class="muted">
              {formatBytes(totals.loaded)} of {formatBytes(totals.bytes)}
            </span>
          </div>
          <ProgressBar value={totals.fraction} label="Total upload progress" size="large" tone={totals.fraction >= 1 ? "done" : "normal"} />
        </div>
      ) : null}
      <ul class="file-list" data-testid="upload-list">
        {uploadedBefore.map((u) => (
          <FileRow key={u.fileId} name={u.name} detail={formatBytes(u.size)} kind={kindOf(u.type)} status="uploaded" statusLabel="Uploaded" progress={1} />
        ))}
        {entries.map((e) => (
          <FileRow
            key={e.key}
            name={e.name}
            detail={entryDetail(e)}
            kind={kindOf(e.mime)}
            status={e.status}
            statusLabel={entryStatusLabel(e)}
            progress={entryProgress(e)}
            reason={e.reason}
          />
        ))}
      </ul>
      {props.skipped.length > 0 ? (
        <p class="muted small" style="margin-top:10px">
          {skippedNote(props.skipped)}
        </p>
      ) : null}
    </section>
  )
}
