// SPDX-License-Identifier: Apache-2.0
// An open libsndfile decoder over a path or a memory buffer, with libsndfile's error codes turned
// into Status values a user can act on.
#ifndef VOXFACE_SRC_AUDIO_SNDFILE_READER_H_
#define VOXFACE_SRC_AUDIO_SNDFILE_READER_H_

#include <sndfile.h>

#include <cstddef>
#include <memory>
#include <string>

#include "voxface/audio.h"

namespace voxface {

class SndfileReader {
 public:
  static Result<std::unique_ptr<SndfileReader>> OpenFile(const std::string& path);
  // `data` must outlive the reader: libsndfile reads it lazily.
  static Result<std::unique_ptr<SndfileReader>> OpenMemory(const void* data, size_t size);
  ~SndfileReader();
  SndfileReader(const SndfileReader&) = delete;
  SndfileReader& operator=(const SndfileReader&) = delete;

  const SF_INFO& info() const { return info_; }
  AudioInfo Describe() const;
  // True when the header's frame count is meaningful (not a stream of unknown length).
  bool frames_known() const { return info_.frames > 0 && info_.frames < SF_COUNT_MAX; }
  // True for sample encodings whose frame count is exact, where a short read means truncation
  // rather than codec padding or an estimated length.
  bool exact_length() const;
  // True when libsndfile noticed the header promising more audio data than the file holds (a
  // download or recording cut short). libsndfile already trims the frame count, so without this
  // the loss would go unreported.
  bool header_overstates_data() const;

  // Reads up to `frames` interleaved frames; 0 at the end. Fails if libsndfile reports an error
  // before anything was read in this call.
  Result<size_t> Read(float* interleaved, size_t frames);

 private:
  // Memory input for SF_VIRTUAL_IO; kept here so it lives as long as the SNDFILE.
  struct MemoryFile {
    const unsigned char* data = nullptr;
    sf_count_t size = 0;
    sf_count_t pos = 0;
  };

  SndfileReader() = default;
  Status CheckInfo() const;

  SNDFILE* file_ = nullptr;
  SF_INFO info_{};
  MemoryFile memory_;
};

}  // namespace voxface

#endif  // VOXFACE_SRC_AUDIO_SNDFILE_READER_H_
