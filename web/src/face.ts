// SPDX-License-Identifier: Apache-2.0
// A 2-D vector face driven by the 52 ARKit weights. It is a readable preview rather than a rig:
// each channel moves the feature it names, with ARKit's conventions kept where they matter for
// judging lip sync. "Left" channels are the subject's left (the viewer's right); the lips part
// by jawOpen - mouthClose, so a p/b/m with the jaw dropped shows sealed lips; mouthFunnel and
// mouthPucker narrow and round the opening.

import { Weights } from "./arkit";

const SVG_NS = "http://www.w3.org/2000/svg";
const CX = 200; // Face midline.
const MOUTH_Y = 326; // Lip line at rest.

/** Where the mouth is, for tests and the readout (px in the 400 x 460 view box). */
export interface FaceGeometry {
  lipGap: number;
  jawDrop: number;
  mouthWidth: number;
  roundness: number;
  eyeOpenLeft: number;
  eyeOpenRight: number;
}

const STATIC_MARKUP = `
<defs>
  <radialGradient id="vf-skin" cx="50%" cy="42%" r="62%">
    <stop offset="0" stop-color="#f6d5b8"/><stop offset="0.75" stop-color="#eec3a0"/>
    <stop offset="1" stop-color="#dca682"/>
  </radialGradient>
  <linearGradient id="vf-hair" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="#4a3426"/><stop offset="1" stop-color="#2c1f17"/>
  </linearGradient>
  <radialGradient id="vf-iris" cx="50%" cy="45%" r="55%">
    <stop offset="0" stop-color="#6e9bc4"/><stop offset="0.7" stop-color="#3f6f9c"/>
    <stop offset="1" stop-color="#24476b"/>
  </radialGradient>
  <linearGradient id="vf-lip" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="#c8646a"/><stop offset="1" stop-color="#b24f58"/>
  </linearGradient>
  <clipPath id="vf-eye-clip-r"><path data-part="eye-clip-r"/></clipPath>
  <clipPath id="vf-eye-clip-l"><path data-part="eye-clip-l"/></clipPath>
  <clipPath id="vf-mouth-clip"><path data-part="mouth-clip"/></clipPath>
</defs>
<path class="shirt" d="M26 460 C40 418 104 398 158 392 L242 392 C296 398 360 418 374 460 Z"/>
<path class="neck" d="M158 318 L154 404 C176 420 224 420 246 404 L242 318 Z"/>
<path class="hair-back" fill="url(#vf-hair)"
  d="M66 250 C44 150 96 40 200 38 C304 40 356 150 334 250 C326 200 316 160 300 140 L100 140
     C84 160 74 200 66 250 Z"/>
<g class="ears" fill="#e6b692" stroke="#c98f6c" stroke-width="2">
  <ellipse cx="78" cy="222" rx="15" ry="27"/><ellipse cx="322" cy="222" rx="15" ry="27"/>
</g>
<path data-part="head" fill="url(#vf-skin)" stroke="#c98f6c" stroke-width="2"/>
<g fill="#ef8f80">
  <ellipse data-part="cheek-r" cx="128" cy="286" rx="25" ry="14"/>
  <ellipse data-part="cheek-l" cx="272" cy="286" rx="25" ry="14"/>
</g>
<path class="hair-front" fill="url(#vf-hair)"
  d="M75 204 C68 108 126 44 200 44 C274 44 332 108 325 204 C318 166 306 140 286 124
     C262 132 222 134 190 124 C160 134 126 130 110 128 C94 146 82 170 75 204 Z"/>
<g class="eye" data-side="r">
  <path data-part="crease-r" fill="none" stroke="#c48e6e" stroke-width="2" stroke-linecap="round"/>
  <path data-part="eye-r" fill="#fbfaf7"/>
  <g clip-path="url(#vf-eye-clip-r)"><g data-part="iris-r">
    <circle r="11.5" fill="url(#vf-iris)"/><circle r="5" fill="#141414"/>
    <circle cx="-3.5" cy="-4" r="2.6" fill="#fff" opacity="0.9"/>
  </g></g>
  <path data-part="lash-r" fill="none" stroke="#2b1d16" stroke-width="3.2" stroke-linecap="round"/>
  <path data-part="lower-lid-r" fill="none" stroke="#c48e6e" stroke-width="1.2" opacity="0.7"/>
</g>
<g class="eye" data-side="l">
  <path data-part="crease-l" fill="none" stroke="#c48e6e" stroke-width="2" stroke-linecap="round"/>
  <path data-part="eye-l" fill="#fbfaf7"/>
  <g clip-path="url(#vf-eye-clip-l)"><g data-part="iris-l">
    <circle r="11.5" fill="url(#vf-iris)"/><circle r="5" fill="#141414"/>
    <circle cx="-3.5" cy="-4" r="2.6" fill="#fff" opacity="0.9"/>
  </g></g>
  <path data-part="lash-l" fill="none" stroke="#2b1d16" stroke-width="3.2" stroke-linecap="round"/>
  <path data-part="lower-lid-l" fill="none" stroke="#c48e6e" stroke-width="1.2" opacity="0.7"/>
</g>
<g fill="none" stroke="#3b2a20" stroke-width="8" stroke-linecap="round">
  <path data-part="brow-r"/><path data-part="brow-l"/>
</g>
<g fill="none" stroke="#c2866a" stroke-width="2.4" stroke-linecap="round">
  <path d="M191 232 C190 248 186 262 183 272" opacity="0.35"/>
  <path data-part="nose"/>
</g>
<g fill="none" stroke="#c2866a" stroke-width="2" stroke-linecap="round">
  <path data-part="fold-r"/><path data-part="fold-l"/>
</g>
<g data-part="mouth">
  <path id="mouth-inner" data-part="mouth-inner" fill="#4a1520" stroke="#7b2e38"
    stroke-width="1.6" stroke-linejoin="round"/>
  <g clip-path="url(#vf-mouth-clip)">
    <rect data-part="teeth-upper" width="64" height="11" rx="3" fill="#f5f2ea"/>
    <rect data-part="teeth-lower" width="56" height="9" rx="3" fill="#e9e4d8"/>
    <ellipse data-part="tongue" rx="24" ry="10" fill="#c2555e"/>
  </g>
  <path data-part="lip-upper" fill="url(#vf-lip)"/>
  <path data-part="lip-lower" fill="url(#vf-lip)"/>
  <path data-part="lip-shine" fill="none" stroke="#f3b2b0" stroke-width="2.2"
    stroke-linecap="round" opacity="0.55"/>
</g>
<path data-part="chin" fill="none" stroke="#c98f6c" stroke-width="1.6" stroke-linecap="round"/>
`;

const clamp = (v: number, lo = 0, hi = 1) => Math.min(hi, Math.max(lo, v));
const f1 = (v: number) => v.toFixed(1);
const pt = (x: number, y: number) => `${f1(x)} ${f1(y)}`;

/** A cubic from a to b whose midpoint reaches `apexY`, handles `dx` in from the ends. */
function arc(ax: number, ay: number, bx: number, by: number, apexY: number, dx: number): string {
  const cy = (apexY - 0.125 * (ay + by)) / 0.75;
  return `C${pt(ax + (bx > ax ? dx : -dx), cy)} ${pt(bx - (bx > ax ? dx : -dx), cy)} ${pt(bx, by)}`;
}

export class Face {
  readonly svg: SVGSVGElement;
  private readonly parts = new Map<string, SVGElement>();
  private geometry_: FaceGeometry = {
    lipGap: 0,
    jawDrop: 0,
    mouthWidth: 0,
    roundness: 0,
    eyeOpenLeft: 1,
    eyeOpenRight: 1,
  };

  constructor(container: HTMLElement) {
    this.svg = document.createElementNS(SVG_NS, "svg");
    this.svg.setAttribute("viewBox", "0 0 400 460");
    this.svg.setAttribute("role", "img");
    this.svg.setAttribute("aria-label", "Animated face");
    this.svg.classList.add("face");
    this.svg.innerHTML = STATIC_MARKUP;
    for (const el of this.svg.querySelectorAll<SVGElement>("[data-part]")) {
      this.parts.set(el.dataset["part"]!, el);
    }
    container.append(this.svg);
    this.update(new Weights());
  }

  get geometry(): FaceGeometry {
    return { ...this.geometry_ };
  }

  update(w: Weights): void {
    const jawDrop = w.get("jawOpen") * 34;
    const jawX = (w.get("jawLeft") - w.get("jawRight")) * 14;
    this.drawHead(jawDrop, jawX, w.get("cheekPuff") * 10, w);
    this.drawEye(
      "r",
      152,
      w.get("eyeBlinkRight"),
      w.get("eyeWideRight"),
      w.get("eyeSquintRight"),
      w.get("cheekSquintRight"),
      w.get("eyeLookInRight") - w.get("eyeLookOutRight"),
      w.get("eyeLookDownRight") - w.get("eyeLookUpRight"),
    );
    this.drawEye(
      "l",
      248,
      w.get("eyeBlinkLeft"),
      w.get("eyeWideLeft"),
      w.get("eyeSquintLeft"),
      w.get("cheekSquintLeft"),
      w.get("eyeLookOutLeft") - w.get("eyeLookInLeft"),
      w.get("eyeLookDownLeft") - w.get("eyeLookUpLeft"),
    );
    this.drawBrow("r", -1, w.get("browInnerUp"), w.get("browOuterUpRight"), w.get("browDownRight"));
    this.drawBrow("l", 1, w.get("browInnerUp"), w.get("browOuterUpLeft"), w.get("browDownLeft"));
    const sneerR = w.get("noseSneerRight") * 5;
    const sneerL = w.get("noseSneerLeft") * 5;
    this.set(
      "nose",
      `M184 ${f1(274 - sneerR)} C176 ${f1(280 - sneerR)} 179 ${f1(290 - sneerR * 0.5)}
      189 ${f1(289 - sneerR * 0.5)} M193 292 Q200 295 207 292 M216 ${f1(274 - sneerL)}
      C224 ${f1(280 - sneerL)} 221 ${f1(290 - sneerL * 0.5)} 211 ${f1(289 - sneerL * 0.5)}`,
    );
    this.drawMouth(w, jawDrop, jawX);
  }

  private set(part: string, d: string): void {
    this.parts.get(part)!.setAttribute("d", d);
  }

  private attr(part: string, name: string, value: number | string): void {
    this.parts.get(part)!.setAttribute(name, typeof value === "number" ? f1(value) : value);
  }

  private drawHead(j: number, jx: number, puff: number, w: Weights): void {
    this.set(
      "head",
      `M200 52 C272 52 322 104 322 190 C322 228 ${f1(318 + puff)} 250
      ${f1(312 + puff)} 272 C${f1(306 + puff)} ${f1(300 + j * 0.3)} ${pt(296 + jx * 0.4, 326 + j * 0.5)}
      ${pt(276 + jx * 0.6, 350 + j * 0.8)} C${pt(256 + jx, 372 + j)} ${pt(228 + jx, 386 + j)}
      ${pt(200 + jx, 386 + j)} C${pt(172 + jx, 386 + j)} ${pt(144 + jx, 372 + j)}
      ${pt(124 + jx * 0.6, 350 + j * 0.8)} C${pt(104 + jx * 0.4, 326 + j * 0.5)}
      ${f1(94 - puff)} ${f1(300 + j * 0.3)} ${f1(88 - puff)} 272 C${f1(82 - puff)} 250 78 228 78 190
      C78 104 128 52 200 52 Z`,
    );
    const shrug = w.get("mouthShrugLower");
    this.set(
      "chin",
      `M${pt(186 + jx, 366 + j)} Q${pt(200 + jx, 371 + j + shrug * 3)} ${pt(214 + jx, 366 + j)}`,
    );
    this.attr("chin", "opacity", 0.25 + shrug * 0.6);
    for (const [side, s] of [
      ["r", "Right"],
      ["l", "Left"],
    ] as const) {
      const smile = w.get(`mouthSmile${s}`);
      const squint = w.get(`cheekSquint${s}`);
      this.attr(`cheek-${side}`, "opacity", clamp(0.18 + smile * 0.25 + squint * 0.3));
      this.attr(`cheek-${side}`, "cy", 286 - squint * 5 - smile * 3);
    }
  }

  private drawEye(
    side: "l" | "r",
    cx: number,
    blink: number,
    wide: number,
    squint: number,
    cheekSquint: number,
    lookX: number,
    lookY: number,
  ): void {
    const cy = 212;
    const hw = 26;
    const open = clamp(1 - blink + wide * 0.35 - squint * 0.25, 0, 1.35);
    const lower = 11 * (1 - clamp(squint * 0.45 + cheekSquint * 0.3));
    // Closing brings the upper lid down onto the lower one.
    const upperApex = cy - 15 * open + (1 - Math.min(open, 1)) * lower * 0.97;
    const lowerApex = cy + lower;
    const upper = `M${pt(cx - hw, cy)} ${arc(cx - hw, cy, cx + hw, cy, upperApex, hw * 0.55)}`;
    const shape = `${upper} ${arc(cx + hw, cy, cx - hw, cy, lowerApex, hw * 0.55)} Z`;
    this.set(`eye-${side}`, shape);
    this.set(`eye-clip-${side}`, shape);
    this.set(`lash-${side}`, upper);
    this.set(
      `lower-lid-${side}`,
      `M${pt(cx - hw + 5, cy + 2)} ${arc(cx - hw + 5, cy + 2, cx + hw - 5, cy + 2, lowerApex + 2, hw * 0.4)}`,
    );
    const crease = cy - 24 - wide * 4 + blink * 5;
    this.set(
      `crease-${side}`,
      `M${pt(cx - hw + 4, cy - 10)} ${arc(cx - hw + 4, cy - 10, cx + hw - 4, cy - 10, crease, hw * 0.5)}`,
    );
    this.attr(
      `iris-${side}`,
      "transform",
      `translate(${f1(cx + lookX * 10)} ${f1(cy - 1 + lookY * 8)})`,
    );
    if (side === "l") this.geometry_.eyeOpenLeft = open;
    else this.geometry_.eyeOpenRight = open;
  }

  // dir: -1 for the brow on the viewer's left (the subject's right), +1 for the other.
  private drawBrow(side: "l" | "r", dir: number, innerUp: number, outerUp: number, down: number) {
    const inner = [CX + dir * (24 - down * 3), 176 - innerUp * 15 + down * 9];
    const mid = [CX + dir * 50, 162 - (innerUp * 0.5 + outerUp) * 11 + down * 6];
    const outer = [CX + dir * 78, 180 - outerUp * 13 + down * 3];
    this.set(
      `brow-${side}`,
      `M${pt(outer[0]!, outer[1]!)} Q${pt(mid[0]!, mid[1]!)} ${pt(inner[0]!, inner[1]!)}`,
    );
  }

  private drawMouth(w: Weights, jawDrop: number, jawX: number): void {
    const jaw = w.get("jawOpen");
    const close = w.get("mouthClose");
    const funnel = w.get("mouthFunnel");
    const pucker = w.get("mouthPucker");
    const press = (w.get("mouthPressLeft") + w.get("mouthPressRight")) / 2;
    const upperUp = (w.get("mouthUpperUpLeft") + w.get("mouthUpperUpRight")) / 2;
    const lowerDown = (w.get("mouthLowerDownLeft") + w.get("mouthLowerDownRight")) / 2;
    const round = clamp(funnel * 1.1 + pucker * 0.7);
    // mouthClose seals the lips against jawOpen; a sealed mouth ignores the lip raisers too.
    const seal = close > 0.02 ? clamp(close / Math.max(jaw, 0.01)) : 0;
    const extra = (upperUp * 9 + lowerDown * 11 + funnel * 10) * (1 - seal);
    const gap = Math.max(0, Math.max(0, jaw - close) * 78 + extra - pucker * 8 - press * 4);

    const cx = CX + (w.get("mouthLeft") - w.get("mouthRight")) * 12 + jawX * 0.6;
    const y0 = MOUTH_Y + jawDrop * 0.22;
    const upperInner = y0 - gap * 0.22 - upperUp * 3;
    const lowerInner = y0 + gap * 0.78;
    const corner = (s: "Left" | "Right", dir: number) => {
      const smile = w.get(`mouthSmile${s}`);
      const stretch = w.get(`mouthStretch${s}`);
      const dimple = w.get(`mouthDimple${s}`);
      const frown = w.get(`mouthFrown${s}`);
      const half =
        36 * (1 + 0.3 * smile + 0.22 * stretch + 0.1 * dimple - 0.4 * pucker - 0.3 * funnel);
      return {
        x: cx + dir * half,
        y: y0 + gap * 0.3 - 14 * smile + 9 * frown - 2 * dimple,
        half,
        smile,
        dimple,
      };
    };
    const r = corner("Right", -1); // Viewer's left.
    const l = corner("Left", 1);
    const half = (r.half + l.half) / 2;
    const dx = half * (0.55 - 0.42 * round);

    const upperInnerArc = arc(r.x, r.y, l.x, l.y, upperInner, dx);
    const lowerInnerArc = arc(l.x, l.y, r.x, r.y, lowerInner, dx);
    const inner = `M${pt(r.x, r.y)} ${upperInnerArc} ${lowerInnerArc} Z`;
    this.set("mouth-inner", inner);
    this.set("mouth-clip", inner);

    const upperT =
      10 * (1 - 0.55 * w.get("mouthRollUpper") - 0.35 * press) + 5 * pucker + 3 * funnel;
    const lowerT =
      12 * (1 - 0.55 * w.get("mouthRollLower") - 0.35 * press) +
      5 * pucker +
      3 * funnel +
      3 * w.get("mouthShrugLower") +
      8 * close; // Sealed lips stretch over a dropped jaw.
    const top = upperInner - upperT - w.get("mouthShrugUpper") * 2;
    const peak = 7 + 2 * (1 - round);
    this.set(
      "lip-upper",
      `M${pt(r.x, r.y)}
      C${pt(r.x + half * 0.35, r.y - upperT * 0.35)} ${pt(cx - peak - 8, top - 1)} ${pt(cx - peak, top)}
      Q${pt(cx, top + 4 * (1 - round))} ${pt(cx + peak, top)}
      C${pt(cx + peak + 8, top - 1)} ${pt(l.x - half * 0.35, l.y - upperT * 0.35)} ${pt(l.x, l.y)}
      ${arc(l.x, l.y, r.x, r.y, upperInner, dx)} Z`,
    );
    const bottom = lowerInner + lowerT;
    this.set(
      "lip-lower",
      `M${pt(r.x, r.y)} ${arc(r.x, r.y, l.x, l.y, lowerInner, dx)}
      ${arc(l.x, l.y, r.x, r.y, bottom, half * (0.3 - 0.2 * round))} Z`,
    );
    this.set(
      "lip-shine",
      `M${pt(cx - half * 0.3, bottom - lowerT * 0.45)}
      Q${pt(cx, bottom - lowerT * 0.25)} ${pt(cx + half * 0.3, bottom - lowerT * 0.45)}`,
    );

    this.attr("teeth-upper", "x", cx - 32);
    this.attr("teeth-upper", "y", upperInner - 4);
    this.attr("teeth-lower", "x", cx - 28);
    this.attr("teeth-lower", "y", lowerInner - 7);
    const tongueOut = w.get("tongueOut");
    this.attr("tongue", "cx", cx);
    this.attr("tongue", "cy", lowerInner + 3 - tongueOut * 5);
    this.attr("tongue", "ry", 10 + tongueOut * 5);

    for (const [c, side, dir] of [
      [r, "r", -1],
      [l, "l", 1],
    ] as const) {
      const x = c.x + dir * 6;
      this.set(
        `fold-${side}`,
        `M${pt(CX + dir * 22, 284)} Q${pt(CX + dir * 44, 300)} ${pt(x, c.y + 10)}`,
      );
      this.attr(`fold-${side}`, "opacity", clamp(c.smile * 1.6 + c.dimple * 0.8, 0, 0.8));
    }

    this.geometry_.lipGap = gap;
    this.geometry_.jawDrop = jawDrop;
    this.geometry_.mouthWidth = l.x - r.x;
    this.geometry_.roundness = round;
    this.parts.get("mouth")!.dataset["gap"] = f1(gap);
  }
}
