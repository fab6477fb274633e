/** The confirmation before reopening a confirmed review: what it discards (FlowModel `discardedByReopen`), then "Change selection" or "Cancel" (Escape). */
import { useEffect, useRef } from "preact/hooks"
import { Spinner } from "../../shared/StepFrame.js"

export const ReopenDialog = (props: { lines: ReadonlyArray<string>; busy: boolean; onConfirm: () => void; onCancel: () => void }) => {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (dialog !== null && !dialog.open) dialog.showModal()
    return () => dialog?.close()
  }, [])
  return (
    <dialog
      ref={ref}
      class="confirm-dialog"
      aria-labelledby="reopen-title"
      aria-describedby="reopen-body"
      data-testid="reopen-dialog"
      onCancel={(e) => {
        e.preventDefault()
        props.onCancel()
      }}
    >
      <h2 id="reopen-title">Change the selection?</h2>
      <div id="reopen-body">
        <p>You can switch items in or out again, then confirm. What comes after the review changes with it:</p>
        <ul data-testid="reopen-discards">
          {props.lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </div>
      <div class="actions dialog-actions">
        <button type="button" class="btn" onClick={props.onCancel} disabled={props.busy} data-testid="cancel-reopen">
          Cancel
        </button>
        <button type="button" class="btn btn-primary" onClick={props.onConfirm} disabled={props.busy} data-testid="confirm-reopen">
          {props.busy ? <Spinner /> : null}
          Change selection
        </button>
      </div>
    </dialog>
  )
}
