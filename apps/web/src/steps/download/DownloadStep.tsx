/**
 * Step 7: take the files away. `/download` shows the settings ("Keep GPS
 * location in files", off by default; the bundle size) and starts a download
 * job; when the session already has one it opens it (DownloadSettings).
 * `/download/<jobId>` polls the job with backoff while it runs and shows each
 * post's progress, then one button per bundle (a signed GET with
 * `Content-Disposition: attachment`, fetched when clicked), its size and its
 * entries in carousel order (DownloadJob).
 */
import { DownloadJob } from "./DownloadJob.js"
import { DownloadSettings } from "./DownloadSettings.js"

export const DownloadStep = (props: { sessionId: string; jobId: string | null }) =>
  props.jobId === null ? <DownloadSettings sessionId={props.sessionId} /> : <DownloadJob sessionId={props.sessionId} jobId={props.jobId} />
