/**
 * Sends one file straight to blob storage: `PUT uploadUrl` with the exact
 * headers of its UploadTarget (locally an HMAC-signed URL served by
 * `curator serve`; on AWS an S3 presigned PUT whose signature covers
 * Content-Type and Content-Length). XMLHttpRequest rather than fetch because
 * only XHR reports upload progress (`xhr.upload.onprogress`) in every browser.
 */
import { ApiErrorBody, type UploadTarget } from "@curator/contracts"
import { Schema } from "effect"
import { ApiFailure, reportUnauthorized } from "../../api/ApiClient.js"

const decodeErrorBody = Schema.decodeUnknownOption(Schema.fromJsonString(ApiErrorBody))

/**
 * PUTs `body` to `target`. `onProgress(loaded, total)` reports bytes sent.
 * Resolves on 2xx; rejects with an ApiFailure (the server's `{ error }` when
 * it sent one, `NetworkError` when the connection failed, `Aborted` on `signal`;
 * a 401 is reported to the Auth first, as an API call's is).
 */
export const putBlob = (target: UploadTarget, body: Blob, onProgress: (loaded: number, total: number) => void, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open(target.method, target.uploadUrl)
    for (const [name, value] of Object.entries(target.headers)) xhr.setRequestHeader(name, value)
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : body.size)
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(body.size, body.size)
        resolve()
        return
      }
      const parsed = decodeErrorBody(xhr.responseText)
      // A 401 is the local server's cookie check (S3 answers 403): the same "open the link again" screen as the API's.
      reject(
        reportUnauthorized(
          parsed._tag === "Some"
            ? new ApiFailure(xhr.status, parsed.value.error.tag, parsed.value.error.message)
            : new ApiFailure(xhr.status, "UploadRefused", `The upload was refused (HTTP ${xhr.status}).`)
        )
      )
    }
    xhr.onerror = () => reject(new ApiFailure(0, "NetworkError", "The connection broke during the upload."))
    xhr.onabort = () => reject(new ApiFailure(0, "Aborted", "The upload was cancelled."))
    if (signal) {
      if (signal.aborted) return xhr.abort()
      signal.addEventListener("abort", () => xhr.abort(), { once: true })
    }
    xhr.send(body)
  })
