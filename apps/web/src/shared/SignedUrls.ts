/**
 * Short-lived signed media URLs (15 min, `MediaUrl.expiresAt`) fetched when a
 * picture or clip is about to be shown, shared between the components of one
 * step, and fetched again when they expire or the browser fails to load one
 * (an expired or revoked signature answers 403).
 */
import type { MediaUrl } from "@curator/contracts"
import { useCallback, useEffect, useRef, useState } from "preact/hooks"

/**
 * Seconds before `expiresAt` at which a signed URL is no longer handed out:
 * a video read with range requests keeps fetching after the element got its
 * URL, so a URL about to expire is renewed first.
 */
export const URL_RENEW_MARGIN_SECONDS = 60

/** Whether `media` can still be used at `nowSeconds` (epoch seconds), with {@link URL_RENEW_MARGIN_SECONDS} to spare. */
export const isFresh = (media: Pick<MediaUrl, "expiresAt">, nowSeconds: number, marginSeconds = URL_RENEW_MARGIN_SECONDS): boolean =>
  media.expiresAt - marginSeconds > nowSeconds

/**
 * The signed URLs one step holds, by a key the caller chooses (e.g.
 * `<fileId>/before`). A step makes one (`useMemo`) and drops it when it is
 * left; concurrent asks for one key share a single request.
 */
export class SignedUrlCache {
  private readonly entries = new Map<string, MediaUrl>()
  private readonly inflight = new Map<string, Promise<MediaUrl>>()

  /** The cached URL while it is fresh ({@link isFresh} at `nowSeconds`), else a new one from `fetch`. Rejects with `fetch`'s error. */
  get(key: string, fetch: () => Promise<MediaUrl>, nowSeconds = Date.now() / 1000): Promise<MediaUrl> {
    const cached = this.entries.get(key)
    if (cached !== undefined && isFresh(cached, nowSeconds)) return Promise.resolve(cached)
    const running = this.inflight.get(key)
    if (running !== undefined) return running
    const request = fetch()
      .then((media) => {
        this.entries.set(key, media)
        return media
      })
      .finally(() => this.inflight.delete(key))
    this.inflight.set(key, request)
    return request
  }

  /** Drops the cached URL of `key` (only when it is still `url`, if given), so the next `get` fetches a new one. */
  forget(key: string, url?: string): void {
    const cached = this.entries.get(key)
    if (cached !== undefined && (url === undefined || cached.url === url)) this.entries.delete(key)
  }
}

/** Loads in a row that fail before the hook stops renewing and shows `error` (a retry button calls `retry`). */
const MAX_RENEWALS = 2

/** What {@link useSignedUrl} gives a component. */
export interface SignedUrlState {
  /** The URL to show, null while it is fetched or when there is none. */
  readonly media: MediaUrl | null
  /** Why there is no URL or it did not load, for people. */
  readonly error: string | null
  /** Hand to the element's `onError`: renews the URL (at most {@link MAX_RENEWALS} times in a row). */
  readonly onError: () => void
  /** Hand to the element's `onLoad` / `onLoadedMetadata`: the URL worked. */
  readonly onLoad: () => void
  /** Fetches again after `error`. */
  readonly retry: () => void
}

/**
 * The signed URL of `key` from `cache`, fetched with `fetch` while `key` is
 * not null (pass null until the media is wanted: not yet in view, or not yet
 * produced). A load error renews the URL; a URL that was fresh when handed out
 * is reused across re-renders.
 */
export const useSignedUrl = (cache: SignedUrlCache, key: string | null, fetch: () => Promise<MediaUrl>): SignedUrlState => {
  const [state, setState] = useState<{ key: string | null; media: MediaUrl | null; error: string | null }>({ key: null, media: null, error: null })
  const [nonce, setNonce] = useState(0)
  const failures = useRef(0)
  const fetchRef = useRef(fetch)
  fetchRef.current = fetch

  useEffect(() => {
    failures.current = 0
  }, [key])

  useEffect(() => {
    if (key === null) return
    let live = true
    cache
      .get(key, () => fetchRef.current())
      .then((media) => {
        if (live) setState({ key, media, error: null })
      })
      .catch((e: unknown) => {
        if (live) setState({ key, media: null, error: e instanceof Error ? e.message : String(e) })
      })
    return () => {
      live = false
    }
  }, [cache, key, nonce])

  const current = state.key === key ? state : { key, media: null, error: null }
  const url = current.media?.url
  const onError = useCallback(() => {
    if (key === null) return
    failures.current += 1
    if (failures.current > MAX_RENEWALS) {
      setState((s) => (s.key === key ? { ...s, error: "It could not be loaded." } : s))
      return
    }
    cache.forget(key, url)
    setNonce((n) => n + 1)
  }, [cache, key, url])
  const onLoad = useCallback(() => {
    failures.current = 0
  }, [])
  const retry = useCallback(() => {
    if (key === null) return
    failures.current = 0
    cache.forget(key)
    setState((s) => (s.key === key ? { key, media: null, error: null } : s))
    setNonce((n) => n + 1)
  }, [cache, key])
  return { media: current.media, error: current.error, onError, onLoad, retry }
}

/**
 * Whether the element is within `marginPx` of the viewport (IntersectionObserver);
 * once true it stays true, so media that was fetched is not dropped on scroll.
 * True at once where IntersectionObserver is missing.
 */
export const useNearViewport = (ref: { readonly current: Element | null }, marginPx = 600): boolean => {
  const [near, setNear] = useState(false)
  useEffect(() => {
    const el = ref.current
    if (near || el === null) return
    if (typeof IntersectionObserver === "undefined") {
      setNear(true)
      return
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          setNear(true)
          observer.disconnect()
        }
      },
      { rootMargin: `${marginPx}px 0px` }
    )
    observer.observe(el)
    return () => observer.disconnect()
  }, [ref, near, marginPx])
  return near
}
