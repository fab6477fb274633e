/**
 * The Download step's state and work: `/download` reads the session (its
 * latest job opens at once, the URL replaced) and else the posts to list;
 * `/download/<jobId>` polls the job with backoff while it runs (DownloadModel
 * `keepPolling`). Starting a job notifies the header and opens it; a bundle's
 * signed URL is fetched when its button is clicked and followed (the answer
 * is an attachment: the browser saves it).
 */
import type { DownloadStatus, PostsState } from "@curator/contracts"
import { useEffect, useState } from "preact/hooks"
import { call, failureText, messageOf } from "../../api/ApiClient.js"
import { useNavigate } from "../../router/Router.js"
import { postsPolicy } from "../../shared/Backoff.js"
import { notifySessionChanged } from "../../shared/SessionEvents.js"
import { useAction } from "../../shared/useAction.js"
import { usePoll } from "../../shared/usePoll.js"
import { downloadSignature, keepPolling } from "./DownloadModel.js"

/** `/download`: the posts to list, unless the session has a job (then it opens). */
export const useDownloadSettings = (sessionId: string) => {
  const navigate = useNavigate()
  const [posts, setPosts] = useState<PostsState | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    const controller = new AbortController()
    call((api) => api.sessions.get({ params: { sessionId } }), controller.signal)
      .then(async (session) => {
        if (session.download !== null) return navigate({ step: "download", sessionId, jobId: session.download.jobId }, { replace: true })
        const p = await call((api) => api.posts.list({ params: { sessionId } }), controller.signal)
        if (!controller.signal.aborted) setPosts(p)
      })
      .catch((e) => {
        if (!controller.signal.aborted) setError(messageOf(e))
      })
    return () => controller.abort()
  }, [sessionId])
  return { posts, error }
}

/** `/download/<jobId>`: the job's status, polled while it moves. */
export const useDownloadJob = (sessionId: string, jobId: string) =>
  usePoll<DownloadStatus>(jobId, (signal) => call((api) => api.downloads.status({ params: { sessionId, jobId } }), signal), keepPolling, downloadSignature, postsPolicy)

/** Starts a download job with `keepGps` and opens it. */
export const useStartDownload = (sessionId: string) => {
  const navigate = useNavigate()
  return useAction(
    async (keepGps: boolean) => {
      const { jobId } = await call((api) => api.downloads.start({ params: { sessionId }, payload: { keepGps } }))
      notifySessionChanged()
      navigate({ step: "download", sessionId, jobId })
    },
    { describe: (e) => `The download was not started: ${failureText(e)}` }
  )
}

/** Fetches a bundle's signed URL and follows it through a temporary `<a download>`. */
export const useBundleDownload = (sessionId: string, jobId: string, name: string) =>
  useAction(
    async () => {
      const media = await call((api) => api.downloads.bundleUrl({ params: { sessionId, jobId, name } }))
      const a = document.createElement("a")
      a.href = media.url
      a.download = `${name}.zip`
      a.rel = "noopener"
      document.body.appendChild(a)
      a.click()
      a.remove()
    },
    { describe: failureText }
  )
