// SPDX-License-Identifier: Apache-2.0
#include "nn/kernel.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "nn/ops/ops.h"

namespace voxface::nn {

#ifdef VOXFACE_HAVE_CUDA
void RegisterCudaOps(OpRegistry& registry);  // nn/cuda/ops_host.cc
#endif
namespace {

std::string DeviceKey(Device device) { return device == Device::kHost ? "cpu" : "cuda"; }

std::string RegistryKey(const std::string& domain, const std::string& op_type, Device device) {
  return domain + "::" + op_type + "@" + DeviceKey(device);
}

}  // namespace

Tensor* KernelContext::OutputView(int index, int input_index, const Shape& shape) {
  const Tensor* in = input(input_index);
  if (in == nullptr) return nullptr;
  Tensor* out = Output(index, in->dtype(), shape);
  if (out != nullptr && out->raw() != nullptr && out->bytes() == in->bytes() && in->bytes() > 0) {
    std::memcpy(out->raw(), in->raw(), in->bytes());
  }
  return out;
}

const Attribute* Attributes::Find(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

int64_t Attributes::GetInt(const std::string& name, int64_t fallback) const {
  const Attribute* a = Find(name);
  if (a == nullptr) return fallback;
  if (a->type == Attribute::Type::kFloat) return static_cast<int64_t>(a->f);
  return a->type == Attribute::Type::kInt ? a->i : fallback;
}

float Attributes::GetFloat(const std::string& name, float fallback) const {
  const Attribute* a = Find(name);
  if (a == nullptr) return fallback;
  // Exporters sometimes write integral float attributes as ints (alpha=1).
  if (a->type == Attribute::Type::kInt) return static_cast<float>(a->i);
  return a->type == Attribute::Type::kFloat ? a->f : fallback;
}

std::string Attributes::GetString(const std::string& name, const std::string& fallback) const {
  const Attribute* a = Find(name);
  return a != nullptr && a->type == Attribute::Type::kString ? a->s : fallback;
}

std::vector<int64_t> Attributes::GetInts(const std::string& name,
                                         const std::vector<int64_t>& fallback) const {
  const Attribute* a = Find(name);
  if (a == nullptr) return fallback;
  if (a->type == Attribute::Type::kInts) return a->ints;
  if (a->type == Attribute::Type::kInt) return {a->i};
  return fallback;
}

std::vector<float> Attributes::GetFloats(const std::string& name,
                                         const std::vector<float>& fallback) const {
  const Attribute* a = Find(name);
  if (a == nullptr) return fallback;
  if (a->type == Attribute::Type::kFloats) return a->floats;
  if (a->type == Attribute::Type::kFloat) return {a->f};
  return fallback;
}

std::vector<std::string> Attributes::GetStrings(const std::string& name) const {
  const Attribute* a = Find(name);
  if (a == nullptr) return {};
  if (a->type == Attribute::Type::kStrings) return a->strings;
  if (a->type == Attribute::Type::kString) return {a->s};
  return {};
}

const Tensor* Attributes::GetTensor(const std::string& name) const {
  const Attribute* a = Find(name);
  return a != nullptr && a->type == Attribute::Type::kTensor ? &a->t : nullptr;
}

std::string NodeInfo::Describe() const {
  std::string op = domain.empty() ? op_type : domain + "." + op_type;
  return op + " node '" + name + "'";
}

void OpRegistry::Register(const std::string& op_type, int since_opset, KernelFactory factory,
                          Device device, const std::string& domain) {
  std::vector<Entry>& list = entries_[RegistryKey(domain, op_type, device)];
  auto same = std::find_if(list.begin(), list.end(),
                           [&](const Entry& e) { return e.since_opset == since_opset; });
  if (same != list.end()) {
    same->factory = std::move(factory);  // re-registration replaces (tests, overrides)
  } else {
    list.push_back({since_opset, std::move(factory)});
  }
  std::sort(list.begin(), list.end(),
            [](const Entry& a, const Entry& b) { return a.since_opset < b.since_opset; });
}

const KernelFactory* OpRegistry::Find(const std::string& op_type, int opset, Device device,
                                      const std::string& domain) const {
  auto it = entries_.find(RegistryKey(domain, op_type, device));
  if (it == entries_.end()) return nullptr;
  const KernelFactory* best = nullptr;
  for (const Entry& e : it->second) {
    if (e.since_opset <= opset) best = &e.factory;  // sorted: the last match is the newest
  }
  return best;
}

std::vector<std::string> OpRegistry::OpTypes(Device device) const {
  std::set<std::string> names;
  std::string suffix = "@";
  suffix += DeviceKey(device);  // not "@" + ...: GCC 12 warns falsely (-Wrestrict)
  for (const auto& [key, list] : entries_) {
    if (key.size() <= suffix.size() ||
        key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    size_t sep = key.find("::");
    std::string domain = key.substr(0, sep);
    std::string op = key.substr(sep + 2, key.size() - suffix.size() - sep - 2);
    names.insert(domain.empty() ? op : domain + "." + op);
  }
  return {names.begin(), names.end()};
}

const OpRegistry& OpRegistry::Default() {
  static const OpRegistry* registry = [] {
    auto* r = new OpRegistry();
    RegisterElementwiseOps(*r);
    RegisterShapeOps(*r);
    RegisterMatMulOps(*r);
    RegisterConvOps(*r);
    RegisterRnnOps(*r);
    RegisterNormOps(*r);
    RegisterReduceOps(*r);
    RegisterPoolOps(*r);
#ifdef VOXFACE_HAVE_CUDA
    RegisterCudaOps(*r);
#endif
    return r;
  }();
  return *registry;
}

Result<int> NormalizeAxis(int64_t axis, int rank, const NodeInfo& node) {
  if (axis < -rank || axis >= rank) {
    return Status::InvalidArgument(node.Describe() + ": axis " + std::to_string(axis) +
                                   " is out of range for rank " + std::to_string(rank));
  }
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

Result<Shape> BroadcastShapes(const Shape& a, const Shape& b) {
  size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == db || db == 1) {
      out[i] = da;
    } else if (da == 1) {
      out[i] = db;
    } else {
      return Status::InvalidArgument("shapes " + ShapeToString(a) + " and " + ShapeToString(b) +
                                     " cannot be broadcast together");
    }
  }
  return out;
}

}  // namespace voxface::nn
