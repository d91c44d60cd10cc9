// SPDX-License-Identifier: Apache-2.0
#include "analysis/sphinx_decoder.h"

#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <sphinxbase/jsgf.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <set>

#include "base/phone_set.h"

namespace voxface {
namespace {

constexpr double kFrameS = 0.01;  // PocketSphinx's default 100 frames per second.
constexpr const char* kPhoneWordPrefix = "ph_";

// sphinxbase keeps process-wide state (the log stream, debug level) that ps_init touches, so
// decoders are created one at a time, and logging is switched off once for the whole process.
std::mutex& InitMutex() {
  static std::mutex mu;
  return mu;
}

void SilenceSphinxLogging() {
  static std::once_flag once;
  std::call_once(once, [] { err_set_logfp(nullptr); });
}

// Every search reads its parameters from the decoder's config when it is created, and each
// search type wants different ones; setting all of them before each search keeps results
// independent of what the decoder did before.
struct SearchParams {
  double beam, pbeam, wbeam, lw;
};
constexpr SearchParams kAlignParams = {1e-80, 1e-80, 1e-80, 6.5};
constexpr SearchParams kPhoneParams = {1e-10, 1e-10, 7e-29, 2.0};

void SetSearchParams(ps_decoder_t* ps, const SearchParams& p) {
  cmd_ln_t* config = ps_get_config(ps);
  cmd_ln_set_float_r(config, "-beam", p.beam);
  cmd_ln_set_float_r(config, "-pbeam", p.pbeam);
  cmd_ln_set_float_r(config, "-wbeam", p.wbeam);
  cmd_ln_set_float_r(config, "-lw", p.lw);
}

// 0.2 s of quiet, fixed noise.
const std::vector<int16_t>& Primer() {
  static const std::vector<int16_t> primer = [] {
    std::vector<int16_t> p(3200);
    uint32_t x = 12345;
    for (auto& v : p) {
      x = x * 1664525u + 1013904223u;
      v = static_cast<int16_t>(static_cast<int>(x >> 23) - 256);
    }
    return p;
  }();
  return primer;
}

std::string Upper(const std::string& s) {
  std::string u = s;
  for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

// Index just past a match of `pron` starting at phones[i], skipping silences the aligner put
// inside the word; 0 when it does not match.
size_t MatchPronunciation(const std::vector<PhoneSegment>& phones, size_t i,
                          const Pronunciation& pron) {
  size_t k = 0;
  for (; i < phones.size() && k < pron.size(); ++i) {
    if (phones[i].phone == "sil" && k > 0) continue;
    if (phones[i].phone != pron[k]) return 0;
    ++k;
  }
  return k == pron.size() ? i : 0;
}

}  // namespace

void RecoverWords(const std::vector<AlignWord>& words, Alignment* a) {
  // Each phone is its own grammar word, so the aligner may put a pause inside a word ("b sil ah
  // t"). Words are found by walking the phones with their pronunciations; a pause inside a word
  // goes to the phone before it, so the mouth does not relax mid-word.
  std::vector<PhoneSegment>& phones = a->phones;
  std::vector<bool> drop(phones.size(), false);
  size_t i = 0;
  for (const auto& w : words) {
    size_t start = 0, end = 0;
    const size_t before = i;
    // Resynchronise over up to two stray phones before giving up on a word.
    for (int skip = 0; skip < 3 && end == 0; ++skip) {
      while (i < phones.size() && phones[i].phone == "sil") ++i;
      for (const auto& pron : w.prons) end = std::max(end, MatchPronunciation(phones, i, pron));
      if (end == 0) {
        if (i >= phones.size()) break;
        if (skip < 2) ++i;
      } else {
        start = i;
      }
    }
    if (end == 0) {
      i = before;  // Leave the phones for the next word.
      continue;
    }
    for (size_t k = start + 1; k < end; ++k) {
      if (phones[k].phone != "sil") continue;
      size_t prev = k - 1;
      while (drop[prev]) --prev;
      phones[prev].end_s = phones[k].end_s;
      drop[k] = true;
    }
    a->words.push_back({w.word, phones[start].start_s, phones[end - 1].end_s});
    i = end;
  }
  std::vector<PhoneSegment> kept;
  for (size_t k = 0; k < phones.size(); ++k) {
    if (!drop[k]) kept.push_back(phones[k]);
  }
  phones = std::move(kept);
}

Result<SphinxModel> SphinxModel::FromDir(const std::string& dir) {
  namespace fs = std::filesystem;
  SphinxModel m;
  m.acoustic_dir = dir + "/en-us";
  m.lm_path = dir + "/en-us.lm.bin";
  m.phone_lm_path = dir + "/en-us-phone.lm.bin";
  m.dict_path = dir + "/cmudict-en-us.dict";
  for (const auto& p : {m.acoustic_dir, m.lm_path, m.phone_lm_path, m.dict_path}) {
    std::error_code ec;
    if (!fs::exists(p, ec)) {
      return Status::NotFound("PocketSphinx model file '" + p +
                              "' is missing; install pocketsphinx-en-us "
                              "(scripts/install-deps.sh) or point model_dir at a copy");
    }
  }
  return m;
}

Result<std::unique_ptr<SphinxDecoder>> SphinxDecoder::Create(const SphinxModel& model,
                                                             bool with_lm) {
  SilenceSphinxLogging();
  // sphinxbase touches process-wide state while loading; one decoder is created at a time.
  std::lock_guard<std::mutex> lock(InitMutex());
  // remove_silence must stay off: its VAD drops pauses and shifts every later timestamp.
  // Batch CMN is right because we always decode whole utterances. Dither stays off: it draws
  // from a process-wide random generator, so results would depend on earlier calls.
  cmd_ln_t* config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", model.acoustic_dir.c_str(),
                                 "-dict", model.dict_path.c_str(), "-remove_silence", "no", "-cmn",
                                 "batch", "-dither", "no", nullptr);
  if (config == nullptr) return Status::Internal("PocketSphinx rejected its configuration");
  if (with_lm) cmd_ln_set_str_r(config, "-lm", model.lm_path.c_str());
  ps_decoder_t* ps = ps_init(config);
  cmd_ln_free_r(config);
  if (ps == nullptr) {
    return Status::Internal("PocketSphinx could not load the model in '" + model.acoustic_dir +
                            "'; reinstall pocketsphinx-en-us");
  }
  std::unique_ptr<SphinxDecoder> d(new SphinxDecoder());
  d->ps_ = ps;
  d->has_lm_ = with_lm;
  d->phone_lm_path_ = model.phone_lm_path;
  if (!with_lm) {
    // Phones as dictionary words: a grammar of these is how this PocketSphinx version aligns.
    for (size_t i = 1; i < kPhones.size(); ++i) {
      std::string word = kPhoneWordPrefix + std::string(kPhones[i]);
      ps_add_word(ps, word.c_str(), Upper(std::string(kPhones[i])).c_str(),
                  i + 1 == kPhones.size());
    }
  }
  return d;
}

SphinxDecoder::~SphinxDecoder() {
  if (ps_) {
    std::lock_guard<std::mutex> lock(InitMutex());
    ps_free(ps_);
  }
}

Status SphinxDecoder::Decode(const char* search, const std::vector<int16_t>& pcm) {
  if (ps_set_search(ps_, search) < 0) return Status::Internal("PocketSphinx search not found");
  // The decoder carries state from one utterance into the next (the front end adapts), so the
  // same audio would decode differently depending on what came before. Decoding the same short
  // signal first makes that state identical for every utterance.
  if (ps_start_utt(ps_) < 0) return Status::Internal("PocketSphinx could not start decoding");
  ps_process_raw(ps_, Primer().data(), Primer().size(), FALSE, TRUE);
  ps_end_utt(ps_);
  if (ps_start_utt(ps_) < 0) return Status::Internal("PocketSphinx could not start decoding");
  // Digital silence (exact zeros, common in synthetic speech) has no defined log energy and
  // makes alignment fail, so a one-LSB dither is added, from a fixed seed so that the same audio
  // always decodes the same way (PocketSphinx's own -dither uses a process-wide generator).
  std::vector<int16_t> dithered(pcm);
  uint32_t x = 2463534242u;
  for (auto& v : dithered) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    int d = static_cast<int>(x % 3) - 1;  // -1, 0 or 1.
    v = static_cast<int16_t>(std::clamp(static_cast<int>(v) + d, -32768, 32767));
  }
  // full_utt = TRUE: the whole utterance is here, so batch CMN sees all of it.
  int n = ps_process_raw(ps_, dithered.data(), dithered.size(), FALSE, TRUE);
  int e = ps_end_utt(ps_);
  if (n < 0 || e < 0) return Status::Internal("PocketSphinx failed while decoding");
  return Status::Ok();
}

std::vector<WordSegment> SphinxDecoder::Segments() {
  std::vector<WordSegment> out;
  for (ps_seg_t* s = ps_seg_iter(ps_); s != nullptr; s = ps_seg_next(s)) {
    int sf = 0, ef = 0;
    ps_seg_frames(s, &sf, &ef);
    const char* w = ps_seg_word(s);
    out.push_back({w ? w : "", sf * kFrameS, (ef + 1) * kFrameS});
  }
  return out;
}

Result<std::vector<WordSegment>> SphinxDecoder::Recognize(const std::vector<int16_t>& pcm) {
  if (!has_lm_) return Status::Internal("decoder was created without a language model");
  VF_RETURN_IF_ERROR(Decode("_default", pcm));
  std::vector<WordSegment> words;
  for (auto& seg : Segments()) {
    std::string w = seg.word;
    if (w.empty() || w[0] == '<' || w[0] == '[' || w[0] == '+') continue;  // <s>, <sil>, [NOISE]
    if (auto p = w.find('('); p != std::string::npos && p > 0) w = w.substr(0, p);
    seg.word = w;
    words.push_back(seg);
  }
  return words;
}

Result<Alignment> SphinxDecoder::Align(const std::vector<int16_t>& pcm,
                                       const std::vector<AlignWord>& words,
                                       double language_weight) {
  if (has_lm_) return Status::Internal("alignment needs a decoder created without the LM");
  if (words.empty()) return Status::InvalidArgument("nothing to align");
  std::string jsgf = "#JSGF V1.0;\ngrammar align;\npublic <utt> =";
  for (const auto& w : words) {
    std::set<Pronunciation> unique(w.prons.begin(), w.prons.end());
    jsgf += " (";
    bool first = true;
    for (const auto& pron : unique) {
      if (!first) jsgf += " |";
      first = false;
      for (const auto& ph : pron) {
        jsgf += ' ';
        jsgf += kPhoneWordPrefix;
        jsgf += ph;
      }
    }
    jsgf += " )";
  }
  jsgf += " ;\n";
  // Alignment needs very wide beams: with the defaults most utterances end in "final result does
  // not match the grammar".
  SearchParams params = kAlignParams;
  params.lw = language_weight;
  SetSearchParams(ps_, params);
  // ps_set_jsgf_string would do these steps but never frees the parsed grammar (a leak per call).
  jsgf_t* grammar = jsgf_parse_string(jsgf.c_str(), nullptr);
  if (grammar == nullptr) return Status::Internal("PocketSphinx rejected the alignment grammar");
  fsg_model_t* fsg = jsgf_build_fsg(grammar, jsgf_get_public_rule(grammar), ps_get_logmath(ps_),
                                    static_cast<float32>(params.lw));
  int set = fsg ? ps_set_fsg(ps_, "align", fsg) : -1;
  if (fsg) fsg_model_free(fsg);  // The search keeps its own reference.
  jsgf_grammar_free(grammar);
  if (set < 0) return Status::Internal("PocketSphinx could not build the alignment search");
  VF_RETURN_IF_ERROR(Decode("align", pcm));
  if (ps_get_hyp(ps_, nullptr) == nullptr) {
    return Status::CorruptData("the speech does not match the transcript");
  }
  Alignment out;
  for (const auto& seg : Segments()) {
    std::string w = seg.word;
    std::string ph;
    if (w.rfind(kPhoneWordPrefix, 0) == 0) {
      ph = w.substr(3);
    } else {
      ph = "sil";  // <sil>, <s>, </s> and noise fillers.
    }
    if (!out.phones.empty() && ph == "sil" && out.phones.back().phone == "sil") {
      out.phones.back().end_s = seg.end_s;
    } else {
      out.phones.push_back({ph, seg.start_s, seg.end_s, 1.0f});
    }
  }
  if (out.phones.empty()) return Status::CorruptData("the aligner returned no phones");
  RecoverWords(words, &out);
  return out;
}

Result<std::vector<PhoneSegment>> SphinxDecoder::RecognizePhones(const std::vector<int16_t>& pcm) {
  if (has_lm_) return Status::Internal("phone recognition needs a decoder created without the LM");
  SetSearchParams(ps_, kPhoneParams);
  if (ps_set_allphone_file(ps_, "allphone", phone_lm_path_.c_str()) < 0) {
    return Status::Internal("PocketSphinx could not load the phone model '" + phone_lm_path_ + "'");
  }
  VF_RETURN_IF_ERROR(Decode("allphone", pcm));
  std::vector<PhoneSegment> phones;
  for (const auto& seg : Segments()) {
    std::string ph = NormalizePhone(seg.word);
    if (ph.empty()) ph = "sil";
    phones.push_back({ph, seg.start_s, seg.end_s, 0.5f});
  }
  return phones;
}

}  // namespace voxface
