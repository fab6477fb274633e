/**
 * The app shell: the header with the step indicator, and a tiny router over
 * the History API (one URL per step, see Route.ts). Each step loads what it
 * shows from the API, so a reload or a second tab resumes from the session
 * store rather than from memory.
 */
import type { SessionState } from "@curator/contracts"
import { useCallback, useEffect, useState } from "preact/hooks"
import { call } from "./api/ApiClient.js"
import type { Account } from "./api/CloudAuth.js"
import { reachedSteps, STEPS, stepIndex, stepOf } from "./shared/FlowModel.js"
import { parseRoute, type Route, routePath, sessionOf } from "./router/Route.js"
import { onSessionChanged } from "./shared/SessionEvents.js"
import { CaptionStep } from "./steps/caption/CaptionStep.js"
import { DownloadStep } from "./steps/download/DownloadStep.js"
import { EnhanceStep } from "./steps/enhance/EnhanceStep.js"
import { GroupStep } from "./steps/group/GroupStep.js"
import { ReviewStep } from "./steps/review/ReviewStep.js"
import { SelectStep } from "./steps/select/SelectStep.js"
import { UploadStep } from "./steps/upload/UploadStep.js"

/** Moves to a route: `replace` rewrites the current history entry (no extra Back step). */
export type Navigate = (route: Route, options?: { replace?: boolean }) => void

/**
 * The session the route belongs to, re-read from the API when the route
 * changes or a step reports a change (SessionEvents.ts); null before the
 * first answer and outside a session.
 */
const useSessionState = (sessionId: string | null, path: string): SessionState | null => {
  const [state, setState] = useState<{ sessionId: string; state: SessionState } | null>(null)
  const [nonce, setNonce] = useState(0)
  useEffect(() => onSessionChanged(() => setNonce((n) => n + 1)), [])
  useEffect(() => {
    if (sessionId === null) return
    const controller = new AbortController()
    call((api) => api.sessions.get({ params: { sessionId } }), controller.signal)
      .then((s) => {
        if (!controller.signal.aborted) setState({ sessionId, state: s })
      })
      .catch(() => undefined)
    return () => controller.abort()
  }, [sessionId, path, nonce])
  return state !== null && state.sessionId === sessionId ? state.state : null
}

/** Props of {@link App}: in cloud mode the signed-in account (header: email + sign out) and its renewals. */
export interface AppProps {
  readonly account?: Account | undefined
  readonly onAccountChange?: ((listener: (account: Account) => void) => () => void) | undefined
}

export const App = ({ account: initialAccount, onAccountChange }: AppProps = {}) => {
  const [account, setAccount] = useState(initialAccount)
  useEffect(() => onAccountChange?.(setAccount), [onAccountChange])
  const [route, setRoute] = useState<Route>(() => parseRoute(location.pathname))
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(location.pathname))
    addEventListener("popstate", onPop)
    return () => removeEventListener("popstate", onPop)
  }, [])
  const navigate = useCallback<Navigate>((next, options) => {
    const path = routePath(next)
    if (options?.replace) history.replaceState(null, "", path)
    else history.pushState(null, "", path)
    setRoute(next)
    scrollTo({ top: 0 })
  }, [])
  const currentStep = stepOf(route)
  const current = currentStep === null ? -1 : stepIndex(currentStep)
  useEffect(() => {
    document.title = current >= 0 ? `${STEPS[current]?.label} · Curator` : "Curator"
  }, [current])
  const sessionId = sessionOf(route)
  const session = useSessionState(sessionId, routePath(route))
  const reached = sessionId !== null && session !== null ? reachedSteps(sessionId, session) : new Map<string, Route>()

  return (
    <>
      <header class="topbar">
        <div class="topbar-inner">
          <a class="brand" href="/" aria-label="Curator, start a new trip">
            <span class="brand-mark" aria-hidden="true">
              <svg width="16" height="16" viewBox="0 0 16 16" fill="currentColor">
                <path d="M1 13l4-6 3 4 2-2 4 4z" />
                <circle cx="11" cy="4" r="2" />
              </svg>
            </span>
            Curator
          </a>
          <nav aria-label="Steps">
            <ol class="steps" data-testid="steps">
              {STEPS.map((s, i) => {
                const target = reached.get(s.id)
                const here = i === current
                const cls = [target !== undefined ? "reached" : "", i < current && target !== undefined ? "done" : ""].filter((c) => c !== "").join(" ") || undefined
                return (
                  <li key={s.id} aria-current={here ? "step" : undefined} class={cls} data-step={s.id} data-reached={String(target !== undefined)}>
                    {target !== undefined && !here ? (
                      <a
                        href={routePath(target)}
                        onClick={(e) => {
                          if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return
                          e.preventDefault()
                          navigate(target)
                        }}
                      >
                        {s.label}
                      </a>
                    ) : (
                      <span>{s.label}</span>
                    )}
                  </li>
                )
              })}
            </ol>
          </nav>
          {account !== undefined ? (
            <div class="account" data-testid="account">
              <span class="account-email muted">{account.email}</span>
              <button type="button" class="btn" onClick={account.signOut}>
                Sign out
              </button>
            </div>
          ) : null}
        </div>
      </header>
      <main id="main">
        {route.step === "start" || route.step === "upload" ? (
          <UploadStep sessionId={route.step === "upload" ? route.sessionId : null} navigate={navigate} />
        ) : route.step === "select" ? (
          <SelectStep key={route.jobId} sessionId={route.sessionId} jobId={route.jobId} navigate={navigate} />
        ) : route.step === "review" ? (
          <ReviewStep key={route.jobId} sessionId={route.sessionId} jobId={route.jobId} navigate={navigate} />
        ) : route.step === "enhance" ? (
          <EnhanceStep key={route.jobId} sessionId={route.sessionId} jobId={route.jobId} navigate={navigate} />
        ) : route.step === "group" ? (
          <GroupStep key={route.sessionId} sessionId={route.sessionId} navigate={navigate} />
        ) : route.step === "caption" ? (
          <CaptionStep key={`${route.sessionId}/${route.postId ?? ""}`} sessionId={route.sessionId} postId={route.postId} navigate={navigate} />
        ) : route.step === "download" ? (
          <DownloadStep key={`${route.sessionId}/${route.jobId ?? ""}`} sessionId={route.sessionId} jobId={route.jobId} navigate={navigate} />
        ) : (
          <div class="center">
            <h1>Page not found</h1>
            <p class="muted">Nothing lives at {route.path}.</p>
            <a class="btn btn-primary" href="/">
              Start a new trip
            </a>
          </div>
        )}
      </main>
    </>
  )
}
