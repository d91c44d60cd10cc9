// SPDX-License-Identifier: Apache-2.0
#include "engine_cache.h"

#include <utility>

namespace voxface::server {

EngineCache::EngineCache(EngineConfig base, int capacity)
    : base_(std::move(base)), capacity_(capacity) {}

EngineKey EngineCache::DefaultKey() const {
  return EngineKey{base_.anim.fps_hz, base_.anim.seed, base_.anim.emotion};
}

EngineConfig EngineCache::ConfigFor(const EngineKey& key) const {
  EngineConfig config = base_;
  config.anim.fps_hz = key.fps_hz;
  config.anim.seed = key.seed;
  config.anim.emotion = key.emotion;
  return config;
}

Result<std::shared_ptr<const Engine>> EngineCache::Get(const EngineKey& key) {
  std::shared_future<EngineResult> future;
  std::promise<EngineResult> promise;
  bool create = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second.lru);
      future = it->second.engine;
    } else {
      create = true;
      future = promise.get_future().share();
      lru_.push_front(key);
      entries_.emplace(key, Entry{future, lru_.begin()});
      while (static_cast<int>(lru_.size()) > capacity_) {
        entries_.erase(lru_.back());
        lru_.pop_back();
      }
    }
  }
  if (create) {
    // Outside the lock: other keys stay usable while models load.
    auto engine = Engine::Create(ConfigFor(key));
    EngineResult result = engine.ok()
                              ? EngineResult(std::shared_ptr<const Engine>(std::move(*engine)))
                              : EngineResult(engine.status());
    promise.set_value(result);
    if (!result.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = entries_.find(key);
      // Only drop our own failed entry, not a newer one made after an eviction.
      if (it != entries_.end() && it->second.engine.valid() &&
          it->second.engine.wait_for(std::chrono::seconds(0)) == std::future_status::ready &&
          !it->second.engine.get().ok()) {
        lru_.erase(it->second.lru);
        entries_.erase(it);
      }
    }
    return result;
  }
  return future.get();
}

int EngineCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(lru_.size());
}

}  // namespace voxface::server
