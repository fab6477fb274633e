/**
 * The header of every page: the brand (a link to a new trip), the step pills
 * and, in cloud mode, the signed-in account. The pills mark the current step
 * and link to every step the session has reached (FlowModel `reachedSteps`,
 * from `GET /api/sessions/:id`), re-read on every route change and whenever
 * a step reports a change (SessionEvents.ts).
 */
import type { SessionState } from "@curator/contracts"
import { useEffect, useState } from "preact/hooks"
import { call } from "./api/ApiClient.js"
import type { Account } from "./api/CloudAuth.js"
import { type Route, routePath, sessionOf } from "./router/Route.js"
import { Link } from "./router/Router.js"
import { reachedSteps, STEPS, stepIndex, stepOf } from "./shared/FlowModel.js"
import { onSessionChanged } from "./shared/SessionEvents.js"

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

/** The step pills: the current one marked, reached ones linked (the page title names the current step). */
const StepPills = ({ route }: { route: Route }) => {
  const currentStep = stepOf(route)
  const current = currentStep === null ? -1 : stepIndex(currentStep)
  useEffect(() => {
    document.title = current >= 0 ? `${STEPS[current]?.label} · Curator` : "Curator"
  }, [current])
  const sessionId = sessionOf(route)
  const session = useSessionState(sessionId, routePath(route))
  const reached = sessionId !== null && session !== null ? reachedSteps(sessionId, session) : new Map<string, Route>()
  return (
    <nav aria-label="Steps">
      <ol class="steps" data-testid="steps">
        {STEPS.map((s, i) => {
          const target = reached.get(s.id)
          const here = i === current
          const cls = [target !== undefined ? "reached" : "", i < current && target !== undefined ? "done" : ""].filter((c) => c !== "").join(" ") || undefined
          return (
            <li key={s.id} aria-current={here ? "step" : undefined} class={cls} data-step={s.id} data-reached={String(target !== undefined)}>
              {target !== undefined && !here ? (
                <Link to={target} native>
                  {s.label}
                </Link>
              ) : (
                <span>{s.label}</span>
              )}
            </li>
          )
        })}
      </ol>
    </nav>
  )
}

export const Header = ({ route, account }: { route: Route; account: Account | undefined }) => (
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
      <StepPills route={route} />
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
)
