// SPDX-License-Identifier: Apache-2.0
#include "analysis/phonetic_analyzer.h"

#include <algorithm>
#include <cmath>

#include "analysis/text_normalizer.h"

namespace voxface {

class PhoneticAnalyzer::Lease {
 public:
  Lease(const PhoneticAnalyzer* owner, std::unique_ptr<SphinxDecoder> d)
      : owner_(owner), d_(std::move(d)) {}
  Lease(Lease&&) = default;
  ~Lease() {
    if (d_) owner_->ReleaseDecoder(std::move(d_));
  }
  SphinxDecoder* get() const { return d_.get(); }

 private:
  const PhoneticAnalyzer* owner_;
  std::unique_ptr<SphinxDecoder> d_;
};

namespace {

std::vector<int16_t> ToPcm16(const std::vector<float>& x, size_t begin, size_t end) {
  std::vector<int16_t> pcm;
  pcm.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) {
    float v = std::clamp(x[i], -1.0f, 1.0f) * 32767.0f;
    pcm.push_back(static_cast<int16_t>(std::lrint(v)));
  }
  return pcm;
}

void Shift(double offset_s, Alignment* a) {
  for (auto& p : a->phones) p.start_s += offset_s, p.end_s += offset_s;
  for (auto& w : a->words) w.start_s += offset_s, w.end_s += offset_s;
}

// Energy in dB of each 10 ms frame.
std::vector<float> FrameEnergyDb(const std::vector<int16_t>& pcm) {
  std::vector<float> e(pcm.size() / 160);
  for (size_t f = 0; f < e.size(); ++f) {
    double sum = 0;
    for (size_t i = f * 160; i < (f + 1) * 160; ++i) sum += double(pcm[i]) * pcm[i];
    e[f] = static_cast<float>(10.0 * std::log10(sum / 160.0 / (32768.0 * 32768.0) + 1e-10));
  }
  return e;
}

}  // namespace

Result<std::unique_ptr<Analyzer>> CreateAnalyzer(const AnalyzerConfig& config) {
  VF_RETURN_IF_ERROR(config.Validate());
  if (config.name == "phonetic") {
    VF_ASSIGN_OR_RETURN(auto a, PhoneticAnalyzer::Create(config));
    return std::unique_ptr<Analyzer>(std::move(a));
  }
  return Status::InvalidArgument("unknown analyser '" + config.name + "'; available: phonetic");
}

Result<std::unique_ptr<PhoneticAnalyzer>> PhoneticAnalyzer::Create(const AnalyzerConfig& config) {
  std::string dir = config.model_dir.empty() ? VOXFACE_PS_MODEL_DIR : config.model_dir;
  VF_ASSIGN_OR_RETURN(SphinxModel model, SphinxModel::FromDir(dir));
  VF_ASSIGN_OR_RETURN(Pronouncer pron, Pronouncer::Load(model.dict_path));
  std::unique_ptr<PhoneticAnalyzer> a(
      new PhoneticAnalyzer(model, std::move(pron), config.max_parallel));
  // Load an aligner now so that a broken model folder fails here, not in the first Animate.
  VF_ASSIGN_OR_RETURN(Lease warm, a->AcquireDecoder(false));
  return a;
}

Result<PhoneticAnalyzer::Lease> PhoneticAnalyzer::AcquireDecoder(bool with_lm) const {
  std::unique_lock<std::mutex> lock(mu_);
  int& live = live_[with_lm ? 1 : 0];
  for (;;) {
    for (auto it = idle_.begin(); it != idle_.end(); ++it) {
      if ((*it)->has_lm() == with_lm) {
        auto d = std::move(*it);
        idle_.erase(it);
        return Lease(this, std::move(d));
      }
    }
    // A recogniser holds over 100 MB: past the cap, callers wait for one to come back.
    if (live < max_decoders_) break;
    released_.wait(lock);
  }
  ++live;
  lock.unlock();
  auto d = SphinxDecoder::Create(model_, with_lm);
  if (!d.ok()) {
    std::lock_guard<std::mutex> relock(mu_);
    --live;
    released_.notify_all();
    return d.status();
  }
  return Lease(this, std::move(d).value());
}

void PhoneticAnalyzer::ReleaseDecoder(std::unique_ptr<SphinxDecoder> d) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle_.push_back(std::move(d));
  }
  released_.notify_all();
}

std::vector<AlignWord> PhoneticAnalyzer::ToAlignWords(const std::vector<std::string>& words,
                                                      std::vector<std::string>* oov) const {
  std::vector<AlignWord> out;
  for (const auto& w : words) {
    AlignWord aw{w, pronouncer_.Lookup(w)};
    if (aw.prons.empty()) {
      Pronunciation guess = Pronouncer::LetterToSound(w);
      if (guess.empty()) continue;
      aw.prons.push_back(std::move(guess));
      if (oov) oov->push_back(w);
    }
    out.push_back(std::move(aw));
  }
  return out;
}

void PhoneticAnalyzer::FillDroppedWords(SphinxDecoder* aligner, const std::vector<int16_t>& pcm,
                                        Alignment* a) const {
  // The recogniser sometimes drops a word, and the aligner then calls that stretch silence. Where
  // a long "silence" is as loud as the speech around it, phone recognition fills it in.
  constexpr double kMinGapS = 0.2;
  std::vector<float> energy = FrameEnergyDb(pcm);
  if (energy.empty()) return;
  std::vector<float> speech;
  for (const auto& p : a->phones) {
    if (p.phone == "sil") continue;
    for (size_t f = static_cast<size_t>(p.start_s * 100);
         f < std::min(energy.size(), size_t(p.end_s * 100)); ++f) {
      speech.push_back(energy[f]);
    }
  }
  if (speech.size() < 20) return;
  std::nth_element(speech.begin(), speech.begin() + speech.size() / 2, speech.end());
  const float loud = speech[speech.size() / 2] - 12.0f;
  std::vector<PhoneSegment> out;
  for (const auto& p : a->phones) {
    if (p.phone != "sil" || p.end_s - p.start_s < kMinGapS) {
      out.push_back(p);
      continue;
    }
    size_t f0 = static_cast<size_t>(p.start_s * 100),
           f1 = std::min(energy.size(), size_t(p.end_s * 100));
    int loud_frames = 0;
    for (size_t f = f0; f < f1; ++f) loud_frames += energy[f] > loud;
    if (f1 <= f0 || loud_frames < 0.5 * (f1 - f0) || loud_frames < 10) {
      out.push_back(p);
      continue;
    }
    std::vector<int16_t> piece(pcm.begin() + f0 * 160, pcm.begin() + f1 * 160);
    auto phones = aligner->RecognizePhones(piece);
    if (!phones.ok()) {
      out.push_back(p);
      continue;
    }
    const double offset_s = f0 / 100.0;  // Where the piece starts (at or before p.start_s).
    for (auto q : *phones) {
      q.start_s = std::max(q.start_s + offset_s, p.start_s);
      q.end_s = std::min(q.end_s + offset_s, p.end_s);
      if (q.end_s > q.start_s) out.push_back(q);
    }
  }
  a->phones = std::move(out);
}

Result<Alignment> PhoneticAnalyzer::RecognizeChunk(SphinxDecoder* recognizer,
                                                   SphinxDecoder* aligner,
                                                   const std::vector<int16_t>& pcm) const {
  VF_ASSIGN_OR_RETURN(auto recognized, recognizer->Recognize(pcm));
  std::vector<std::string> names;
  for (const auto& w : recognized) names.push_back(w.word);
  auto words = ToAlignWords(names, nullptr);
  if (!words.empty()) {
    // Measured on the dev set: a low grammar weight for recognised words raised audio-only p/b/m
    // closure on the recorded prompts from 0.919 to 0.946.
    auto aligned = aligner->Align(pcm, words, SphinxDecoder::kRecognizedWeight);
    if (aligned.ok()) {
      FillDroppedWords(aligner, pcm, &aligned.value());
      return aligned;
    }
  }
  // Nothing recognised, or the recognised words would not align: phone recognition still gives
  // usable mouth shapes.
  VF_ASSIGN_OR_RETURN(auto phones, aligner->RecognizePhones(pcm));
  Alignment a;
  a.phones = std::move(phones);
  a.words = std::move(recognized);
  return a;
}

Result<Analysis> PhoneticAnalyzer::Analyze(const AnalyzerInput& input) const {
  if (input.audio == nullptr || input.audio->sample_rate_hz != 16000) {
    return Status::InvalidArgument("the phonetic analyser needs 16 kHz mono audio");
  }
  const Audio& audio = *input.audio;
  const double duration = audio.duration_s();
  Analysis out;
  out.analyzer = name();
  auto report = [&](double f) {
    if (input.progress) input.progress(f);
  };
  auto pcm_of = [&](const TimeSpan& s) {
    size_t b = static_cast<size_t>(std::max(0.0, s.start_s) * 16000);
    size_t e = std::min(audio.samples.size(), static_cast<size_t>(s.end_s * 16000));
    return ToPcm16(audio.samples, b, std::max(b, e));
  };
  if (input.speech_spans.empty()) {
    out.phones = CleanPhoneTrack({}, duration);
    out.warnings.push_back(input.text.empty()
                               ? "no speech found; the face rests"
                               : "no speech found, so the transcript was not used; the face rests");
    return out;
  }

  std::vector<Alignment> pieces;
  bool done = false;
  if (!input.text.empty()) {
    std::vector<std::string> oov;
    auto words = ToAlignWords(NormalizeTranscript(input.text), &oov);
    if (!oov.empty()) {
      std::string list;
      for (const auto& w : oov) list += (list.empty() ? "" : ", ") + w;
      out.warnings.push_back("words not in the dictionary were spelled by rule: " + list);
    }
    if (words.empty()) {
      out.warnings.push_back(
          "the transcript has no English words to align (only punctuation or another script); "
          "recognising speech instead");
    } else {
      // The transcript covers all the speech, so align it over the whole speech region.
      TimeSpan all{input.speech_spans.front().start_s, input.speech_spans.back().end_s};
      VF_ASSIGN_OR_RETURN(Lease lease, AcquireDecoder(false));
      auto aligned = lease.get()->Align(pcm_of(all), words);
      if (aligned.ok()) {
        Shift(all.start_s, &aligned.value());
        out.aligned_to_text = true;
        pieces.push_back(std::move(aligned).value());
        done = true;
      } else {
        out.warnings.push_back("the transcript could not be aligned to the audio (" +
                               aligned.status().message() + "); recognising speech instead");
      }
    }
  }
  if (!done) {
    auto chunks = GroupSpans(input.speech_spans, kMaxChunkS);
    VF_ASSIGN_OR_RETURN(Lease recognizer, AcquireDecoder(true));
    VF_ASSIGN_OR_RETURN(Lease aligner, AcquireDecoder(false));
    double total = 0.0, finished = 0.0;
    for (const auto& c : chunks) total += c.end_s - c.start_s;
    for (const auto& chunk : chunks) {
      VF_ASSIGN_OR_RETURN(Alignment a,
                          RecognizeChunk(recognizer.get(), aligner.get(), pcm_of(chunk)));
      Shift(chunk.start_s, &a);
      pieces.push_back(std::move(a));
      finished += chunk.end_s - chunk.start_s;
      report(total > 0 ? finished / total : 1.0);
    }
  }
  std::vector<PhoneSegment> phones;
  for (auto& p : pieces) {
    phones.insert(phones.end(), p.phones.begin(), p.phones.end());
    out.words.insert(out.words.end(), p.words.begin(), p.words.end());
  }
  out.phones = CleanPhoneTrack(std::move(phones), duration);
  report(1.0);
  return out;
}

std::vector<TimeSpan> GroupSpans(const std::vector<TimeSpan>& spans, double max_s) {
  std::vector<TimeSpan> out;
  for (const auto& s : spans) {
    if (!out.empty() && s.end_s - out.back().start_s <= max_s) {
      out.back().end_s = s.end_s;
      continue;
    }
    // A single span longer than max_s is cut into equal parts; rare (no pause for 25 s).
    int parts = std::max(1, static_cast<int>(std::ceil((s.end_s - s.start_s) / max_s)));
    double step = (s.end_s - s.start_s) / parts;
    for (int i = 0; i < parts; ++i)
      out.push_back({s.start_s + i * step, s.start_s + (i + 1) * step});
  }
  return out;
}

std::vector<PhoneSegment> CleanPhoneTrack(std::vector<PhoneSegment> phones, double duration_s) {
  std::stable_sort(phones.begin(), phones.end(),
                   [](const auto& a, const auto& b) { return a.start_s < b.start_s; });
  std::vector<PhoneSegment> out;
  double t = 0.0;
  auto push = [&](PhoneSegment p) {
    p.start_s = std::max(p.start_s, t);
    p.end_s = std::min(p.end_s, duration_s);
    if (p.end_s - p.start_s < 1e-6) return;
    if (!out.empty() && out.back().phone == "sil" && p.phone == "sil") {
      out.back().end_s = p.end_s;
    } else {
      out.push_back(p);
    }
    t = p.end_s;
  };
  for (auto& p : phones) {
    if (p.start_s > t + 1e-6) push({"sil", t, p.start_s, 1.0f});
    push(p);
  }
  if (t < duration_s - 1e-6) push({"sil", t, duration_s, 1.0f});
  return out;
}

}  // namespace voxface
