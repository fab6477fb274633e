/**
 * The Select step's state: the job's status polled with backoff (usePoll,
 * Backoff.ts) while it runs; a complete job moves on to the review (the URL
 * is replaced: Back does not return to a finished job); "Retry" starts a NEW
 * job (a closed execution name is never reused) and opens it.
 */
import { useEffect } from "preact/hooks"
import { call } from "../../api/ApiClient.js"
import { useNavigate } from "../../router/Router.js"
import { selectionPolicy } from "../../shared/Backoff.js"
import { useAction } from "../../shared/useAction.js"
import { usePoll } from "../../shared/usePoll.js"
import { keepPolling, selectionSignature } from "./SelectModel.js"

export const useSelectionJob = (sessionId: string, jobId: string) => {
  const navigate = useNavigate()
  const poll = usePoll(
    `${sessionId}/${jobId}`,
    (signal) => call((api) => api.selection.status({ params: { sessionId, jobId } }), signal),
    keepPolling,
    selectionSignature,
    selectionPolicy
  )
  const status = poll.data
  useEffect(() => {
    if (status?.status === "complete") navigate({ step: "review", sessionId, jobId }, { replace: true })
  }, [status?.status, sessionId, jobId, navigate])

  const retry = useAction(async () => {
    const { jobId: next } = await call((api) => api.selection.start({ params: { sessionId }, payload: status ? { targetCount: status.targetCount } : {} }))
    navigate({ step: "select", sessionId, jobId: next })
  })
  return { poll, status, retry }
}
