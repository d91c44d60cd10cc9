#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Builds the sharded training corpus (training/README.md).

Stages (--stages, default all; each resumes: finished batches and tables are kept):
  inventory  eSpeak NG phoneme inventory and mnemonic -> IPA table per language
  synth      eSpeak NG (27 languages), Flite and Festival batches, to the hours asked for
  asterisk   recorded prompts: decoded, English force-aligned, others DTW-aligned
  pack       splits, padding, augmentation, log-mel features, labels, ARKit curves -> shards

Run with Debian's python3 and the voxface module on the path (PYTHONPATH=<build>/python); the
generators come from <build>/bin (cmake -DVOXFACE_BUILD_DEVSET_TOOLS=ON, the default).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voxtrain import asterisk, batches, dtw_align, pack, shards, synth, textgen  # noqa: E402
from voxtrain.labels import ArkitRenderer  # noqa: E402
from voxtrain.phones import REPO_ROOT  # noqa: E402

STAGES = ("inventory", "synth", "asterisk", "pack")
CHUNK = 250  # Utterances per synthesiser run (one batch).


def log(message: str) -> None:
    print(f"make_corpus: {message}", file=sys.stderr, flush=True)


def cpu_s() -> float:
    usage = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def batch_seconds(prefix: Path) -> float:
    tsv = prefix.with_name(prefix.name + ".tsv")
    if not tsv.is_file():
        return 0.0
    return sum(int(l.split("\t")[2]) for l in tsv.read_text(encoding="utf-8").splitlines()) / 16000


# --- Stages -------------------------------------------------------------------------------------

def stage_inventory(args: argparse.Namespace, langs: Sequence[textgen.Language]) -> None:
    folder = args.work / "inventory"
    folder.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        if (folder / f"{lang.code}.json").is_file():
            continue
        inventory, warnings = synth.discover_inventory(args.bin / "corpus_espeak", lang,
                                                       folder / "tmp", seed=args.seed)
        (folder / f"{lang.code}.json").write_text(inventory.to_json(), encoding="utf-8")
        synth.write_ipa_table(inventory, folder / f"{lang.code}.ipa.tsv")
        log(f"inventory {lang.code}: {len(inventory.vowels)} vowels, "
            f"{len(inventory.consonants)} consonants" + (f"; {len(warnings)} guessed IPA names"
                                                         if warnings else ""))


def _fill(prefix_base: Path, target_s: float, make_jobs, run) -> float:
    """Runs chunks k = 0, 1, ... until the batches hold target_s seconds; returns seconds."""
    total, k = 0.0, 0
    while total < target_s:
        prefix = prefix_base.with_name(f"{prefix_base.name}-{k:04d}")
        if not prefix.with_name(prefix.name + ".tsv").is_file():
            run(make_jobs(k), prefix)
        got = batch_seconds(prefix)
        if got == 0:
            raise RuntimeError(f"{prefix}: the generator produced no audio")
        total += got
        k += 1
    return total


def stage_synth(args: argparse.Namespace, langs: Sequence[textgen.Language]) -> None:
    out = args.work / "batches"
    inv_dir = args.work / "inventory"
    others = [l for l in langs if l.code != "en"]
    share = {l.code: (args.english_share if l.code == "en" else
                      (1 - args.english_share) / max(1, len(others))) for l in langs}
    if len(langs) == 1:
        share = {langs[0].code: 1.0}
    for lang in langs:
        target = args.espeak_hours * 3600 * share[lang.code]
        inventory = textgen.Inventory.from_json(
            (inv_dir / f"{lang.code}.json").read_text(encoding="utf-8"))
        extra = ["--ipa-table", str(inv_dir / f"{lang.code}.ipa.tsv")] if lang.ipa else []
        got = _fill(out / f"espeak-{lang.code}", target,
                    lambda k, lang=lang, inventory=inventory: synth.espeak_jobs(
                        lang, inventory, CHUNK, args.seed * 1000 + k, f"es-{lang.code}-{k:04d}"),
                    lambda jobs, prefix, extra=extra: synth.run_tool(
                        args.bin / "corpus_espeak", jobs, prefix, *extra))
        log(f"espeak {lang.code}: {got / 3600:.2f} h")
    if args.flite_hours > 0:
        voices = ["slt", "rms", "awb", "slt", "rms", "awb", "kal16", "kal"]
        got = _fill(out / "flite-en", args.flite_hours * 3600,
                    lambda k: synth.flite_jobs(voices, CHUNK // 2, args.seed * 1000 + k,
                                               f"fl-{k:04d}"),
                    lambda jobs, prefix: synth.run_tool(args.bin / "corpus_flite", jobs, prefix))
        log(f"flite: {got / 3600:.2f} h")
    if args.festival_hours > 0 and synth.festival_available():
        per_voice = args.festival_hours * 3600 / len(synth.FESTIVAL_VOICES)
        for voice in synth.FESTIVAL_VOICES:
            def run(jobs, prefix, voice=voice):
                synth.batches.write_jobs(prefix.with_name(prefix.name + ".jobs"), jobs)
                _, warnings = synth.run_festival(voice, jobs, prefix, _phone_set())
                for w in sorted(set(warnings))[:5]:
                    log(w)
            got = _fill(out / f"festival-{voice}", per_voice,
                        lambda k, voice=voice: synth.festival_jobs(
                            voice, CHUNK // 2, args.seed * 1000 + k, f"fe-{k:04d}"),
                        run)
            log(f"festival {voice}: {got / 3600:.2f} h")


def _phone_set() -> List[str]:
    from voxtrain import phones
    return list(phones.phone_set())


def stage_asterisk(args: argparse.Namespace) -> Dict[str, object]:
    out = args.work / "batches"
    report: Dict[str, object] = {}
    wav_dir = args.work / "asterisk-wav"
    wav_dir.mkdir(parents=True, exist_ok=True)
    for ps in asterisk.PROMPT_SETS:
        prefix = out / f"asterisk-{ps.lang}"
        if prefix.with_name(prefix.name + ".tsv").is_file():
            continue
        prompts = asterisk.eligible_prompts(ps)
        if not prompts:
            log(f"asterisk {ps.lang}: not installed (asterisk-core-sounds-{ps.lang}[-g722])")
            continue
        audio = {p.id: asterisk.decode_g722(p.path) for p in prompts}
        ids = {p.id: "ast-" + ps.lang + "-" + p.id.replace("/", "_") for p in prompts}
        aligned: Dict[str, list] = {}
        if ps.lang == "en":
            for p in prompts:
                wav = wav_dir / f"{ids[p.id]}.wav"
                asterisk.write_wav16(wav, audio[p.id])
                result = asterisk.force_align(args.bin / "voxface", wav, p.text)
                if result:
                    aligned[p.id] = result
        if ps.lang != "en" or args.validate_dtw:
            dtw, costs = _dtw_prompts(args, ps, prompts, audio)
            if ps.lang == "en":
                report["dtw_vs_forced_en"] = _compare(aligned, dtw)
            else:
                aligned = dtw
            report[f"dtw_cost_{ps.lang}"] = costs
        utterances = [batches.Utterance(ids[p.id], audio[p.id], aligned[p.id])
                      for p in prompts if p.id in aligned]
        batches.write_batch(prefix, utterances)
        batches.write_jobs(prefix.with_name(prefix.name + ".jobs"),
                           [(ids[p.id], ps.speaker, 0, -1, -1, p.text) for p in prompts
                            if p.id in aligned])
        log(f"asterisk {ps.lang}: {len(utterances)}/{len(prompts)} prompts aligned, "
            f"{sum(len(u.audio) for u in utterances) / 16000 / 60:.1f} min")
    if args.validate_dtw and (args.work / "batches" / "flite-en-0000.tsv").is_file():
        report["dtw_vs_truth_flite_slt"] = _validate_dtw_on_synthetic(args)
        log(f"DTW vs exact phones (Flite slt): {report['dtw_vs_truth_flite_slt']}")
    return report


def _validate_dtw_on_synthetic(args) -> Dict[str, float]:
    """DTW against exact phones: Flite slt utterances aligned from eSpeak renditions."""
    prefix = args.work / "batches" / "flite-en-0000"
    jobs = pack.read_jobs(prefix.with_name(prefix.name + ".jobs"))
    utts = [u for u in batches.read_batch(prefix) if jobs.get(u.id, ("",))[0] == "slt"][:60]
    prompts = [asterisk.Prompt(u.id, jobs[u.id][1], Path()) for u in utts]
    ps = asterisk.PromptSet("en", "", "slt", "en-us+f2")
    dtw, _ = _dtw_prompts(args, ps, prompts, {u.id: np.asarray(u.audio) for u in utts})
    return _compare({u.id: u.phones for u in utts}, dtw)


def _dtw_prompts(args, ps, prompts, audio):
    """DTW phones for prompts; drops the worst-matching 5% and implausible rate ratios."""
    table = args.work / "inventory" / f"{ps.lang}.ipa.tsv"
    extra = ["--ipa-table", str(table)] if ps.lang != "en" and table.is_file() else []
    tmp = args.work / "dtw" / ps.speaker
    jobs = [(f"p{i:04d}", ps.espeak_voice, 0, -1, -1, p.text) for i, p in enumerate(prompts)]
    synth.run_tool(args.bin / "corpus_espeak", jobs, tmp / f"{ps.lang}-pass1", *extra)
    first = {u.id: u for u in batches.read_batch(tmp / f"{ps.lang}-pass1")}
    # Second pass at the speaking rate of each recording (eSpeak's default is 175 wpm).
    rated = []
    for i, p in enumerate(prompts):
        u = first.get(f"p{i:04d}")
        if u is None:
            continue
        s0, s1 = dtw_align.speech_span(dtw_align.log_mel.log_mel(u.audio / 32768.0))
        r0, r1 = dtw_align.speech_span(dtw_align.log_mel.log_mel(audio[p.id] / 32768.0))
        wpm = int(min(400, max(80, 175 * (s1 - s0) / max(1, r1 - r0))))
        rated.append((f"p{i:04d}", ps.espeak_voice, wpm, -1, -1, p.text))
    synth.run_tool(args.bin / "corpus_espeak", rated, tmp / f"{ps.lang}-pass2", *extra)
    second = {u.id: u for u in batches.read_batch(tmp / f"{ps.lang}-pass2")}
    results, costs = {}, []
    for i, p in enumerate(prompts):
        u = second.get(f"p{i:04d}")
        if u is None:
            continue
        try:
            a = dtw_align.align(u.audio, u.phones, audio[p.id])
        except ValueError:
            continue
        if 0.67 <= a.real_speech_s / max(a.synth_speech_s, 1e-3) <= 1.5:
            results[p.id] = a
            costs.append(a.cost)
    if not costs:
        return {}, {}
    limit = float(sorted(costs)[int(0.95 * (len(costs) - 1))])
    kept = {k: a.phones for k, a in results.items() if a.cost <= limit}
    return kept, {"median": round(float(sorted(costs)[len(costs) // 2]), 3),
                  "p95_limit": round(limit, 3), "kept": len(kept), "prompts": len(prompts)}


def _compare(forced, dtw) -> Dict[str, float]:
    offsets, agree = [], []
    for k in sorted(set(forced) & set(dtw)):
        o, a = asterisk.compare_alignments(forced[k], dtw[k])
        offsets.append(o)
        agree.append(a)
    if not offsets:
        return {}
    return {"prompts": len(offsets), "median_boundary_offset_ms": round(1000 * float(
        sorted(offsets)[len(offsets) // 2]), 1), "viseme_frame_agreement": round(
        sum(agree) / len(agree), 3)}


def stage_pack(args: argparse.Namespace, report: Dict[str, object]) -> None:
    folder = args.work / "batches"
    forced = sorted("ast-en-" + n for n in asterisk.devset_prompt_names(REPO_ROOT))
    specs = []
    for tsv in sorted(folder.glob("*.tsv")):
        name = tsv.name[:-4]
        source, rest = name.split("-", 1)
        lang = "en" if source in ("flite", "festival") else rest.rsplit("-", 1)[0] \
            if source == "espeak" else rest
        real = source == "asterisk"
        specs.append(pack.BatchSpec(
            str(folder / name), source, lang,
            dev_permille=int(10 * (args.asterisk_dev_percent if real else args.dev_percent)),
            forced_dev=tuple(forced) if real and lang == "en" else (),
            pad_s=(0.0, 0.0) if real else (0.05, 0.6), augment_copies=args.augment_copies,
            store_audio=args.store_audio, seed=args.seed))
    writer = shards.CorpusWriter(args.out, ArkitRenderer().names)
    done = 0
    with multiprocessing.get_context("fork").Pool(args.workers) if args.workers > 1 else \
            _Serial() as pool:
        for entries in pool.imap(pack.pack_batch, specs):
            for e in entries:
                writer.add(e.record, e.feats, e.labels, e.arkit, e.audio)
            done += 1
            if done % 20 == 0 or done == len(specs):
                log(f"packed {done}/{len(specs)} batches")
    summary = writer.close({"seed": args.seed, "augment_copies": args.augment_copies,
                            "alignment": report, "command": " ".join(sys.argv)})
    _write_table(args.out, summary)


class _Serial:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def imap(self, fn, items):
        return map(fn, items)


def _write_table(out: Path, summary: Dict[str, object]) -> None:
    """summary.md: clean hours per source and language, train/dev, plus augmented hours."""
    table: Dict[tuple, Dict[str, float]] = {}
    for row in summary["hours"]:
        key = (row["source"], row["lang"])
        col = f"{row['split']}_{row['copy']}"
        table.setdefault(key, {})[col] = table.get(key, {}).get(col, 0) + row["hours"]
    lines = ["| source | language | train h | dev h | augmented h |", "|---|---|---:|---:|---:|"]
    totals = [0.0, 0.0, 0.0]
    for (source, lang), cols in sorted(table.items()):
        vals = [cols.get("train_clean", 0), cols.get("dev_clean", 0),
                cols.get("train_augmented", 0) + cols.get("dev_augmented", 0)]
        totals = [a + b for a, b in zip(totals, vals)]
        lines.append(f"| {source} | {lang} | {vals[0]:.2f} | {vals[1]:.2f} | {vals[2]:.2f} |")
    lines.append(f"| **total** | | **{totals[0]:.2f}** | **{totals[1]:.2f}** | "
                 f"**{totals[2]:.2f}** |")
    (out / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--out", type=Path, required=True, help="corpus folder (shards)")
    p.add_argument("--work", type=Path, help="intermediate batches (default OUT/../work-NAME)")
    p.add_argument("--build", type=Path, default=REPO_ROOT / "build", help="CMake build folder")
    p.add_argument("--stages", default=",".join(STAGES))
    p.add_argument("--languages", default="all", help="comma-separated codes, or all")
    p.add_argument("--espeak-hours", type=float, default=30.0)
    p.add_argument("--english-share", type=float, default=0.25)
    p.add_argument("--flite-hours", type=float, default=6.0)
    p.add_argument("--festival-hours", type=float, default=3.0)
    p.add_argument("--augment-copies", type=int, default=1)
    p.add_argument("--store-audio", choices=("clean", "all", "none"), default="clean")
    p.add_argument("--dev-percent", type=float, default=5.0)
    p.add_argument("--asterisk-dev-percent", type=float, default=10.0)
    p.add_argument("--validate-dtw", action="store_true",
                   help="also DTW-align the English prompts and compare with forced alignment")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    args.out = args.out.resolve()
    args.work = (args.work or args.out.parent / f"work-{args.out.name}").resolve()
    args.bin = args.build.resolve() / "bin"
    stages = args.stages.split(",")
    for s in stages:
        if s not in STAGES:
            p.error(f"unknown stage {s}")
    langs = list(textgen.LANGUAGES) if args.languages == "all" else \
        [textgen.language(c) for c in args.languages.split(",")]
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    timings: Dict[str, object] = {}
    report: Dict[str, object] = {}
    report_path = args.work / "report.json"
    if report_path.is_file():
        report = json.loads(report_path.read_text(encoding="utf-8"))
    for stage in STAGES:
        if stage not in stages:
            continue
        wall, cpu = time.time(), cpu_s()
        if stage == "inventory":
            stage_inventory(args, langs)
        elif stage == "synth":
            stage_synth(args, langs)
        elif stage == "asterisk":
            report.update(stage_asterisk(args))
        else:
            report["timings"] = {**report.get("timings", {}), **timings}
            stage_pack(args, report)
        timings[stage] = {"wall_s": round(time.time() - wall, 1), "cpu_s": round(cpu_s() - cpu, 1)}
        log(f"{stage}: {timings[stage]['wall_s']} s wall, {timings[stage]['cpu_s']} s CPU")
        report["timings"] = {**report.get("timings", {}), **timings}
        args.work.mkdir(parents=True, exist_ok=True)
        report_path.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
