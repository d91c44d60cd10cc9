// SPDX-License-Identifier: Apache-2.0
// AudioWorklet processor (its own bundle, capture-worklet.js): forwards the microphone's samples
// to the page in batches, so the main thread gets ~16 messages a second instead of 125.

declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(name: string, ctor: new () => AudioWorkletProcessor): void;

const BATCH = 1024;

class CaptureProcessor extends AudioWorkletProcessor {
  private buffer = new Float32Array(BATCH);
  private filled = 0;

  process(inputs: Float32Array[][]): boolean {
    const samples = inputs[0]?.[0];
    if (!samples) return true;
    let from = 0;
    while (from < samples.length) {
      const n = Math.min(samples.length - from, BATCH - this.filled);
      this.buffer.set(samples.subarray(from, from + n), this.filled);
      this.filled += n;
      from += n;
      if (this.filled === BATCH) {
        this.port.postMessage(this.buffer, [this.buffer.buffer]);
        this.buffer = new Float32Array(BATCH);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor("voxface-capture", CaptureProcessor);

export {};
