/**
 * The router: the current {@link Route} (Route.ts) kept in step with the
 * History API, `navigate` to move, and {@link Link} for in-app anchors. The
 * shell (App.tsx) owns the state ({@link useRouter}) and hands `navigate` to
 * every step through {@link NavigateProvider}; steps read it with
 * {@link useNavigate}. Nothing here imports the shell or a step, so the
 * shell -> step -> router arrows never close into a cycle.
 */
import { type ComponentChildren, createContext } from "preact"
import { useCallback, useContext, useEffect, useState } from "preact/hooks"
import { parseRoute, type Route, routePath } from "./Route.js"

/** Moves to a route: `replace` rewrites the current history entry (no extra Back step). */
export type Navigate = (route: Route, options?: { replace?: boolean }) => void

/**
 * The route of the current location and the function that moves: a push (or
 * replace) of the route's path, then scroll to the top. Back and Forward
 * (`popstate`) re-read the location.
 */
export const useRouter = (): { readonly route: Route; readonly navigate: Navigate } => {
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
  return { route, navigate }
}

const NavigateContext = createContext<Navigate | null>(null)

/** Gives the steps below it the shell's `navigate`. */
export const NavigateProvider = NavigateContext.Provider

/** The shell's `navigate`; throws when used outside {@link NavigateProvider} (a bug). */
export const useNavigate = (): Navigate => {
  const navigate = useContext(NavigateContext)
  if (navigate === null) throw new Error("useNavigate: no NavigateProvider above this component")
  return navigate
}

/** A {@link Link}'s route, `native` (see there), and the anchor's class, `aria-current`, `data-*` attributes and content. */
export type LinkProps = {
  readonly to: Route
  readonly native?: boolean
  readonly class?: string
  readonly "aria-current"?: "page" | undefined
  readonly children: ComponentChildren
} & { readonly [data: `data-${string}`]: string | undefined }

/**
 * An anchor to a route: `href` is the route's path (so "copy link" and a
 * reload work); a click navigates in place. With `native`, a click with a
 * modifier key or another button than the main one is left to the browser
 * (new tab, new window): the step pills. Other attributes go to the anchor.
 */
export const Link = ({ to, native, ...rest }: LinkProps) => {
  const navigate = useNavigate()
  return (
    <a
      {...rest}
      href={routePath(to)}
      onClick={(e) => {
        if (native === true && (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0)) return
        e.preventDefault()
        navigate(to)
      }}
    />
  )
}
