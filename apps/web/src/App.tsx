/**
 * The app shell: the header (Header.tsx) and the step of the current route
 * (router/Route.ts: one URL per step). The router keeps the route in step
 * with the History API and hands `navigate` to the steps. Each step loads
 * what it shows from the API, so a reload or a second tab resumes from the
 * session store rather than from memory. The only module that imports the
 * steps (no step imports the shell: test/ImportGraph.test.ts).
 */
import { useEffect, useState } from "preact/hooks"
import type { Account } from "./api/CloudAuth.js"
import { Header } from "./Header.js"
import type { Route } from "./router/Route.js"
import { NavigateProvider, useRouter } from "./router/Router.js"
import { FailurePage } from "./shared/StepFrame.js"
import { CaptionStep } from "./steps/caption/CaptionStep.js"
import { DownloadStep } from "./steps/download/DownloadStep.js"
import { EnhanceStep } from "./steps/enhance/EnhanceStep.js"
import { GroupStep } from "./steps/group/GroupStep.js"
import { ReviewStep } from "./steps/review/ReviewStep.js"
import { SelectStep } from "./steps/select/SelectStep.js"
import { UploadStep } from "./steps/upload/UploadStep.js"

/**
 * The step a route shows. Keys restart a step when its job or post changes;
 * the upload step has none, so the page that creates a session keeps its
 * state when its URL moves from `/` to `/s/<id>/upload`.
 */
const StepOf = ({ route }: { route: Route }) => {
  switch (route.step) {
    case "start":
    case "upload":
      return <UploadStep sessionId={route.step === "upload" ? route.sessionId : null} />
    case "select":
      return <SelectStep key={route.jobId} sessionId={route.sessionId} jobId={route.jobId} />
    case "review":
      return <ReviewStep key={route.jobId} sessionId={route.sessionId} jobId={route.jobId} />
    case "enhance":
      return <EnhanceStep key={route.jobId} sessionId={route.sessionId} jobId={route.jobId} />
    case "group":
      return <GroupStep key={route.sessionId} sessionId={route.sessionId} />
    case "caption":
      return <CaptionStep key={`${route.sessionId}/${route.postId ?? ""}`} sessionId={route.sessionId} postId={route.postId} />
    case "download":
      return <DownloadStep key={`${route.sessionId}/${route.jobId ?? ""}`} sessionId={route.sessionId} jobId={route.jobId} />
    case "notFound":
      return <FailurePage title="Page not found" message={`Nothing lives at ${route.path}.`} />
  }
}

/** Props of {@link App}: in cloud mode the signed-in account (header: email + sign out) and its renewals. */
export interface AppProps {
  readonly account?: Account | undefined
  readonly onAccountChange?: ((listener: (account: Account) => void) => () => void) | undefined
}

export const App = ({ account: initialAccount, onAccountChange }: AppProps = {}) => {
  const [account, setAccount] = useState(initialAccount)
  useEffect(() => onAccountChange?.(setAccount), [onAccountChange])
  const { route, navigate } = useRouter()
  return (
    <NavigateProvider value={navigate}>
      <Header route={route} account={account} />
      <main id="main">
        <StepOf route={route} />
      </main>
    </NavigateProvider>
  )
}
