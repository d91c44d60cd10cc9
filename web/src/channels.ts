// SPDX-License-Identifier: Apache-2.0
// Which channels the plot shows (chips with a remove button, a menu to add any of the 52) and
// the live meters beside the face.

import { ARKIT_NAMES, type ArkitName, Weights } from "./arkit";
import type { PlotChannel } from "./plot";

const PALETTE = [
  "#5b6cff",
  "#e5484d",
  "#12a594",
  "#f5a524",
  "#8e4ec6",
  "#0091ff",
  "#d6409f",
  "#46a758",
  "#ad7f58",
  "#3e63dd",
];

/** The curves that show lip sync at a glance: opening, closure, rounding, smile, eyes, brows. */
export const DEFAULT_CHANNELS: ArkitName[] = [
  "jawOpen",
  "mouthClose",
  "mouthFunnel",
  "mouthPucker",
  "mouthSmileLeft",
  "eyeBlinkLeft",
  "browInnerUp",
];

const METERS: [ArkitName, string][] = [
  ["jawOpen", "Jaw open"],
  ["mouthClose", "Lips close"],
  ["mouthFunnel", "Funnel"],
  ["mouthPucker", "Pucker"],
  ["mouthSmileLeft", "Smile"],
  ["eyeBlinkLeft", "Blink"],
  ["browInnerUp", "Brows up"],
];

export class ChannelPicker {
  onChange: ((channels: PlotChannel[]) => void) | null = null;
  private selected: ArkitName[] = [...DEFAULT_CHANNELS];
  private readonly colors = new Map<string, string>();

  constructor(
    private readonly chips: HTMLElement,
    private readonly menu: HTMLSelectElement,
  ) {
    menu.addEventListener("change", () => {
      if (menu.value) this.selected.push(menu.value as ArkitName);
      menu.value = "";
      this.render();
    });
    this.render();
  }

  get channels(): PlotChannel[] {
    return this.selected.map((name) => ({ name, color: this.colorOf(name) }));
  }

  private colorOf(name: string): string {
    if (!this.colors.has(name)) {
      const used = new Set(
        [...this.colors.entries()]
          .filter(([n]) => this.selected.includes(n as ArkitName))
          .map(([, c]) => c),
      );
      this.colors.set(
        name,
        PALETTE.find((c) => !used.has(c)) ?? PALETTE[this.colors.size % PALETTE.length]!,
      );
    }
    return this.colors.get(name)!;
  }

  private render(): void {
    this.chips.replaceChildren(
      ...this.channels.map(({ name, color }) => {
        const chip = document.createElement("span");
        chip.className = "chip";
        const swatch = document.createElement("span");
        swatch.className = "swatch";
        swatch.style.background = color;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", `Hide ${name}`);
        remove.addEventListener("click", () => {
          this.selected = this.selected.filter((n) => n !== name);
          this.colors.delete(name);
          this.render();
        });
        chip.append(swatch, document.createTextNode(name), remove);
        return chip;
      }),
    );
    const first = this.menu.options[0]!;
    this.menu.replaceChildren(
      first,
      ...ARKIT_NAMES.filter((n) => !this.selected.includes(n)).map((n) => new Option(n, n)),
    );
    this.onChange?.(this.channels);
  }
}

/** Bars for a few channels at the current time. */
export class Meters {
  private readonly fills: HTMLElement[] = [];
  private readonly values: HTMLElement[] = [];

  constructor(container: HTMLElement) {
    for (const [, label] of METERS) {
      const row = document.createElement("div");
      row.className = "meter-row";
      const name = document.createElement("span");
      name.textContent = label;
      const bar = document.createElement("div");
      bar.className = "bar";
      const fill = document.createElement("div");
      bar.append(fill);
      const value = document.createElement("span");
      value.className = "value";
      row.append(name, bar, value);
      container.append(row);
      this.fills.push(fill);
      this.values.push(value);
    }
  }

  update(w: Weights): void {
    METERS.forEach(([channel], i) => {
      const v = w.get(channel);
      this.fills[i]!.style.width = `${(v * 100).toFixed(1)}%`;
      this.values[i]!.textContent = v.toFixed(2);
    });
  }
}
