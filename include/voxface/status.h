// SPDX-License-Identifier: Apache-2.0
// Status and Result<T>: how every public voxface call reports failure. No exception crosses the
// public API; a failed call returns a Status whose message says what was wrong and what to do.
#ifndef VOXFACE_STATUS_H_
#define VOXFACE_STATUS_H_

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace voxface {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // The caller passed something unusable (bad option, bad text).
  kNotFound,         // A file or model is missing.
  kUnsupported,      // A format or feature this build cannot handle.
  kCorruptData,      // Input exists but cannot be decoded (truncated, garbage, NaN).
  kOutOfRange,       // Input exceeds a configured limit (duration, size).
  kIoError,          // Reading or writing failed.
  kInternal,         // A dependency failed in a way the caller cannot fix.
};

// Returns "ok", "invalid argument", ... for messages and exit codes.
const char* StatusCodeName(StatusCode code);

class Status {
 public:
  Status() = default;  // OK.
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status CorruptData(std::string m) { return {StatusCode::kCorruptData, std::move(m)}; }
  static Status OutOfRange(std::string m) { return {StatusCode::kOutOfRange, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid argument: fps must be in (0, 1000], got 0".
  std::string ToString() const;

  // Prefixes the message with context ("reading a.wav: ..."), keeping the code.
  Status WithContext(const std::string& context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status saying why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT: implicit by design.
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(data_).ok() && "Result needs a value or an error");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  // REQUIRES: ok().
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace voxface

// Returns early with the Status of a failed expression.
#define VF_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::voxface::Status vf_status_ = (expr);   \
    if (!vf_status_.ok()) return vf_status_; \
  } while (0)

#define VF_CONCAT_INNER_(a, b) a##b
#define VF_CONCAT_(a, b) VF_CONCAT_INNER_(a, b)
// VF_ASSIGN_OR_RETURN(auto x, MakeX()); binds the value or returns the Status.
#define VF_ASSIGN_OR_RETURN(lhs, expr) \
  VF_ASSIGN_OR_RETURN_IMPL_(VF_CONCAT_(vf_result_, __LINE__), lhs, expr)
#define VF_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

#endif  // VOXFACE_STATUS_H_
