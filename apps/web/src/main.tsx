/**
 * Entry point: reads the mode (WebConfig.ts), signs in first in cloud mode
 * (CloudAuth.ts), then mounts the app into #app. A `config.json` that cannot
 * be used, or a failed sign-in callback, shows an error screen instead.
 */
import { render } from "preact"
import { App } from "./App.js"
import { setAuth } from "./api/Auth.js"
import { startCloudAuth } from "./api/CloudAuth.js"
import { loadWebMode } from "./api/WebConfig.js"
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

const start = async (root: HTMLElement) => {
  let mode
  try {
    mode = await loadWebMode()
  } catch (e) {
    return render(<ErrorScreen title="Curator cannot start" message={e instanceof Error ? e.message : String(e)} />, root)
  }
  if (mode.mode === "local") return render(<App />, root)
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
