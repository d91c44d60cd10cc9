// SPDX-License-Identifier: Apache-2.0
#include "analysis/sphinx_decoder.h"

#include <pocketsphinx.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "base/phone_set.h"

namespace voxface {
namespace {

constexpr double kFrameS = 0.01;  // PocketSphinx's default 100 frames per second.
constexpr const char* kPhoneWordPrefix = "ph_";

std::string Upper(const std::string& s) {
  std::string u = s;
  for (auto& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return u;
}

}  // namespace

Result<SphinxModel> SphinxModel::FromDir(const std::string& dir) {
  namespace fs = std::filesystem;
  SphinxModel m;
  m.acoustic_dir = dir + "/en-us";
  m.lm_path = dir + "/en-us.lm.bin";
  m.phone_lm_path = dir + "/en-us-phone.lm.bin";
  m.dict_path = dir + "/cmudict-en-us.dict";
  for (const auto& p : {m.acoustic_dir, m.lm_path, m.phone_lm_path, m.dict_path}) {
    if (!fs::exists(p)) {
      return Status::NotFound("PocketSphinx model file '" + p +
                              "' is missing; install pocketsphinx-en-us "
                              "(scripts/install-deps.sh) or point model_dir at a copy");
    }
  }
  return m;
}

Result<std::unique_ptr<SphinxDecoder>> SphinxDecoder::Create(const SphinxModel& model,
                                                             bool with_lm) {
  // remove_silence must stay off: its VAD drops pauses and shifts every later timestamp.
  // Batch CMN is right because we always decode whole utterances.
  cmd_ln_t* config =
      cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", model.acoustic_dir.c_str(), "-dict",
                  model.dict_path.c_str(), "-remove_silence", "no", "-cmn", "batch", "-dither",
                  "yes", "-seed", "1", "-logfn", "/dev/null", nullptr);
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
  if (with_lm) return d;
  // Phones as dictionary words: a grammar of these is how this PocketSphinx version aligns.
  for (size_t i = 1; i < kPhones.size(); ++i) {
    std::string word = kPhoneWordPrefix + std::string(kPhones[i]);
    ps_add_word(ps, word.c_str(), Upper(std::string(kPhones[i])).c_str(), i + 1 == kPhones.size());
  }
  return d;
}

SphinxDecoder::~SphinxDecoder() {
  if (ps_) ps_free(ps_);
}

Status SphinxDecoder::Decode(const char* search, const std::vector<int16_t>& pcm) {
  if (ps_set_search(ps_, search) < 0) return Status::Internal("PocketSphinx search not found");
  if (ps_start_utt(ps_) < 0) return Status::Internal("PocketSphinx could not start decoding");
  // full_utt = TRUE: the whole utterance is here, so batch CMN sees all of it.
  int n = ps_process_raw(ps_, pcm.data(), pcm.size(), FALSE, TRUE);
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
                                       const std::vector<AlignWord>& words) {
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
  cmd_ln_t* config = ps_get_config(ps_);
  cmd_ln_set_float_r(config, "-beam", 1e-80);
  cmd_ln_set_float_r(config, "-pbeam", 1e-80);
  cmd_ln_set_float_r(config, "-wbeam", 1e-80);
  if (ps_set_jsgf_string(ps_, "align", jsgf.c_str()) < 0) {
    return Status::Internal("PocketSphinx rejected the alignment grammar");
  }
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
  // Recover word spans by walking the phones with each word's pronunciations.
  size_t i = 0;
  for (const auto& w : words) {
    while (i < out.phones.size() && out.phones[i].phone == "sil") ++i;
    size_t best_len = 0;
    for (const auto& pron : w.prons) {
      if (pron.size() <= best_len || i + pron.size() > out.phones.size()) continue;
      bool match = true;
      for (size_t k = 0; k < pron.size() && match; ++k) match = out.phones[i + k].phone == pron[k];
      if (match) best_len = pron.size();
    }
    if (best_len == 0) break;
    out.words.push_back({w.word, out.phones[i].start_s, out.phones[i + best_len - 1].end_s});
    i += best_len;
  }
  return out;
}

Result<std::vector<PhoneSegment>> SphinxDecoder::RecognizePhones(const std::vector<int16_t>& pcm) {
  if (has_lm_) return Status::Internal("phone recognition needs a decoder created without the LM");
  cmd_ln_t* config = ps_get_config(ps_);
  cmd_ln_set_float_r(config, "-beam", 1e-10);
  cmd_ln_set_float_r(config, "-pbeam", 1e-10);
  cmd_ln_set_float_r(config, "-lw", 2.0);
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
