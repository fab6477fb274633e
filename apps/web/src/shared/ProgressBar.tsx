/**
 * A labelled progress bar: the native <progress> element (announced by
 * screen readers with its value) styled in styles.css.
 */

/** `value` in [0, 1]; `label` names what progresses (read by assistive tech). */
export const ProgressBar = (props: { value: number; label: string; tone?: "normal" | "done" | "failed"; size?: "small" | "large" }) => (
  <progress
    class={`bar bar-${props.size ?? "small"} bar-${props.tone ?? "normal"}`}
    max={1000}
    value={Math.round(Math.max(0, Math.min(1, props.value)) * 1000)}
    aria-label={props.label}
  />
)
