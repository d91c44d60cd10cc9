// SPDX-License-Identifier: Apache-2.0
// Chosen channels against time, with the phones underneath and a playback cursor. Two stacked
// canvases: the curves are drawn once per track or selection, only the cursor every frame.

import { channel, type Track } from "./track";

export interface PlotChannel {
  name: string;
  color: string;
}

const MARGIN = { left: 36, right: 12, top: 10, bottom: 24 };
const PHONE_STRIP = 22;

export class Plot {
  /** Called with a time (s) when the user clicks or drags on the plot. */
  onSeek: ((t: number) => void) | null = null;

  private readonly base: HTMLCanvasElement;
  private readonly overlay: HTMLCanvasElement;
  private track: Track | null = null;
  private channels: PlotChannel[] = [];
  private cursor = 0;
  private width = 0;
  private height = 0;
  private dpr = 1;
  private cursorColor = "#e5484d";

  constructor(private readonly wrap: HTMLElement) {
    this.base = document.createElement("canvas");
    this.overlay = document.createElement("canvas");
    this.overlay.classList.add("plot-overlay");
    this.base.setAttribute("role", "img");
    this.base.setAttribute("aria-label", "Blendshape weights over time");
    wrap.append(this.base, this.overlay);
    new ResizeObserver(() => this.resize()).observe(wrap);
    let dragging = false;
    const seek = (e: PointerEvent) => {
      if (!this.track || !this.onSeek) return;
      const rect = this.overlay.getBoundingClientRect();
      this.onSeek(this.timeAt(e.clientX - rect.left));
    };
    this.overlay.addEventListener("pointerdown", (e) => {
      dragging = true;
      this.overlay.setPointerCapture(e.pointerId);
      seek(e);
    });
    this.overlay.addEventListener("pointermove", (e) => dragging && seek(e));
    this.overlay.addEventListener("pointerup", () => (dragging = false));
    this.resize();
  }

  setTrack(track: Track | null): void {
    this.track = track;
    this.cursor = 0;
    this.draw();
  }

  setChannels(channels: PlotChannel[]): void {
    this.channels = channels;
    this.draw();
  }

  setCursor(t: number): void {
    this.cursor = t;
    this.drawCursor();
  }

  private get duration(): number {
    return this.track ? Math.max(this.track.duration, this.track.numFrames / this.track.fps) : 1;
  }

  private xOf(t: number): number {
    const w = this.width - MARGIN.left - MARGIN.right;
    return MARGIN.left + (t / this.duration) * w;
  }

  private timeAt(x: number): number {
    const w = this.width - MARGIN.left - MARGIN.right;
    return Math.min(Math.max(((x - MARGIN.left) / w) * this.duration, 0), this.duration);
  }

  private resize(): void {
    this.dpr = window.devicePixelRatio || 1;
    this.width = this.wrap.clientWidth;
    this.height = this.wrap.clientHeight;
    for (const c of [this.base, this.overlay]) {
      c.width = Math.round(this.width * this.dpr);
      c.height = Math.round(this.height * this.dpr);
    }
    this.draw();
  }

  private context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
    const ctx = canvas.getContext("2d")!;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    return ctx;
  }

  private draw(): void {
    if (this.width === 0) return;
    const ctx = this.context(this.base);
    const plotTop = MARGIN.top;
    const plotBottom = this.height - MARGIN.bottom - PHONE_STRIP;
    const yOf = (v: number) => plotBottom - v * (plotBottom - plotTop);
    const style = getComputedStyle(this.wrap);
    const grid = style.getPropertyValue("--plot-grid").trim() || "#e4e7ee";
    const text = style.getPropertyValue("--plot-text").trim() || "#6b7385";
    this.cursorColor = style.getPropertyValue("--plot-cursor").trim() || this.cursorColor;
    ctx.font = "11px system-ui, sans-serif";
    ctx.lineWidth = 1;

    // Weight grid: 0, 0.25, ... 1.
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (let v = 0; v <= 1.001; v += 0.25) {
      const y = Math.round(yOf(v)) + 0.5;
      ctx.strokeStyle = grid;
      ctx.beginPath();
      ctx.moveTo(MARGIN.left, y);
      ctx.lineTo(this.width - MARGIN.right, y);
      ctx.stroke();
      ctx.fillStyle = text;
      ctx.fillText(v.toFixed(2).replace(/0$/, ""), MARGIN.left - 6, y);
    }
    // Time ticks at a readable spacing.
    const duration = this.duration;
    const pxPerS = (this.width - MARGIN.left - MARGIN.right) / duration;
    const step = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60].find((s) => s * pxPerS >= 56) ?? 120;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (let t = 0; t <= duration + 1e-9; t += step) {
      const x = Math.round(this.xOf(t)) + 0.5;
      ctx.strokeStyle = grid;
      ctx.beginPath();
      ctx.moveTo(x, plotTop);
      ctx.lineTo(x, plotBottom);
      ctx.stroke();
      ctx.fillStyle = text;
      ctx.fillText(`${+t.toFixed(2)} s`, x, this.height - MARGIN.bottom + 6);
    }
    if (!this.track) {
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillText("No track yet", this.width / 2, (plotTop + plotBottom) / 2);
      this.drawCursor();
      return;
    }

    // Phones under the curves; silence left blank.
    const stripTop = plotBottom + 2;
    ctx.textBaseline = "middle";
    for (const [i, p] of this.track.phones.entries()) {
      if (p.label === "sil") continue;
      const x0 = this.xOf(p.start);
      const x1 = this.xOf(p.end);
      ctx.fillStyle = i % 2 ? "rgba(91, 108, 255, 0.10)" : "rgba(91, 108, 255, 0.18)";
      ctx.fillRect(x0, stripTop, Math.max(1, x1 - x0 - 1), PHONE_STRIP - 4);
      if (x1 - x0 > 14) {
        ctx.fillStyle = text;
        ctx.fillText(p.label, (x0 + x1) / 2, stripTop + (PHONE_STRIP - 4) / 2);
      }
    }

    ctx.lineWidth = 1.8;
    ctx.lineJoin = "round";
    for (const { name, color } of this.channels) {
      const values = channel(this.track, name);
      ctx.strokeStyle = color;
      ctx.beginPath();
      for (let f = 0; f < values.length; f++) {
        const x = this.xOf(f / this.track.fps);
        const y = yOf(values[f]!);
        if (f === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      }
      ctx.stroke();
    }
    this.drawCursor();
  }

  private drawCursor(): void {
    if (this.width === 0) return;
    const ctx = this.context(this.overlay);
    if (!this.track) return;
    const x = Math.round(this.xOf(Math.min(this.cursor, this.duration))) + 0.5;
    ctx.strokeStyle = this.cursorColor;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(x, MARGIN.top - 4);
    ctx.lineTo(x, this.height - MARGIN.bottom);
    ctx.stroke();
  }
}
