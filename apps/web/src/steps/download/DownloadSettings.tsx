/** `/download`: the posts that will be packed and the settings before a job (the session's latest job opens instead, useDownloadSettings). */
import { postTitle } from "../../shared/Posts.js"
import { StepFrame, StepPending } from "../../shared/StepFrame.js"
import { StartForm } from "./DownloadParts.js"
import { DEFAULT_BUNDLE_SIZE } from "./DownloadModel.js"
import { useDownloadSettings } from "./useDownload.js"

export const DownloadSettings = (props: { sessionId: string }) => {
  const { sessionId } = props
  const { posts, error } = useDownloadSettings(sessionId)
  if (posts === null) {
    return <StepPending loading="Loading…" failure={error === null ? null : { title: "The download could not be opened", message: error, action: null }} />
  }
  const open = posts.posts.filter((p) => p.fileIds.length > 0)
  return (
    <StepFrame title="Download" lede="Your posts as ZIP files of their photos and videos, named in carousel order, ready to post.">
      <section class="card" aria-labelledby="dl-title">
        <div class="card-head">
          <h2 id="dl-title">
            {open.length} post{open.length === 1 ? "" : "s"}, {open.reduce((n, p) => n + p.fileIds.length, 0)} items
          </h2>
        </div>
        <ul class="dl-posts">
          {open.map((p) => (
            <li key={p.postId}>
              {postTitle(p)} <span class="muted small">· {p.fileIds.length} items</span>
            </li>
          ))}
        </ul>
        {open.length > 0 ? (
          <StartForm sessionId={sessionId} keepGps={false} bundleBytes={DEFAULT_BUNDLE_SIZE} label="Prepare the download" primary={true} />
        ) : (
          <p class="muted">No post has items yet: group your items into posts first.</p>
        )}
      </section>
    </StepFrame>
  )
}
