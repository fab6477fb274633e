/**
 * Entry point: reads the mode (WebConfig.ts), signs in first in cloud mode
 * (CloudAuth.ts), then mounts the app into #app. A `config.json` that cannot
 * be used, or a failed sign-in callback, shows an error screen instead.
 * Locally, a 401 from the server (no valid access cookie) replaces the app
 * with the "open the link printed by `curator serve` again" screen.
 */
import { LOCAL_SIGNED_OUT } from "@curator/contracts"
import { render } from "preact"
import { App } from "./App.js"
import { currentLocation, localAuthWith, setAuth } from "./api/Auth.js"
import { startCloudAuth } from "./api/CloudAuth.js"
import { loadWebMode, SignedOutError } from "./api/WebConfig.js"
import { FailurePage } from "./shared/StepFrame.js"
import "./styles.css"

const ErrorScreen = ({ title, message }: { title: string; message: string }) => (
  <main id="main">
    <FailurePage
      title={title}
      message={message}
      alert
      testid="start-error"
      action={
        <a class="btn btn-primary" href="/">
          Try again
        </a>
      }
    />
  </main>
)

/** The local server no longer knows this browser: its words (LOCAL_SIGNED_OUT, as on its own 401 page), `backtick` spans as code. */
const SignedOutScreen = () => (
  <main id="main">
    <FailurePage
      title={LOCAL_SIGNED_OUT.title}
      message={LOCAL_SIGNED_OUT.message.split("`").map((part, i) => (i % 2 === 1 ? <code>{part}</code> : part))}
      alert
      testid="signed-out"
      action={
        <a class="btn btn-primary" href={currentLocation(location)}>
          Reload this page
        </a>
      }
    />
  </main>
)

const start = async (root: HTMLElement) => {
  let mode
  try {
    mode = await loadWebMode()
  } catch (e) {
    if (e instanceof SignedOutError) return render(<SignedOutScreen />, root)
    return render(<ErrorScreen title="Curator cannot start" message={e instanceof Error ? e.message : String(e)} />, root)
  }
  if (mode.mode === "local") {
    setAuth(localAuthWith(() => render(<SignedOutScreen />, root)))
    return render(<App />, root)
  }
  try {
    const session = await startCloudAuth(mode)
    if (session === null) return // on the way to the sign-in page
    setAuth(session.auth)
    render(<App account={session.account} onAccountChange={session.onAccountChange} />, root)
  } catch (e) {
    render(<ErrorScreen title="Sign-in failed" message={e instanceof Error ? e.message : String(e)} />, root)
  }
}

const root = document.getElementById("app")
if (root !== null) void start(root)
