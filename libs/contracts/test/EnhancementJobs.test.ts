import { Schema } from "effect"
import { describe, expect, it } from "vitest"
import { BlobKeys, EnhancementItemRecord, EnhancementJobInput, enhancementExecutionName, Keys } from "../src/index.js"

const target = (fileId: string, round = 0, feedback: string | null = null) => ({ fileId, key: `s/original/${fileId}.jpg`, fileName: fileId, feedback, round })
const input = (photos: ReturnType<typeof target>[], videos: ReturnType<typeof target>[] = []) => ({ sessionId: "s", jobId: "job", expiresAt: 1, photos, videos })

describe("enhancement contracts", () => {
  it("builds the record keys and the blob keys of every round", () => {
    expect([Keys.enhanceJob("j"), Keys.enhanceItem("j", "f"), Keys.enhanceItemPrefix("j")]).toEqual(["ENHANCE#j", "ENHANCE#j#ITEM#f", "ENHANCE#j#ITEM#"])
    expect(Keys.enhanceItem("j", "f").startsWith(Keys.enhanceItemPrefix("j"))).toBe(true)
    expect([BlobKeys.enhancedRound("s", "f", 0, "jpg"), BlobKeys.enhancedRound("s", "f", 2, "jpg")]).toEqual([BlobKeys.enhanced("s", "f", "jpg"), "s/enhanced/f.r2.jpg"])
    expect([BlobKeys.enhancedPreview("s", "f", 0), BlobKeys.enhancedPreview("s", "f", 1)]).toEqual(["s/enhanced/f.preview.mp4", "s/enhanced/f.r1.preview.mp4"])
  })

  it("names the first pass by its job id and a one-item feedback round by job, file and round", () => {
    expect(enhancementExecutionName(input([target("a"), target("b")], [target("v")]))).toBe("job")
    expect(enhancementExecutionName(input([], [target("v", 2, "warmer")]))).toBe("job-v-r2")
  })

  it("rejects a negative round and accepts a record the failure recorder wrote", () => {
    expect(Schema.is(EnhancementJobInput)(input([target("a", -1)]))).toBe(false)
    const recorded = { fileId: "f", kind: "video", status: "failed", rounds: [], currentRound: -1, errorTag: "CorruptMediaError", errorMessage: "x", expiresAt: 1 }
    expect(Schema.is(EnhancementItemRecord)(recorded)).toBe(true)
    expect(Schema.is(EnhancementItemRecord)({ ...recorded, kind: "audio" })).toBe(false)
  })
})
