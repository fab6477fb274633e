/**
 * Test graphics drawn as SVG and rendered by sharp (librsvg): what people have among their
 * trip photos besides photos — a Matplotlib-like line chart, a bar chart, a scatter plot, a
 * desktop screenshot (light and dark), a phone chat screenshot and a slide. Each returns PNG
 * bytes at the size such a picture has (e.g. a Retina desktop 2880 x 1800 px).
 */
import sharp from "sharp"
/** mulberry32 (see images.ts). */
const prng = (seed: number) => () => { seed = (seed + 0x6d2b79f5) | 0; let t = seed; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296 }
const TAB10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;")
const text = (x: number, y: number, s: string, size = 12, fill = "#000", anchor = "start", weight = "normal") => `<text x="${x}" y="${y}" font-family="DejaVu Sans" font-size="${size}" fill="${fill}" text-anchor="${anchor}" font-weight="${weight}">${esc(s)}</text>`

/** A Matplotlib-style line chart (tab10 colours, axes box, ticks, grid, legend, title): PNG bytes. */
export const lineChart = (seed: number, w = 1280, h = 960, series = 3, grid = true) => {
  const r = prng(seed); const L = w * 0.125, R = w * 0.9, T = h * 0.11, B = h * 0.88
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#fff"/>`
  for (let i = 0; i <= 5; i++) { const x = L + (R - L) * i / 5, y = B - (B - T) * i / 5
    if (grid) svg += `<line x1="${x}" y1="${T}" x2="${x}" y2="${B}" stroke="#b0b0b0" stroke-width="1.6"/><line x1="${L}" y1="${y}" x2="${R}" y2="${y}" stroke="#b0b0b0" stroke-width="1.6"/>`
    svg += `<line x1="${x}" y1="${B}" x2="${x}" y2="${B + 7}" stroke="#000" stroke-width="1.6"/>` + text(x, B + 30, String(i * 20), 20, "#000", "middle")
    svg += `<line x1="${L - 7}" y1="${y}" x2="${L}" y2="${y}" stroke="#000" stroke-width="1.6"/>` + text(L - 12, y + 7, (i * 0.2).toFixed(1), 20, "#000", "end") }
  for (let s = 0; s < series; s++) { let v = 0.2 + r() * 0.6; const pts: string[] = []
    for (let i = 0; i <= 100; i++) { v = Math.min(1, Math.max(0, v + (r() - 0.5) * 0.08)); pts.push(`${(L + (R - L) * i / 100).toFixed(1)},${(B - (B - T) * v).toFixed(1)}`) }
    svg += `<polyline points="${pts.join(" ")}" fill="none" stroke="${TAB10[s % 10]}" stroke-width="3"/>` }
  svg += `<rect x="${L}" y="${T}" width="${R - L}" height="${B - T}" fill="none" stroke="#000" stroke-width="1.6"/>`
  svg += text((L + R) / 2, T - 20, "Daily steps during the trip", 24, "#000", "middle") + text((L + R) / 2, h - 25, "day", 20, "#000", "middle")
  svg += `<rect x="${R - 210}" y="${T + 15}" width="195" height="${series * 32 + 12}" fill="#fff" fill-opacity="0.8" stroke="#ccc" rx="4"/>`
  for (let s = 0; s < series; s++) svg += `<line x1="${R - 200}" y1="${T + 38 + s * 32}" x2="${R - 160}" y2="${T + 38 + s * 32}" stroke="${TAB10[s]}" stroke-width="3"/>` + text(R - 150, T + 45 + s * 32, `series ${s + 1}`, 20)
  return sharp(Buffer.from(svg + "</svg>")).png().toBuffer()
}

/** A bar chart of 12 months: PNG bytes. */
export const barChart = (seed: number, w = 1200, h = 800) => {
  const r = prng(seed); const L = 110, R = w - 40, T = 80, B = h - 90; const n = 12
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#fff"/>`
  for (let i = 0; i < n; i++) { const bh = (B - T) * (0.2 + r() * 0.8), bw = (R - L) / n * 0.7, x = L + (R - L) / n * (i + 0.15)
    svg += `<rect x="${x}" y="${B - bh}" width="${bw}" height="${bh}" fill="${TAB10[i % 3]}"/>` + text(x + bw / 2, B + 28, ["Jan","Feb","Mar","Apr","May","Jun","Jul","Aug","Sep","Oct","Nov","Dec"][i]!, 18, "#333", "middle") }
  svg += `<line x1="${L}" y1="${B}" x2="${R}" y2="${B}" stroke="#333" stroke-width="2"/><line x1="${L}" y1="${T}" x2="${L}" y2="${B}" stroke="#333" stroke-width="2"/>`
  for (let i = 0; i <= 4; i++) svg += text(L - 10, B - (B - T) * i / 4 + 6, `${i * 250}`, 18, "#333", "end")
  svg += text(w / 2, 45, "Photos per month", 28, "#111", "middle", "bold")
  return sharp(Buffer.from(svg + "</svg>")).png().toBuffer()
}

/** A seaborn-style scatter plot of 400 points on a grey grid: PNG bytes. */
export const scatterPlot = (seed: number, w = 1000, h = 1000) => {
  const r = prng(seed); const L = 100, R = w - 50, T = 60, B = h - 90
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#fff"/><rect x="${L}" y="${T}" width="${R - L}" height="${B - T}" fill="#eaeaf2"/>`
  for (let i = 0; i <= 6; i++) svg += `<line x1="${L + (R - L) * i / 6}" y1="${T}" x2="${L + (R - L) * i / 6}" y2="${B}" stroke="#fff" stroke-width="2"/><line x1="${L}" y1="${T + (B - T) * i / 6}" x2="${R}" y2="${T + (B - T) * i / 6}" stroke="#fff" stroke-width="2"/>` + text(L + (R - L) * i / 6, B + 30, String(i * 10), 18, "#333", "middle")
  for (let i = 0; i < 400; i++) { const c = i % 3; const x = L + (R - L) * (0.15 + 0.25 * c + r() * 0.4), y = T + (B - T) * (0.2 + r() * 0.6)
    svg += `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="6" fill="${TAB10[c]}" fill-opacity="0.75"/>` }
  return sharp(Buffer.from(svg + "</svg>")).png().toBuffer()
}

/** A file-manager window on a desktop (menu bar, sidebar, file list): PNG bytes, 2880 x 1800 px by default. */
export const desktopScreenshot = (seed: number, w = 2880, h = 1800, dark = false) => {
  const r = prng(seed); const s = w / 1440
  const bg = dark ? "#1e1e1e" : "#ffffff", side = dark ? "#252526" : "#f3f3f3", fg = dark ? "#d4d4d4" : "#1d1d1f", muted = dark ? "#858585" : "#6e6e73"
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="${dark ? "#0f0f10" : "#d9dde3"}"/>`
  svg += `<rect x="0" y="0" width="${w}" height="${25 * s}" fill="${dark ? "#2d2d2d" : "#ececec"}"/>` + text(20 * s, 17 * s, "Finder   File   Edit   View   Go   Window   Help", 13 * s, fg)
  svg += `<rect x="${60 * s}" y="${60 * s}" width="${1320 * s}" height="${800 * s}" rx="${10 * s}" fill="${bg}" stroke="${dark ? "#3c3c3c" : "#c8c8c8"}"/>`
  svg += `<rect x="${60 * s}" y="${60 * s}" width="${1320 * s}" height="${38 * s}" rx="${10 * s}" fill="${side}"/>`
  for (const [i, c] of ["#ff5f57", "#febc2e", "#28c840"].entries()) svg += `<circle cx="${(80 + i * 20) * s}" cy="${79 * s}" r="${6 * s}" fill="${c}"/>`
  svg += `<rect x="${60 * s}" y="${98 * s}" width="${220 * s}" height="${762 * s}" fill="${side}"/>`
  for (let i = 0; i < 14; i++) svg += text(80 * s, (130 + i * 28) * s, ["Favourites", "Recents", "Applications", "Desktop", "Documents", "Downloads", "Pictures", "iCloud Drive", "Locations", "Network", "Tags", "Red", "Orange", "Travel"][i]!, 13 * s, i === 0 || i === 8 ? muted : fg)
  for (let i = 0; i < 24; i++) { const y = (120 + i * 30) * s
    if (i % 2 === 0) svg += `<rect x="${280 * s}" y="${y - 18 * s}" width="${1100 * s}" height="${30 * s}" fill="${dark ? "#232325" : "#f5f5f7"}"/>`
    svg += text(300 * s, y, `IMG_${4000 + Math.floor(r() * 5000)}.HEIC`, 13 * s, fg) + text(760 * s, y, `${(1 + r() * 4).toFixed(1)} MB`, 13 * s, muted) + text(960 * s, y, "HEIF Image", 13 * s, muted) }
  svg += `<rect x="${500 * s}" y="${880 * s}" width="${440 * s}" height="${50 * s}" rx="${12 * s}" fill="${dark ? "#3a3a3c" : "#e5e5ea"}"/>`
  return sharp(Buffer.from(svg + "</svg>")).png().toBuffer()
}

/** A phone chat screenshot (status bar, bubbles, input field): PNG bytes, 1170 x 2532 px by default (iPhone 13). */
export const phoneScreenshot = (seed: number, w = 1170, h = 2532) => {
  const r = prng(seed); const s = w / 390
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="#fff"/>`
  svg += text(30 * s, 30 * s, "9:41", 16 * s, "#000", "start", "bold") + `<rect x="0" y="${50 * s}" width="${w}" height="${60 * s}" fill="#f6f6f6"/>` + text(w / 2, 88 * s, "Anna", 17 * s, "#000", "middle", "bold")
  let y = 140 * s
  for (let i = 0; i < 14; i++) { const mine = r() < 0.5; const bw = (120 + r() * 150) * s, bh = (36 + Math.floor(r() * 2) * 20) * s
    const x = mine ? w - bw - 16 * s : 16 * s
    svg += `<rect x="${x}" y="${y}" width="${bw}" height="${bh}" rx="${18 * s}" fill="${mine ? "#0b84fe" : "#e9e9eb"}"/>` + text(x + 14 * s, y + 24 * s, mine ? "See you at the station!" : "The view from the top", 15 * s, mine ? "#fff" : "#000")
    y += bh + 10 * s }
  svg += `<rect x="0" y="${h - 90 * s}" width="${w}" height="${90 * s}" fill="#f6f6f6"/><rect x="${50 * s}" y="${h - 75 * s}" width="${290 * s}" height="${36 * s}" rx="${18 * s}" fill="#fff" stroke="#ccc"/>`
  return sharp(Buffer.from(svg + "</svg>")).png().toBuffer()
}

/** A presentation slide (gradient background, big numbers in coloured boxes): PNG bytes, 1920 x 1080 px. */
export const slide = (seed: number, w = 1920, h = 1080) => {
  const r = prng(seed)
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#12355b"/><stop offset="1" stop-color="#420039"/></linearGradient></defs><rect width="${w}" height="${h}" fill="url(#g)"/>`
  svg += text(120, 200, "Our trip in numbers", 80, "#fff", "start", "bold")
  for (let i = 0; i < 4; i++) svg += `<rect x="${120 + i * 430}" y="400" width="380" height="420" rx="30" fill="${TAB10[i]}"/>` + text(310 + i * 430, 620, String(Math.floor(r() * 900)), 110, "#fff", "middle", "bold") + text(310 + i * 430, 720, ["km", "photos", "days", "cafés"][i]!, 40, "#fff", "middle")
  return sharp(Buffer.from(svg + "</svg>")).png().toBuffer()
}
