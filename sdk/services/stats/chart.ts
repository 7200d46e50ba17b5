import { Resvg } from "@resvg/resvg-js";

import { ALL_TIERS, Tier } from "../../lib/tiers.js";
import { shareTrend, type EpochMix } from "./report.js";

/** Fill colour per tier (a colour-blind-safe palette). */
export const TIER_COLOURS: Record<Tier, string> = {
  [Tier.ZK]: "#1b9e77",
  [Tier.TEE]: "#7570b3",
  [Tier.SIGNED]: "#d95f02",
};

const WIDTH = 1000;
const HEIGHT = 600;
const LEFT = 70;
const RIGHT = 150;
const MIX_TOP = 60;
const MIX_HEIGHT = 330;
const VOLUME_TOP = 440;
const VOLUME_HEIGHT = 110;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const n2 = (x: number) => x.toFixed(2);

/** A tick step of 1, 2 or 5 times a power of ten that gives at most `max` ticks over `range`. */
function niceStep(range: number, max: number): number {
  const raw = range / max;
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/**
 * An SVG chart of the tier mix over time: per epoch, a 100% stacked bar of the item share of each tier, the ZK+TEE
 * share as a line with its least-squares trend, and below it the item count per epoch. Hand-written SVG (a few
 * dozen elements) rather than a charting library: one fixed chart, no browser, and the output stays diffable.
 */
export function tierMixSvg(mixes: readonly EpochMix[], title = "Tier mix per epoch"): string {
  if (mixes.length === 0) throw new Error("no epochs to chart");
  const plotWidth = WIDTH - LEFT - RIGHT;
  const slot = plotWidth / mixes.length;
  const barWidth = Math.max(1, slot * 0.85);
  const x = (i: number) => LEFT + i * slot + (slot - barWidth) / 2;
  const centre = (i: number) => LEFT + i * slot + slot / 2;
  const yShare = (share: number) => MIX_TOP + MIX_HEIGHT * (1 - share);
  const maxTotal = Math.max(...mixes.map((m) => m.total), 1);
  const volumeStep = niceStep(maxTotal, 3);
  const volumeMax = Math.ceil(maxTotal / volumeStep) * volumeStep;
  const yVolume = (n: number) => VOLUME_TOP + VOLUME_HEIGHT * (1 - n / volumeMax);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="30" font-size="18" font-weight="bold">${esc(title)}</text>`,
    `<text x="${LEFT}" y="48" fill="#555">share of settled items per tier (bars), ZK+TEE share (line) and its trend (dashed)</text>`,
  );
  // Stacked bars: ZK at the bottom, then TEE, then SIGNED.
  for (const [i, m] of mixes.entries()) {
    let bottom = 0;
    for (const tier of ALL_TIERS) {
      const share = m.total === 0 ? 0 : m.count[tier] / m.total;
      if (share > 0) {
        parts.push(
          `<rect x="${n2(x(i))}" y="${n2(yShare(bottom + share))}" width="${n2(barWidth)}" height="${n2(
            MIX_HEIGHT * share,
          )}" fill="${TIER_COLOURS[tier]}"/>`,
        );
      }
      bottom += share;
    }
    parts.push(
      `<rect x="${n2(x(i))}" y="${n2(yVolume(m.total))}" width="${n2(barWidth)}" height="${n2(
        VOLUME_TOP + VOLUME_HEIGHT - yVolume(m.total),
      )}" fill="#888"/>`,
    );
  }
  // Share axis and grid.
  for (let p = 0; p <= 100; p += 20) {
    const y = yShare(p / 100);
    parts.push(
      `<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${n2(y)}" y2="${n2(y)}" stroke="#000" stroke-opacity="0.15"/>`,
      `<text x="${LEFT - 8}" y="${n2(y + 4)}" text-anchor="end">${p}%</text>`,
    );
  }
  // ZK+TEE share line and its least-squares trend.
  const points = mixes.map((m, i) => `${n2(centre(i))},${n2(yShare(m.strongShare))}`).join(" ");
  parts.push(`<polyline points="${points}" fill="none" stroke="#000" stroke-width="2"/>`);
  const trend = shareTrend(mixes);
  const meanEpoch = mixes.reduce((s, m) => s + m.epoch, 0) / mixes.length;
  const meanShare = mixes.reduce((s, m) => s + m.strongShare, 0) / mixes.length;
  const at = (epoch: number) => Math.min(1, Math.max(0, meanShare + trend.slopePerEpoch * (epoch - meanEpoch)));
  const last = mixes.length - 1;
  parts.push(
    `<line x1="${n2(centre(0))}" y1="${n2(yShare(at(mixes[0].epoch)))}" x2="${n2(centre(last))}" y2="${n2(
      yShare(at(mixes[last].epoch)),
    )}" stroke="#000" stroke-width="1.5" stroke-dasharray="6 4"/>`,
  );
  // Volume axis.
  for (let v = 0; v <= volumeMax; v += volumeStep) {
    const y = yVolume(v);
    parts.push(
      `<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${n2(y)}" y2="${n2(y)}" stroke="#000" stroke-opacity="0.15"/>`,
      `<text x="${LEFT - 8}" y="${n2(y + 4)}" text-anchor="end">${v.toLocaleString("en-US")}</text>`,
    );
  }
  parts.push(`<text x="${LEFT}" y="${VOLUME_TOP - 10}" fill="#555">settled items per epoch</text>`);
  // Epoch labels, at most ~12.
  const labelEvery = Math.max(1, Math.ceil(mixes.length / 12));
  for (let i = 0; i < mixes.length; i += labelEvery) {
    parts.push(
      `<text x="${n2(centre(i))}" y="${VOLUME_TOP + VOLUME_HEIGHT + 18}" text-anchor="middle">${mixes[i].epoch}</text>`,
    );
  }
  parts.push(`<text x="${LEFT + plotWidth / 2}" y="${HEIGHT - 8}" text-anchor="middle" fill="#555">epoch</text>`);
  // Legend.
  const legendX = LEFT + plotWidth + 20;
  for (const [k, tier] of [...ALL_TIERS].reverse().entries()) {
    const y = MIX_TOP + 10 + k * 24;
    parts.push(
      `<rect x="${legendX}" y="${y}" width="14" height="14" fill="${TIER_COLOURS[tier]}"/>`,
      `<text x="${legendX + 20}" y="${y + 12}">${Tier[tier]}</text>`,
    );
  }
  const lineY = MIX_TOP + 10 + 3 * 24 + 7;
  parts.push(
    `<line x1="${legendX}" x2="${legendX + 14}" y1="${lineY}" y2="${lineY}" stroke="#000" stroke-width="2"/>`,
    `<text x="${legendX + 20}" y="${lineY + 4}">ZK+TEE share</text>`,
    `<line x1="${legendX}" x2="${legendX + 14}" y1="${lineY + 24}" y2="${lineY + 24}" stroke="#000" stroke-dasharray="4 2"/>`,
    `<text x="${legendX + 20}" y="${lineY + 28}">trend</text>`,
    `<text x="${legendX}" y="${lineY + 56}" fill="#555">${(100 * trend.firstQuarterShare).toFixed(1)}% → ${(
      100 * trend.lastQuarterShare
    ).toFixed(1)}%</text>`,
    `<text x="${legendX}" y="${lineY + 72}" fill="#555">${trend.growing ? "growing" : "not growing"}</text>`,
  );
  parts.push("</svg>");
  return parts.join("\n");
}

/** Renders an SVG to PNG with resvg (prebuilt native binary from npm); text uses the system fonts. */
export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    background: "#ffffff",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return Buffer.from(resvg.render().asPng());
}
