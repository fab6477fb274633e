/**
 * The app shell: the header with the step indicator, and a tiny router over
 * the History API (one URL per step, see Route.ts). Each step loads what it
 * shows from the API, so a reload or a second tab resumes from the session
 * store rather than from memory.
 */
import { useCallback, useEffect, useState } from "preact/hooks"
import type { Account } from "./CloudAuth.js"
import { parseRoute, type Route, routePath } from "./Route.js"
import { EnhanceStep } from "./steps/EnhanceStep.js"
import { ReviewStep } from "./steps/ReviewStep.js"
import { SelectStep } from "./steps/SelectStep.js"
import { UploadStep } from "./steps/UploadStep.js"

/** Moves to a route: `replace` rewrites the current history entry (no extra Back step). */
export type Navigate = (route: Route, options?: { replace?: boolean }) => void

const STEPS = [
  { id: "upload", label: "Upload" },
  { id: "select", label: "Selection" },
  { id: "review", label: "Review" },
  { id: "enhance", label: "Enhance" }
] as const

const stepIndex = (route: Route): number =>
  route.step === "start" || route.step === "upload" ? 0 : route.step === "select" ? 1 : route.step === "review" ? 2 : route.step === "enhance" ? 3 : -1

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
  const current = stepIndex(route)
  useEffect(() => {
    document.title = current >= 0 ? `${STEPS[current]?.label} · Curator` : "Curator"
  }, [current])

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
          <ol class="steps" aria-label="Progress">
            {STEPS.map((s, i) => (
              <li key={s.id} aria-current={i === current ? "step" : undefined} class={i < current ? "done" : undefined}>
                {s.label}
              </li>
            ))}
          </ol>
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
