// SPDX-License-Identifier: Apache-2.0
// The 52 ARKit blendshape names in Apple's order: the column order of every track the server
// sends (include/voxface/arkit.h).

export const ARKIT_NAMES = [
  "eyeBlinkLeft",
  "eyeLookDownLeft",
  "eyeLookInLeft",
  "eyeLookOutLeft",
  "eyeLookUpLeft",
  "eyeSquintLeft",
  "eyeWideLeft",
  "eyeBlinkRight",
  "eyeLookDownRight",
  "eyeLookInRight",
  "eyeLookOutRight",
  "eyeLookUpRight",
  "eyeSquintRight",
  "eyeWideRight",
  "jawForward",
  "jawLeft",
  "jawRight",
  "jawOpen",
  "mouthClose",
  "mouthFunnel",
  "mouthPucker",
  "mouthLeft",
  "mouthRight",
  "mouthSmileLeft",
  "mouthSmileRight",
  "mouthFrownLeft",
  "mouthFrownRight",
  "mouthDimpleLeft",
  "mouthDimpleRight",
  "mouthStretchLeft",
  "mouthStretchRight",
  "mouthRollLower",
  "mouthRollUpper",
  "mouthShrugLower",
  "mouthShrugUpper",
  "mouthPressLeft",
  "mouthPressRight",
  "mouthLowerDownLeft",
  "mouthLowerDownRight",
  "mouthUpperUpLeft",
  "mouthUpperUpRight",
  "browDownLeft",
  "browDownRight",
  "browInnerUp",
  "browOuterUpLeft",
  "browOuterUpRight",
  "cheekPuff",
  "cheekSquintLeft",
  "cheekSquintRight",
  "noseSneerLeft",
  "noseSneerRight",
  "tongueOut",
] as const;

export type ArkitName = (typeof ARKIT_NAMES)[number];
export const ARKIT_COUNT = ARKIT_NAMES.length;

const INDEX = new Map<string, number>(ARKIT_NAMES.map((name, i) => [name, i]));

/** Column of a channel, or -1 for a name that is not an ARKit blendshape. */
export function arkitIndex(name: string): number {
  return INDEX.get(name) ?? -1;
}

/** One frame's weights in ARKIT_NAMES order, read by name. */
export class Weights {
  constructor(readonly values: Float32Array = new Float32Array(ARKIT_COUNT)) {}

  get(name: ArkitName): number {
    return this.values[INDEX.get(name)!]!;
  }
}
