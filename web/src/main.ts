// SPDX-License-Identifier: Apache-2.0
// The page: audio in (file, recording or live stream), the face and plot in sync with playback,
// downloads. window.voxface exposes the state and a few actions for tests and the console.

import "./styles.css";

import { type AnimateOptions, animate, ApiError, type ExportFormat, LiveStream } from "./api";
import { arkitIndex, Weights } from "./arkit";
import {
  ANALYSIS_RATE,
  bufferFromSamples,
  decodeToAnalysisRate,
  encodeWav,
  MicCapture,
} from "./audio";
import { ChannelPicker, Meters } from "./channels";
import { Face } from "./face";
import { Player } from "./player";
import { Plot } from "./plot";
import { frameRow, sampleTrack, type Track, trackFromJson } from "./track";

type Source = "upload" | "recording" | "stream";

interface Clip {
  name: string;
  /** The audio as uploaded, or the capture as WAV: what downloads send to the server. */
  audio: Blob;
  source: Source;
  options: AnimateOptions;
  /** Body of POST /v1/animate?format=json for `audio`, when already fetched. */
  json: string | null;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** What tests and the console read (window.voxface.state). */
const state = {
  status: "idle" as "idle" | "busy" | "ready" | "error",
  message: "",
  errorCode: "",
  source: "" as Source | "",
  clipName: "",
  fps: 0,
  numFrames: 0,
  duration: 0,
  time: 0,
  frame: 0,
  playing: false,
  processingMs: 0,
  streamChunks: 0,
  streamBytes: 0,
};

const face = new Face($("face"));
const plot = new Plot($("plot"));
const player = new Player();
const picker = new ChannelPicker($("chips"), $<HTMLSelectElement>("add-channel"));
const meters = new Meters($("meters"));
const current = new Weights();
let track: Track | null = null;
let clip: Clip | null = null;
let capture: {
  kind: "record" | "live";
  mic: MicCapture;
  stream: LiveStream | null;
  options: AnimateOptions;
  timer: number;
} | null = null;

picker.onChange = (channels) => plot.setChannels(channels);
plot.setChannels(picker.channels);

// ---- Status -------------------------------------------------------------------------------

function setStatus(status: typeof state.status, message = "", errorCode = ""): void {
  Object.assign(state, { status, message, errorCode });
  const el = $("status");
  el.textContent = message;
  el.dataset["kind"] = status;
  const busy = status === "busy";
  document.body.classList.toggle("busy", busy);
  for (const id of ["file-input", "tab-file", "tab-record", "tab-live"]) {
    ($(id) as HTMLInputElement).disabled = busy || capture !== null;
  }
  for (const kind of ["record", "live"]) {
    ($(`${kind}-btn`) as HTMLButtonElement).disabled =
      busy || (capture !== null && capture.kind !== kind);
  }
}

function fail(error: unknown): void {
  const e = error as Error;
  const code = error instanceof ApiError ? error.code : e?.name || "error";
  let message = e?.message ?? String(error);
  if (code === "unauthorized") {
    message += ". Enter the key under Options.";
    $<HTMLDetailsElement>("options").open = true;
  }
  setStatus("error", message, code);
}

function options(): AnimateOptions {
  const emotion = $<HTMLSelectElement>("opt-emotion").value;
  const strength = Number($<HTMLInputElement>("opt-strength").value);
  const key = $<HTMLInputElement>("opt-key").value.trim();
  const text = $<HTMLTextAreaElement>("transcript").value.trim();
  return {
    fps: Number($<HTMLSelectElement>("opt-fps").value),
    seed: Math.max(0, Math.floor(Number($<HTMLInputElement>("opt-seed").value) || 0)),
    ...(emotion ? { emotion: { [emotion]: strength } } : {}),
    ...(text ? { text } : {}),
    ...(key ? { apiKey: key } : {}),
  };
}

// ---- Showing a track ----------------------------------------------------------------------

function render(t: number): void {
  if (track) sampleTrack(track, t, current.values);
  face.update(current);
  meters.update(current);
  plot.setCursor(t);
  const duration = player.duration;
  const scrub = $<HTMLInputElement>("scrub");
  scrub.value = String(duration > 0 ? t / duration : 0);
  $("time").textContent = `${t.toFixed(2)} / ${duration.toFixed(2)} s`;
  state.time = t;
  state.frame = track ? Math.min(track.numFrames - 1, Math.round(t * track.fps)) : 0;
  state.playing = player.playing;
  $("play-btn").classList.toggle("playing", player.playing);
  $("play-btn").setAttribute("aria-label", player.playing ? "Pause" : "Play");
}

function loop(): void {
  player.tick();
  render(player.time());
  if (player.playing) requestAnimationFrame(loop);
}

async function play(): Promise<void> {
  await player.play();
  requestAnimationFrame(loop);
}

function pause(): void {
  player.pause();
  render(player.time());
}

function seek(t: number): void {
  player.seek(t);
  render(player.time());
  if (player.playing) requestAnimationFrame(loop);
}

player.onEnded = () => render(player.time());

/** Shows a new track for `newClip`, with `audio` (or none) for playback, and starts playing. */
async function show(newClip: Clip, newTrack: Track, audio: AudioBuffer | null, ms: number) {
  clip = newClip;
  track = newTrack;
  player.load(audio, newTrack.duration || newTrack.numFrames / newTrack.fps);
  plot.setTrack(newTrack);
  Object.assign(state, {
    source: newClip.source,
    clipName: newClip.name,
    fps: newTrack.fps,
    numFrames: newTrack.numFrames,
    duration: player.duration,
    processingMs: Math.round(ms),
  });
  $("clip-info").hidden = false;
  $("info-name").textContent = newClip.name;
  $("info-source").textContent = {
    upload: "file, POST /v1/animate",
    recording: "microphone, POST /v1/animate",
    stream: "WS /v1/stream",
  }[newClip.source];
  $("info-duration").textContent = `${player.duration.toFixed(2)} s`;
  $("info-frames").textContent = `${newTrack.numFrames} at ${newTrack.fps} fps`;
  $("info-time").textContent = `${(ms / 1000).toFixed(2)} s`;
  for (const id of ["play-btn", "scrub", "dl-json", "dl-csv"])
    ($(id) as HTMLButtonElement).disabled = false;
  const note = audio ? "" : "; this browser cannot play the audio, so the face moves silently";
  setStatus("ready", `Animated ${newTrack.numFrames} frames in ${(ms / 1000).toFixed(2)} s${note}`);
  render(0);
  await play();
}

async function decodeForPlayback(blob: Blob): Promise<AudioBuffer | null> {
  try {
    return await player.context().decodeAudioData(await blob.arrayBuffer());
  } catch {
    return null; // The server may still read it (libsndfile knows more formats).
  }
}

// ---- Sources -------------------------------------------------------------------------------

/** POSTs a clip and shows the result. */
async function upload(name: string, audio: Blob, source: Source, playback?: AudioBuffer | null) {
  pause();
  setStatus("busy", "Animating…");
  const opts = options();
  const started = performance.now();
  try {
    const [json, buffer] = await Promise.all([
      animate(audio, name, opts, "json"),
      playback === undefined ? decodeForPlayback(audio) : Promise.resolve(playback),
    ]);
    const ms = performance.now() - started;
    await show({ name, audio, source, options: opts, json }, trackFromJson(json), buffer, ms);
  } catch (e) {
    fail(e);
  }
}

const AUDIO_EXTENSIONS = /\.(wav|flac|ogg|oga|opus|mp3|m4a|aac|webm|aiff?)$/i;

async function handleFiles(files: FileList | File[]): Promise<void> {
  const list = [...files];
  const audio = list.find((f) => f.type.startsWith("audio/") || AUDIO_EXTENSIONS.test(f.name));
  const text = list.find((f) => /\.txt$/i.test(f.name));
  if (text) $<HTMLTextAreaElement>("transcript").value = (await text.text()).trim();
  if (!audio) {
    if (!text) fail(new Error("no audio file among the dropped files"));
    return;
  }
  await upload(audio.name, audio, "upload");
}

/** Streams 16 kHz mono PCM over WS /v1/stream in 100 ms chunks, as the microphone would. */
async function streamPcm(samples: Float32Array, name: string, audio?: Blob): Promise<void> {
  pause();
  setStatus("busy", "Streaming…");
  const opts = options();
  const started = performance.now();
  const stream = new LiveStream(opts);
  try {
    const step = ANALYSIS_RATE / 10;
    for (let i = 0; i < samples.length; i += step) stream.push(samples.subarray(i, i + step));
    const result = await stream.finish();
    Object.assign(state, { streamChunks: stream.chunksSent, streamBytes: stream.bytesSent });
    const wav = audio ?? encodeWav(samples, ANALYSIS_RATE);
    const buffer = bufferFromSamples(player.context(), samples, ANALYSIS_RATE);
    await show(
      { name, audio: wav, source: "stream", options: opts, json: null },
      result,
      buffer,
      performance.now() - started,
    );
  } catch (e) {
    fail(e);
  }
}

function showCaptureProgress(kind: "record" | "live"): void {
  if (!capture) return;
  $(`${kind}-time`).textContent = `${capture.mic.duration.toFixed(1)} s`;
  $(`${kind}-meter`).style.width = `${Math.min(100, capture.mic.level * 400).toFixed(0)}%`;
  if (capture.stream) {
    $("live-sent").textContent =
      `${capture.stream.chunksSent} chunks, ${(capture.stream.bytesSent / 1024).toFixed(0)} KiB sent`;
  }
}

async function startCapture(kind: "record" | "live"): Promise<void> {
  pause();
  const opts = options();
  const stream = kind === "live" ? new LiveStream(opts) : null;
  try {
    const mic = await MicCapture.start((chunk) => stream?.push(chunk));
    const timer = window.setInterval(() => showCaptureProgress(kind), 100);
    capture = { kind, mic, stream, options: opts, timer };
  } catch (e) {
    stream?.close();
    return fail(e);
  }
  if (stream) {
    stream.onError = (e) => {
      void stopCapture(kind, true);
      fail(e);
    };
  }
  $(`${kind}-btn`).classList.add("active");
  $(`${kind}-btn`).querySelector(".label")!.textContent = "Stop";
  setStatus("idle", kind === "live" ? "Streaming from the microphone…" : "Recording…");
}

async function stopCapture(kind: "record" | "live", cancelled = false): Promise<void> {
  if (!capture) return;
  const { mic, stream, timer, options: opts } = capture;
  capture = null;
  window.clearInterval(timer);
  $(`${kind}-btn`).classList.remove("active");
  $(`${kind}-btn`).querySelector(".label")!.textContent =
    kind === "live" ? "Stream live" : "Record";
  const samples = await mic.stop();
  if (cancelled) return;
  const clock = new Date().toISOString().slice(11, 19);
  const name = `${kind === "live" ? "stream" : "recording"}-${clock}.wav`;
  const wav = encodeWav(samples, ANALYSIS_RATE);
  const buffer = bufferFromSamples(player.context(), samples, ANALYSIS_RATE);
  if (!stream) return upload(name, wav, "recording", buffer);
  setStatus("busy", "Animating the stream…");
  const started = performance.now();
  try {
    const result = await stream.finish();
    Object.assign(state, { streamChunks: stream.chunksSent, streamBytes: stream.bytesSent });
    await show(
      { name, audio: wav, source: "stream", options: opts, json: null },
      result,
      buffer,
      performance.now() - started,
    );
  } catch (e) {
    fail(e);
  }
}

// ---- Downloads -----------------------------------------------------------------------------

async function download(format: ExportFormat): Promise<void> {
  if (!clip) return;
  try {
    let body = format === "json" ? clip.json : null;
    if (body === null) {
      setStatus("busy", `Fetching ${format.toUpperCase()}…`);
      body = await animate(clip.audio, clip.name, clip.options, format);
      if (format === "json") clip.json = body;
      setStatus("ready", `${format.toUpperCase()} ready`);
    }
    const type = format === "json" ? "application/json" : "text/csv";
    const url = URL.createObjectURL(new Blob([body], { type }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${clip.name.replace(/\.[^.]+$/, "")}.${format}`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (e) {
    fail(e);
  }
}

// ---- Wiring --------------------------------------------------------------------------------

function selectTab(name: string): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>("[role=tab]")) {
    const on = tab.dataset["tab"] === name;
    tab.setAttribute("aria-selected", String(on));
    $(`pane-${tab.dataset["tab"]}`).hidden = !on;
  }
}

function wire(): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>("[role=tab]")) {
    tab.addEventListener("click", () => selectTab(tab.dataset["tab"]!));
  }
  const input = $<HTMLInputElement>("file-input");
  input.addEventListener("change", () => {
    if (input.files?.length) void handleFiles(input.files);
    input.value = "";
  });
  const zone = $("dropzone");
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (e) => {
      e.preventDefault();
      zone.classList.add("over");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    zone.classList.remove("over");
    if (e.dataTransfer?.files.length) void handleFiles(e.dataTransfer.files);
  });
  for (const kind of ["record", "live"] as const) {
    $(`${kind}-btn`).addEventListener(
      "click",
      () => void (capture ? stopCapture(kind) : startCapture(kind)),
    );
  }
  $("play-btn").addEventListener("click", () => void (player.playing ? pause() : play()));
  $("scrub").addEventListener("input", (e) =>
    seek(Number((e.target as HTMLInputElement).value) * player.duration),
  );
  plot.onSeek = seek;
  $("dl-json").addEventListener("click", () => void download("json"));
  $("dl-csv").addEventListener("click", () => void download("csv"));
  const strength = $<HTMLInputElement>("opt-strength");
  strength.addEventListener("input", () => ($("opt-strength-out").textContent = strength.value));
  $("options-form").addEventListener("submit", (e) => e.preventDefault());
  const key = $<HTMLInputElement>("opt-key");
  key.value = sessionStorage.getItem("voxface.apiKey") ?? "";
  key.addEventListener("change", () => sessionStorage.setItem("voxface.apiKey", key.value.trim()));
  document.addEventListener("keydown", (e) => {
    const target = e.target as HTMLElement;
    if (e.key !== " " || !track || target.closest("input, textarea, select, button")) return;
    e.preventDefault();
    void (player.playing ? pause() : play());
  });
}

async function watchServer(): Promise<void> {
  const el = $("server-state");
  try {
    const res = await fetch("/readyz", { cache: "no-store" });
    el.dataset["state"] = res.ok ? "ready" : "loading";
    $("server-state-text").textContent = res.ok ? "Server ready" : "Loading models…";
    setTimeout(() => void watchServer(), res.ok ? 15_000 : 1_000);
  } catch {
    el.dataset["state"] = "offline";
    $("server-state-text").textContent = "Server unreachable";
    setTimeout(() => void watchServer(), 3_000);
  }
}

wire();
render(0);
void watchServer();

declare global {
  interface Window {
    voxface: unknown;
  }
}

window.voxface = {
  state,
  play,
  pause,
  seek,
  /** The face's current mouth and eye geometry (view-box px). */
  faceGeometry: () => face.geometry,
  /** Draws a pose given by name ({jawOpen: 0.4, eyeBlinkLeft: 1}), pausing playback. */
  pose: (weights: Record<string, number>) => {
    pause();
    const pose = new Weights();
    for (const [name, v] of Object.entries(weights)) pose.values[arkitIndex(name)] = v;
    face.update(pose);
    meters.update(pose);
    return face.geometry;
  },
  /** Frame `i` of the current track: 52 weights in ARKit order. */
  frameWeights: (i: number) => (track ? frameRow(track, i) : null),
  /** Streams PCM (16 kHz mono floats) through WS /v1/stream, as the live microphone does. */
  streamPcm: (samples: Float32Array | number[], name = "pcm") =>
    streamPcm(Float32Array.from(samples), name),
  /** Decodes the current clip to 16 kHz and streams it through WS /v1/stream. */
  streamCurrentClip: async () => {
    if (!clip) throw new Error("no clip loaded");
    const samples = await decodeToAnalysisRate(await clip.audio.arrayBuffer());
    await streamPcm(samples, clip.name, clip.audio);
  },
};
