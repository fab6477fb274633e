/**
 * One reviewed item as a tile: its thumbnail (a button that opens it full
 * size; rank and video chips), name, chips, why it was picked or left out,
 * and the switch that puts it in or out of the pick. Selected and left-out
 * items share the tile; they differ in their chips and text.
 */
import type { ExcludedItem, SelectedItem } from "@curator/contracts"
import type { ComponentChildren } from "preact"
import { categoryLabel } from "./ReviewModel.js"
import type { Review } from "./useReview.js"

const Switch = (props: { on: boolean; busy: boolean; disabled: boolean; label: string; onToggle: () => void }) => (
  <label class="toggle">
    <span>{props.on ? "In the pick" : "Left out"}</span>
    <button
      type="button"
      role="switch"
      class="switch"
      aria-checked={props.on}
      aria-label={props.label}
      aria-busy={props.busy}
      disabled={props.disabled || props.busy}
      data-testid="toggle"
      onClick={props.onToggle}
    />
  </label>
)

/** The thumbnail: opens the item full size with `caption` under it. */
const Media = (props: { review: Review; fileId: string; rank?: number; caption: string }) => {
  const { review, fileId } = props
  const url = review.thumbs.get(fileId)
  return (
    <button type="button" class="tile-media" onClick={() => void review.open.run(fileId, props.caption)} aria-label={`View ${review.nameOf(fileId)} full size`}>
      {url ? <img src={url} alt="" loading="lazy" /> : <span class="placeholder">Loading…</span>}
      {props.rank !== undefined ? <span class="rank">#{props.rank}</span> : null}
      {review.kinds.get(fileId) === "video" ? <span class="video-chip">▶ Video</span> : null}
    </button>
  )
}

const Tile = (props: {
  review: Review
  confirmed: boolean
  fileId: string
  testid: string
  rank?: number
  chips: ComponentChildren
  text: string
  note?: string
}) => {
  const { review, fileId } = props
  const on = review.isOn(fileId)
  const name = review.nameOf(fileId)
  return (
    <article class={`tile ${on ? "on" : "off"}`} data-testid={props.testid} data-file-id={fileId} data-included={String(on)}>
      <Media review={review} fileId={fileId} rank={props.rank} caption={props.text} />
      <div class="tile-body">
        <div class="tile-title" title={name}>
          {name}
        </div>
        <div class="tile-meta">{props.chips}</div>
        <p class="justify">{props.text}</p>
        {props.note ? <p class="note">{props.note}</p> : null}
        <Switch
          on={on}
          busy={review.toggle.isBusy(fileId)}
          disabled={props.confirmed}
          label={`Include ${name}`}
          onToggle={() => void review.toggle.run(fileId)}
        />
      </div>
    </article>
  )
}

/** An item of the pick: rank, scene, justification and comparison note. */
export const SelectedTile = (props: { review: Review; confirmed: boolean; item: SelectedItem }) => {
  const { item } = props
  return (
    <Tile
      review={props.review}
      confirmed={props.confirmed}
      fileId={item.fileId}
      testid="selected-item"
      rank={item.rank}
      chips={<span class="chip">{item.scene}</span>}
      text={item.justification}
      note={item.comparisonNote}
    />
  )
}

/** An item left out: its category, the item it duplicates, and the reason. */
export const ExcludedTile = (props: { review: Review; confirmed: boolean; item: ExcludedItem }) => {
  const { item, review } = props
  return (
    <Tile
      review={review}
      confirmed={props.confirmed}
      fileId={item.fileId}
      testid="excluded-item"
      chips={
        <>
          <span class="chip chip-cat">{categoryLabel(item.category)}</span>
          {item.duplicateOf !== null ? <span class="chip">Duplicate of {review.nameOf(item.duplicateOf)}</span> : null}
        </>
      }
      text={item.reason}
    />
  )
}
