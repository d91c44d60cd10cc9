// SPDX-License-Identifier: Apache-2.0
#include "nn/onnx_loader.h"

#include <onnx/onnx_pb.h>

#include <climits>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nn/half.h"

namespace voxface::nn {
namespace {

namespace fs = std::filesystem;

// Protobuf stores numbers little-endian; every platform we build for is little-endian too, so raw
// data is copied as is.
static_assert(sizeof(float) == 4 && sizeof(double) == 8);

std::string NormalizeDomain(const std::string& domain) {
  return domain == "ai.onnx" ? std::string() : domain;
}

std::string TensorLabel(const onnx::TensorProto& p) {
  return p.name().empty() ? std::string("tensor") : "tensor '" + p.name() + "'";
}

// Reads `expected` bytes of external data into `out`, refusing paths that leave `base_dir`.
Status ReadExternalData(const onnx::TensorProto& p, const std::string& base_dir, size_t expected,
                        void* out) {
  std::string location;
  int64_t offset = 0;
  int64_t length = -1;
  for (const auto& kv : p.external_data()) {
    try {
      if (kv.key() == "location") location = kv.value();
      if (kv.key() == "offset") offset = std::stoll(kv.value());
      if (kv.key() == "length") length = std::stoll(kv.value());
    } catch (const std::exception&) {
      return Status::CorruptData(TensorLabel(p) + ": external data " + kv.key() + " '" +
                                 kv.value() + "' is not a number");
    }
  }
  if (location.empty()) {
    return Status::CorruptData(TensorLabel(p) + " is stored externally but names no location");
  }
  if (base_dir.empty()) {
    return Status::InvalidArgument(TensorLabel(p) + " is stored in external file '" + location +
                                   "': load the model from its file (Session::Load) or pass its "
                                   "folder as base_dir");
  }
  std::error_code ec;
  fs::path base = fs::weakly_canonical(fs::path(base_dir), ec);
  fs::path full = fs::weakly_canonical(base / fs::path(location), ec);
  fs::path rel = full.lexically_relative(base);
  if (ec || fs::path(location).is_absolute() || rel.empty() || *rel.begin() == "..") {
    return Status::InvalidArgument(TensorLabel(p) + ": external data path '" + location +
                                   "' leaves the model folder '" + base_dir +
                                   "'; external files must lie inside it");
  }
  if (length >= 0 && static_cast<size_t>(length) != expected) {
    return Status::CorruptData(TensorLabel(p) + ": external data length " + std::to_string(length) +
                               " does not match its shape (" + std::to_string(expected) +
                               " bytes)");
  }
  if (offset < 0) return Status::CorruptData(TensorLabel(p) + ": negative external data offset");
  std::ifstream in(full, std::ios::binary);
  if (!in) {
    return Status::NotFound(TensorLabel(p) + ": cannot open external data file '" + full.string() +
                            "'");
  }
  in.seekg(offset);
  in.read(static_cast<char*>(out), static_cast<std::streamsize>(expected));
  if (!in || static_cast<size_t>(in.gcount()) != expected) {
    return Status::CorruptData(TensorLabel(p) + ": external data file '" + full.string() +
                               "' is shorter than offset " + std::to_string(offset) + " + " +
                               std::to_string(expected) + " bytes");
  }
  return Status::Ok();
}

template <typename Dst, typename Field>
Status CopyTypedField(const onnx::TensorProto& p, const Field& field, int64_t n, Dst* out) {
  if (static_cast<int64_t>(field.size()) != n) {
    return Status::CorruptData(TensorLabel(p) + " holds " + std::to_string(field.size()) +
                               " values but its shape needs " + std::to_string(n));
  }
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<Dst>(field[static_cast<int>(i)]);
  return Status::Ok();
}

Result<Tensor> TensorFromProto(const onnx::TensorProto& p, const std::string& base_dir,
                               bool keep_float16) {
  if (p.has_segment()) {
    return Status::Unsupported(TensorLabel(p) + " is segmented, which voxface nn does not read");
  }
  Result<DataType> type_or = DataTypeFromOnnx(p.data_type());
  if (!type_or.ok()) return type_or.status().WithContext(TensorLabel(p));
  DataType type = *type_or;
  Shape shape;
  for (int64_t d : p.dims()) {
    if (d < 0 || d > (int64_t{1} << 40)) {
      return Status::CorruptData(TensorLabel(p) + " has an invalid dimension " + std::to_string(d));
    }
    shape.push_back(d);
  }
  const int64_t n = NumElements(shape);
  if (n > (int64_t{1} << 40)) return Status::CorruptData(TensorLabel(p) + " is too large");
  Tensor t = Tensor::Zeros(type, shape);
  if (t.raw() == nullptr) {
    return Status::OutOfRange(TensorLabel(p) + ": cannot allocate " + std::to_string(t.bytes()) +
                              " bytes");
  }
  if (p.data_location() == onnx::TensorProto::EXTERNAL) {
    VF_RETURN_IF_ERROR(ReadExternalData(p, base_dir, t.bytes(), t.raw()));
  } else if (p.has_raw_data()) {
    if (p.raw_data().size() != t.bytes()) {
      return Status::CorruptData(TensorLabel(p) + " has " + std::to_string(p.raw_data().size()) +
                                 " bytes of raw data but " + std::string(DataTypeName(type)) + " " +
                                 ShapeToString(shape) + " needs " + std::to_string(t.bytes()));
    }
    if (t.bytes() > 0) std::memcpy(t.raw(), p.raw_data().data(), t.bytes());
  } else {
    switch (type) {
      case DataType::kFloat32:
        VF_RETURN_IF_ERROR(CopyTypedField(p, p.float_data(), n, t.data<float>()));
        break;
      case DataType::kDouble:
        VF_RETURN_IF_ERROR(CopyTypedField(p, p.double_data(), n, t.data<double>()));
        break;
      case DataType::kInt64:
        VF_RETURN_IF_ERROR(CopyTypedField(p, p.int64_data(), n, t.data<int64_t>()));
        break;
      case DataType::kInt32:
        VF_RETURN_IF_ERROR(CopyTypedField(p, p.int32_data(), n, t.data<int32_t>()));
        break;
      case DataType::kInt8:
        VF_RETURN_IF_ERROR(CopyTypedField(p, p.int32_data(), n, t.data<int8_t>()));
        break;
      case DataType::kUint8:
        VF_RETURN_IF_ERROR(CopyTypedField(p, p.int32_data(), n, t.data<uint8_t>()));
        break;
      case DataType::kBool:
        VF_RETURN_IF_ERROR(CopyTypedField(p, p.int32_data(), n, static_cast<uint8_t*>(t.raw())));
        break;
      case DataType::kFloat16:  // the 16 bits of each value sit in an int32
        VF_RETURN_IF_ERROR(CopyTypedField(p, p.int32_data(), n, static_cast<uint16_t*>(t.raw())));
        break;
    }
  }
  if (type == DataType::kFloat16 && !keep_float16) {
    Tensor f = Tensor::Zeros(DataType::kFloat32, shape);
    const auto* h = static_cast<const uint16_t*>(t.raw());
    float* out = f.data<float>();
    for (int64_t i = 0; i < n; ++i) out[i] = HalfToFloat(h[i]);
    return f;
  }
  return t;
}

Result<Attribute> ConvertAttribute(const onnx::AttributeProto& a, const std::string& base_dir) {
  Attribute out;
  auto type = a.type();
  if (type == onnx::AttributeProto::UNDEFINED) {
    // IR version 1 models leave the type out; the set field tells it.
    if (a.has_f()) type = onnx::AttributeProto::FLOAT;
    if (a.has_i()) type = onnx::AttributeProto::INT;
    if (a.has_s()) type = onnx::AttributeProto::STRING;
    if (a.has_t()) type = onnx::AttributeProto::TENSOR;
    if (a.has_g()) type = onnx::AttributeProto::GRAPH;
    if (a.floats_size() > 0) type = onnx::AttributeProto::FLOATS;
    if (a.ints_size() > 0) type = onnx::AttributeProto::INTS;
    if (a.strings_size() > 0) type = onnx::AttributeProto::STRINGS;
  }
  switch (type) {
    case onnx::AttributeProto::FLOAT:
      out.type = Attribute::Type::kFloat;
      out.f = a.f();
      break;
    case onnx::AttributeProto::INT:
      out.type = Attribute::Type::kInt;
      out.i = a.i();
      break;
    case onnx::AttributeProto::STRING:
      out.type = Attribute::Type::kString;
      out.s = a.s();
      break;
    case onnx::AttributeProto::TENSOR: {
      out.type = Attribute::Type::kTensor;
      VF_ASSIGN_OR_RETURN(out.t, TensorFromProto(a.t(), base_dir, /*keep_float16=*/false));
      break;
    }
    case onnx::AttributeProto::FLOATS:
      out.type = Attribute::Type::kFloats;
      out.floats.assign(a.floats().begin(), a.floats().end());
      break;
    case onnx::AttributeProto::INTS:
      out.type = Attribute::Type::kInts;
      out.ints.assign(a.ints().begin(), a.ints().end());
      break;
    case onnx::AttributeProto::STRINGS:
      out.type = Attribute::Type::kStrings;
      out.strings.assign(a.strings().begin(), a.strings().end());
      break;
    default:
      // Graphs (If, Loop, Scan bodies) and rarer kinds: recorded so the op is seen, not read.
      out.type = Attribute::Type::kGraph;
      break;
  }
  return out;
}

// A Constant node's value as a tensor.
Result<Tensor> ConstantValue(const GraphNode& node) {
  const Attributes& attrs = node.attrs;
  if (const Tensor* t = attrs.GetTensor("value")) return *t;
  if (const Attribute* a = attrs.Find("value_float")) return Tensor::Scalar<float>(a->f);
  if (const Attribute* a = attrs.Find("value_int")) return Tensor::Scalar<int64_t>(a->i);
  if (const Attribute* a = attrs.Find("value_floats")) {
    return Tensor::FromVector<float>({static_cast<int64_t>(a->floats.size())}, a->floats);
  }
  if (const Attribute* a = attrs.Find("value_ints")) {
    return Tensor::FromVector<int64_t>({static_cast<int64_t>(a->ints.size())}, a->ints);
  }
  return Status::Unsupported("Constant node '" + node.name +
                             "' has no tensor, float or int value (string and sparse constants "
                             "are not supported)");
}

Status ReadValueInfo(const onnx::ValueInfoProto& info, const char* what, GraphValue& value) {
  const onnx::TypeProto& type = info.type();
  if (type.value_case() == onnx::TypeProto::VALUE_NOT_SET) return Status::Ok();  // untyped
  if (!type.has_tensor_type()) {
    const char* kind = type.has_sequence_type()   ? "a sequence"
                       : type.has_optional_type() ? "an optional"
                       : type.has_map_type()      ? "a map"
                                                  : "not a dense tensor";
    return Status::Unsupported(std::string(what) + " '" + info.name() + "' is " + kind +
                               "; voxface nn supports dense tensors only");
  }
  const onnx::TypeProto::Tensor& tt = type.tensor_type();
  if (tt.elem_type() != 0) {
    Result<DataType> dtype = DataTypeFromOnnx(tt.elem_type());
    if (!dtype.ok()) {
      return dtype.status().WithContext(std::string(what) + " '" + info.name() + "'");
    }
    value.has_type = true;
    value.dtype = *dtype;
  }
  if (tt.has_shape()) {
    value.has_shape = true;
    value.dims.clear();
    value.dim_names.clear();
    for (const auto& d : tt.shape().dim()) {
      value.dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
      value.dim_names.push_back(d.has_dim_param() ? d.dim_param() : std::string());
    }
  }
  return Status::Ok();
}

Result<Graph> BuildGraph(const onnx::ModelProto& model, const std::string& base_dir) {
  Graph graph;
  for (const auto& op : model.opset_import()) {
    graph.opsets()[NormalizeDomain(op.domain())] = static_cast<int>(op.version());
  }
  int opset = graph.OpsetFor("");
  if (opset == 0) {
    // Models from before opset_import (IR version 2) are opset 1 by definition.
    graph.opsets()[""] = 1;
  } else if (opset > kMaxOpset) {
    return Status::Unsupported("the model imports ai.onnx opset " + std::to_string(opset) +
                               ", newer than voxface nn knows (up to " + std::to_string(kMaxOpset) +
                               "; " + std::to_string(kMinTestedOpset) +
                               "-17 are tested): "
                               "re-export it with opset_version=17");
  }
  const onnx::GraphProto& g = model.graph();
  if (g.sparse_initializer_size() > 0) {
    return Status::Unsupported("the model has sparse initializers, which voxface nn does not read");
  }
  for (const auto& init : g.initializer()) {
    Result<Tensor> t = TensorFromProto(init, base_dir, /*keep_float16=*/false);
    if (!t.ok()) return t.status().WithContext("initializer '" + init.name() + "'");
    graph.constants()[graph.AddValue(init.name())] = std::move(t).value();
  }
  for (const auto& in : g.input()) {
    int id = graph.AddValue(in.name());
    if (graph.constants().count(id) != 0) continue;  // an initializer with a declared type
    VF_RETURN_IF_ERROR(ReadValueInfo(in, "graph input", graph.value(id)));
    graph.inputs().push_back(id);
  }
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& np = g.node(i);
    GraphNode node;
    node.op_type = np.op_type();
    node.domain = NormalizeDomain(np.domain());
    node.name = np.name().empty() ? np.op_type() + " #" + std::to_string(i) : np.name();
    for (const auto& a : np.attribute()) {
      Result<Attribute> attr = ConvertAttribute(a, base_dir);
      if (!attr.ok()) {
        return attr.status().WithContext(node.op_type + " node '" + node.name + "' attribute '" +
                                         a.name() + "'");
      }
      node.attrs.Set(a.name(), std::move(attr).value());
    }
    for (const auto& name : np.input())
      node.inputs.push_back(name.empty() ? -1 : graph.AddValue(name));
    for (const auto& name : np.output()) {
      node.outputs.push_back(name.empty() ? -1 : graph.AddValue(name));
    }
    if (node.op_type == "Constant" && node.domain.empty()) {
      if (node.outputs.size() != 1 || node.outputs[0] < 0) {
        return Status::InvalidArgument("Constant node '" + node.name + "' must have one output");
      }
      VF_ASSIGN_OR_RETURN(Tensor value, ConstantValue(node));
      if (graph.constants().count(node.outputs[0]) != 0) {
        return Status::InvalidArgument("Constant node '" + node.name + "' writes '" +
                                       graph.value(node.outputs[0]).name +
                                       "', which is also an initializer");
      }
      graph.constants()[node.outputs[0]] = std::move(value);
      continue;
    }
    graph.nodes().push_back(std::move(node));
  }
  for (const auto& out : g.output()) {
    int id = graph.FindValue(out.name());
    if (id < 0) {
      return Status::InvalidArgument("graph output '" + out.name() +
                                     "' is not produced by any node, input or initializer");
    }
    VF_RETURN_IF_ERROR(ReadValueInfo(out, "graph output", graph.value(id)));
    graph.outputs().push_back(id);
  }
  VF_RETURN_IF_ERROR(graph.TopologicalSort());
  for (int id : graph.outputs()) {
    bool produced = graph.constants().count(id) != 0;
    for (int in : graph.inputs()) produced = produced || in == id;
    for (const GraphNode& n : graph.nodes()) {
      for (int o : n.outputs) produced = produced || o == id;
    }
    if (!produced) {
      return Status::InvalidArgument("graph output '" + graph.value(id).name +
                                     "' is not produced by any node, input or initializer");
    }
  }
  return graph;
}

}  // namespace

Result<Graph> LoadOnnxModel(std::string_view bytes, const std::string& base_dir) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return Status::Unsupported("the model is over 2 GiB; store its weights as external data");
  }
  onnx::ModelProto model;
  bool parsed = false;
  try {
    parsed = model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  } catch (const std::exception& e) {
    return Status::CorruptData(std::string("not a valid ONNX model: ") + e.what());
  }
  if (!parsed) {
    return Status::CorruptData(
        "not a valid ONNX model: the protobuf does not parse (truncated or "
        "not an .onnx file?)");
  }
  if (!model.has_graph()) return Status::CorruptData("the ONNX model has no graph");
  return BuildGraph(model, base_dir);
}

Result<std::string> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open '" + path + "'");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Status::IoError("reading '" + path + "' failed");
  return buffer.str();
}

Result<Graph> LoadOnnxFile(const std::string& path) {
  VF_ASSIGN_OR_RETURN(std::string bytes, ReadFileBytes(path));
  fs::path dir = fs::path(path).parent_path();
  Result<Graph> graph = LoadOnnxModel(bytes, dir.empty() ? std::string(".") : dir.string());
  if (!graph.ok()) return graph.status().WithContext(path);
  return graph;
}

Result<Tensor> ParseTensorProto(std::string_view bytes, bool keep_float16) {
  onnx::TensorProto proto;
  bool parsed = false;
  try {
    parsed = bytes.size() <= static_cast<size_t>(INT_MAX) &&
             proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  } catch (const std::exception& e) {
    parsed = false;
  }
  if (!parsed) return Status::CorruptData("not a valid ONNX TensorProto");
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    return Status::Unsupported("a standalone TensorProto cannot use external data");
  }
  return TensorFromProto(proto, "", keep_float16);
}

}  // namespace voxface::nn
