// SPDX-License-Identifier: Apache-2.0
// Audio in the browser: decoding clips, PCM conversions, WAV encoding and microphone capture at
// the 16 kHz the server analyses (so streamed and uploaded audio are the same samples).

export const ANALYSIS_RATE = 16000;

/** Float samples in [-1, 1] as signed 16-bit little-endian PCM. */
export function floatToS16le(samples: Float32Array): ArrayBuffer {
  const out = new DataView(new ArrayBuffer(samples.length * 2));
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    out.setInt16(i * 2, Math.round(s < 0 ? s * 32768 : s * 32767), true);
  }
  return out.buffer;
}

/** A mono 16-bit WAV file, for uploading recordings to POST /v1/animate. */
export function encodeWav(samples: Float32Array, rate: number): Blob {
  const header = new DataView(new ArrayBuffer(44));
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) header.setUint8(at + i, s.charCodeAt(i));
  };
  const dataBytes = samples.length * 2;
  ascii(0, "RIFF");
  header.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  header.setUint32(16, 16, true);
  header.setUint16(20, 1, true); // PCM
  header.setUint16(22, 1, true); // mono
  header.setUint32(24, rate, true);
  header.setUint32(28, rate * 2, true);
  header.setUint16(32, 2, true);
  header.setUint16(34, 16, true);
  ascii(36, "data");
  header.setUint32(40, dataBytes, true);
  return new Blob([header.buffer, floatToS16le(samples)], { type: "audio/wav" });
}

/**
 * Decodes a clip to mono at 16 kHz. A 16 kHz file keeps its exact samples, so streaming them
 * gives the same frames as uploading the file.
 */
export async function decodeToAnalysisRate(bytes: ArrayBuffer): Promise<Float32Array> {
  const ctx = new OfflineAudioContext(1, 1, ANALYSIS_RATE);
  const buffer = await ctx.decodeAudioData(bytes.slice(0));
  return mixToMono(buffer);
}

export function mixToMono(buffer: AudioBuffer): Float32Array {
  if (buffer.numberOfChannels === 1) return buffer.getChannelData(0).slice();
  const out = new Float32Array(buffer.length);
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const data = buffer.getChannelData(c);
    for (let i = 0; i < out.length; i++) out[i]! += data[i]! / buffer.numberOfChannels;
  }
  return out;
}

export function bufferFromSamples(ctx: BaseAudioContext, samples: Float32Array, rate: number) {
  const buffer = ctx.createBuffer(1, Math.max(1, samples.length), rate);
  buffer.getChannelData(0).set(samples);
  return buffer;
}

/**
 * Streaming rate converter for microphones whose context cannot run at 16 kHz (Firefox): each
 * output sample averages the input over its own period (a box filter against aliasing), with
 * linear interpolation at the edges.
 */
export class Resampler {
  private readonly step: number;
  private pos = 0; // Position of the next output sample, in input samples.
  private tail = new Float32Array(0);

  constructor(inRate: number, outRate: number) {
    this.step = inRate / outRate;
  }

  push(input: Float32Array): Float32Array {
    const data = new Float32Array(this.tail.length + input.length);
    data.set(this.tail);
    data.set(input, this.tail.length);
    const out: number[] = [];
    const half = this.step / 2;
    while (this.pos + half + 1 < data.length) {
      const lo = Math.max(0, Math.ceil(this.pos - half));
      const hi = Math.floor(this.pos + half);
      let sum = 0;
      for (let i = lo; i <= hi; i++) sum += data[i]!;
      out.push(sum / Math.max(1, hi - lo + 1));
      this.pos += this.step;
    }
    const keep = Math.max(0, Math.floor(this.pos - half) - 1);
    this.tail = data.slice(keep);
    this.pos -= keep;
    return Float32Array.from(out);
  }
}

/** Microphone capture as 16 kHz mono chunks (about 64 ms each), through an AudioWorklet. */
export class MicCapture {
  /** RMS of the latest chunk, for a level meter. */
  level = 0;
  private readonly chunks: Float32Array[] = [];
  private length = 0;

  private constructor(
    private readonly stream: MediaStream,
    private readonly ctx: AudioContext,
  ) {}

  static async start(onChunk: (samples: Float32Array) => void): Promise<MicCapture> {
    if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
      throw new Error("the microphone needs a secure page: open it via https or localhost");
    }
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1 } });
    let ctx = new AudioContext({ sampleRate: ANALYSIS_RATE });
    let source: MediaStreamAudioSourceNode;
    let resampler: Resampler | null = null;
    try {
      source = ctx.createMediaStreamSource(stream);
    } catch {
      // Some browsers cannot connect a device to a context at another rate.
      void ctx.close();
      ctx = new AudioContext();
      source = ctx.createMediaStreamSource(stream);
      resampler = new Resampler(ctx.sampleRate, ANALYSIS_RATE);
    }
    const capture = new MicCapture(stream, ctx);
    await ctx.audioWorklet.addModule(new URL("capture-worklet.js", document.baseURI).href);
    const node = new AudioWorkletNode(ctx, "voxface-capture", {
      numberOfInputs: 1,
      numberOfOutputs: 0,
      channelCount: 1,
      channelCountMode: "explicit",
    });
    node.port.onmessage = (e: MessageEvent<Float32Array>) => {
      const samples = resampler ? resampler.push(e.data) : e.data;
      capture.append(samples);
      onChunk(samples);
    };
    source.connect(node);
    await ctx.resume();
    return capture;
  }

  get duration(): number {
    return this.length / ANALYSIS_RATE;
  }

  /** Stops the device; returns everything captured. */
  async stop(): Promise<Float32Array> {
    for (const track of this.stream.getTracks()) track.stop();
    await this.ctx.close();
    const all = new Float32Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.length;
    }
    return all;
  }

  private append(samples: Float32Array): void {
    this.chunks.push(samples);
    this.length += samples.length;
    let sum = 0;
    for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
    this.level = Math.sqrt(sum / Math.max(1, samples.length));
  }
}
