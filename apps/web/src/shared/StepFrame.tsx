/**
 * The frame every step shares: the page head (title, a line under it, and at
 * its right a back link, a badge or a count), the loading line shown before
 * the step's data arrives, and the page that says why a step could not be
 * opened, with a way on.
 */
import type { ComponentChildren } from "preact"

/** The spinner of a busy button or a loading line (decorative: the text next to it says what happens). */
export const Spinner = () => <span class="spinner" aria-hidden="true" />

/** A step's page: its head, then `children`. */
export const StepFrame = (props: { title: ComponentChildren; lede: ComponentChildren; aside?: ComponentChildren; children: ComponentChildren }) => (
  <>
    <div class="page-head">
      <div>
        <h1>{props.title}</h1>
        <p class="muted">{props.lede}</p>
      </div>
      {props.aside}
    </div>
    {props.children}
  </>
)

/** Why a step could not be opened. `action` is the way on: by default "Start a new trip", null for none. */
export interface StepFailure {
  readonly title: string
  /** A sentence (or sentences with inline markup such as `<code>`). */
  readonly message: ComponentChildren
  readonly action?: ComponentChildren | null
}

/**
 * A page that says what went wrong, centred: for a step that could not be
 * opened, a URL that names nothing, or an app that cannot start (`alert`:
 * announced at once, with `testid`).
 */
export const FailurePage = (props: StepFailure & { alert?: boolean; testid?: string }) => (
  <div class="center" role={props.alert === true ? "alert" : undefined} data-testid={props.testid}>
    <h1>{props.title}</h1>
    <p class="muted">{props.message}</p>
    {props.action === undefined ? (
      <a class="btn btn-primary" href="/">
        Start a new trip
      </a>
    ) : (
      props.action
    )}
  </div>
)

/** What a step shows before its data: `failure` when loading failed, else the `loading` line ("Loading the posts…"). */
export const StepPending = (props: { loading: string; failure: StepFailure | null }) =>
  props.failure !== null ? (
    <FailurePage {...props.failure} />
  ) : (
    <div class="center" role="status">
      <Spinner /> {props.loading}
    </div>
  )
