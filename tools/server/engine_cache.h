// SPDX-License-Identifier: Apache-2.0
// Engines keyed by the per-request settings that live in EngineConfig (fps, seed, emotion).
// Creating an Engine loads models (about 0.5 s), so the few configurations in use are kept; the
// least recently used one is dropped beyond `capacity` (callers still holding it keep it alive).
#ifndef VOXFACE_TOOLS_SERVER_ENGINE_CACHE_H_
#define VOXFACE_TOOLS_SERVER_ENGINE_CACHE_H_

#include <cstdint>
#include <future>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "voxface/voxface.h"

namespace voxface::server {

// What a request may change relative to the server's default EngineConfig.
struct EngineKey {
  double fps_hz = 60.0;
  uint64_t seed = 0;
  std::map<std::string, float> emotion;

  auto operator<=>(const EngineKey&) const = default;
};

class EngineCache {
 public:
  EngineCache(EngineConfig base, int capacity);

  // The key of `base` itself (what a request without options gets).
  EngineKey DefaultKey() const;
  // The config a key stands for; Validate() it to reject bad request options.
  EngineConfig ConfigFor(const EngineKey& key) const;

  // Returns the cached engine or creates it. Concurrent callers of one key share one creation
  // (they wait on it); a failed creation is not cached, so it is retried next time.
  Result<std::shared_ptr<const Engine>> Get(const EngineKey& key);

  int size() const;

 private:
  using EngineResult = Result<std::shared_ptr<const Engine>>;
  struct Entry {
    std::shared_future<EngineResult> engine;
    std::list<EngineKey>::iterator lru;
  };

  const EngineConfig base_;
  const int capacity_;
  mutable std::mutex mu_;
  std::map<EngineKey, Entry> entries_;
  std::list<EngineKey> lru_;  // Most recently used first.
};

}  // namespace voxface::server

#endif  // VOXFACE_TOOLS_SERVER_ENGINE_CACHE_H_
