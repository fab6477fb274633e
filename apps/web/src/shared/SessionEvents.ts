/**
 * A page-wide signal that the session changed (a post made, a review
 * reopened, a download started): the shell re-reads `GET /api/sessions/:id`
 * so the step pills show what is reachable now. A DOM event on `window`, so
 * steps need no reference to the shell.
 */
const EVENT = "curator:session-changed"

/** Tells the shell to re-read the session. */
export const notifySessionChanged = (): void => {
  dispatchEvent(new Event(EVENT))
}

/** Calls `listener` on every {@link notifySessionChanged}; returns the unsubscribe. */
export const onSessionChanged = (listener: () => void): (() => void) => {
  addEventListener(EVENT, listener)
  return () => removeEventListener(EVENT, listener)
}
