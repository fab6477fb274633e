/**
 * The Enhance step's state and work. The job's status is polled with backoff
 * (usePoll, Backoff.ts) while it runs or any item's round runs (EnhanceModel
 * `keepPolling`), so the page waits for a round to end rather than a fixed
 * delay; sending feedback restarts the poll. The round each item shows
 * follows the status (EnhanceModel `reconcileSelection`); the accept request
 * sends the shown round of every item. Feedback and "open full size" fail per
 * item; accept and retry in the step's error line.
 */
import type { EnhancementItemStatus, EnhancementStatus } from "@curator/contracts"
import { useEffect, useMemo, useRef, useState } from "preact/hooks"
import { call, failureText } from "../../api/ApiClient.js"
import { useNavigate } from "../../router/Router.js"
import { enhancementPolicy } from "../../shared/Backoff.js"
import { SignedUrlCache } from "../../shared/SignedUrls.js"
import { useAction } from "../../shared/useAction.js"
import { usePoll } from "../../shared/usePoll.js"
import type { ViewerItem } from "../../shared/Viewer.js"
import { buildChoices, keepPolling, reconcileSelection, type Selection, statusSignature, versionLabel, withItem } from "./EnhanceModel.js"

export const useEnhance = (sessionId: string, jobId: string) => {
  const navigate = useNavigate()
  const [selection, setSelection] = useState<Selection>(new Map())
  const [itemErrors, setItemErrors] = useState<ReadonlyMap<string, string>>(new Map())
  const [actionError, setActionError] = useState<string | null>(null)
  const [viewer, setViewer] = useState<ViewerItem | null>(null)
  const urls = useMemo(() => new SignedUrlCache(), [sessionId, jobId])
  // The job's status, polled with backoff while anything moves (a 404 stops it).
  const poll = usePoll(
    `${sessionId}/${jobId}`,
    (signal) => call((api) => api.enhancement.status({ params: { sessionId, jobId } }), signal),
    keepPolling,
    statusSignature,
    enhancementPolicy
  )
  const status = poll.data
  const latest = useRef<EnhancementStatus | null>(null)
  useEffect(() => {
    if (status === null) return
    const previous = latest.current?.items ?? null
    latest.current = status
    setSelection((sel) => reconcileSelection(sel, previous, status.items))
  }, [status])

  const items = status?.items ?? []
  const choices = useMemo(() => buildChoices(items, selection), [items, selection])
  /** Sets (or, with null, clears) one item's error line. */
  const setItemError = (fileId: string, message: string | null) =>
    setItemErrors((m) => {
      const n = new Map(m)
      if (message === null) n.delete(fileId)
      else n.set(fileId, message)
      return n
    })

  const feedback = useAction(
    async (item: EnhancementItemStatus, words: string) => {
      const next = await call((api) => api.enhancement.feedback({ params: { sessionId, jobId, fileId: item.fileId }, payload: { feedback: words } }))
      // A poll answered before this round began must not overwrite it: `show` stops it, shows the item, polls anew.
      const shown = latest.current
      if (shown !== null) poll.show(withItem(shown, next))
      else poll.wake()
      return true
    },
    {
      key: (item) => item.fileId,
      describe: (e, _item, words) => `“${words}” was not sent: ${failureText(e)}`,
      report: (failure, item) => setItemError(item.fileId, failure)
    }
  )
  const accept = useAction(async () => poll.show(await call((api) => api.enhancement.accept({ params: { sessionId, jobId }, payload: { choices } }))), {
    report: setActionError,
    describe: (e) => `The versions were not accepted: ${failureText(e)}`
  })
  /** A failed job: a NEW job for the same selection. */
  const retry = useAction(
    async () => {
      if (status === null) return
      const started = await call((api) => api.enhancement.start({ params: { sessionId }, payload: { selectionJobId: status.selectionJobId } }))
      navigate({ step: "enhance", sessionId, jobId: started.jobId })
    },
    { report: setActionError, describe: failureText }
  )
  /** Opens one version full size; a failure shows on the item (an earlier one stays until then). */
  const open = useAction(
    async (item: EnhancementItemStatus, round: number) => {
      const media = await call((api) => api.enhancement.outputUrl({ params: { sessionId, jobId, fileId: item.fileId, round: String(round) } }))
      const v = item.versions.find((x) => x.round === round)
      setViewer({ kind: item.kind, url: media.url, title: item.name, caption: `Version ${round}: ${v ? versionLabel(v) : ""}` })
    },
    {
      describe: (e) => `The full-size version could not be opened: ${failureText(e)}`,
      report: (failure, item) => failure !== null && setItemError(item.fileId, failure)
    }
  )

  return {
    poll,
    status,
    items,
    urls,
    choices,
    roundOf: (fileId: string) => selection.get(fileId) ?? null,
    select: (fileId: string, round: number) => setSelection((sel) => new Map(sel).set(fileId, round)),
    itemErrors,
    actionError,
    viewer,
    closeViewer: () => setViewer(null),
    feedback,
    accept,
    retry,
    open
  }
}
