#include "common/inspect.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "common/model_file.h"
#include "kernels/ops/op_common.h"
#include "tinyml/builtin_ops.h"
#include "tinyml/memory_planner.h"

// Report layout (format version 1):
// {
//   "format": "tinyml-inspect", "format_version": 1, "ok": bool, "error": string (only if !ok),
//   "model": {"path", "file_bytes", "schema_version", "subgraphs", "operators", "tensors"},
//   "inputs"/"outputs": [{"position", "tensor", "name", "type", "shape", "bytes"}],
//   "operators": [{"index", "op", "builtin_code", "custom_name", "version", "inputs", "outputs",
//                  "options", "macs", "element_ops", "supported", "error" (if it failed)}],
//   "tensors": [{"index", "name", "type", "shape", "bytes", "constant", "variable",
//                "quantization": null | {"per_channel", "channels", "dimension", "scales",
//                                        "zero_points", "scale", "zero_point"},
//                "arena_offset": int | null}],
//   "memory": null | {"arena_bytes", "planned_bytes", "persistent_bytes", "plan_valid",
//                     "buffers": [{"kind": "tensor"|"scratch", "tensors", "op", "offset",
//                                  "bytes", "first_op", "last_op"}],
//                     "op_data": [{"op", "bytes"}]},
//   "totals": {"macs", "element_ops", "weights_bytes", "constant_tensors", "activation_bytes"}
// }

namespace tinyml::tools {
namespace {

using nlohmann::json;

std::string TensorName(const TensorMeta& t) {
  if (t.name == nullptr) return "";
  return std::string(t.name, t.name_length);
}

json ShapeJson(const Shape& s) {
  json a = json::array();
  for (int i = 0; i < s.rank; ++i) a.push_back(s.dims[i]);
  return a;
}

const char* PaddingName(int8_t p) {
  switch (p) {
    case 0:
      return "SAME";
    case 1:
      return "VALID";
    default:
      return "UNKNOWN";
  }
}

const char* ActivationName(int8_t a) {
  switch (a) {
    case 0:
      return "NONE";
    case 1:
      return "RELU";
    case 2:
      return "RELU_N1_TO_1";
    case 3:
      return "RELU6";
    case 4:
      return "TANH";
    case 5:
      return "SIGN_BIT";
    default:
      return "UNKNOWN";
  }
}

// Decodes the builtin options of the ops tinyml knows; field numbers follow
// the .tflite schema tables.
json OptionsJson(const OperatorMeta& op) {
  json o = json::object();
  if (op.options_type == 0 || !op.options.ok()) return o;
  const FbTable& t = op.options;
  namespace ot = options_type;
  switch (op.options_type) {
    case ot::kConv2d:
      o["padding"] = PaddingName(t.Scalar<int8_t>(0, 0));
      o["stride_w"] = t.Scalar<int32_t>(1, 0);
      o["stride_h"] = t.Scalar<int32_t>(2, 0);
      o["activation"] = ActivationName(t.Scalar<int8_t>(3, 0));
      o["dilation_w"] = t.Scalar<int32_t>(4, 1);
      o["dilation_h"] = t.Scalar<int32_t>(5, 1);
      break;
    case ot::kDepthwiseConv2d:
      o["padding"] = PaddingName(t.Scalar<int8_t>(0, 0));
      o["stride_w"] = t.Scalar<int32_t>(1, 0);
      o["stride_h"] = t.Scalar<int32_t>(2, 0);
      o["depth_multiplier"] = t.Scalar<int32_t>(3, 0);
      o["activation"] = ActivationName(t.Scalar<int8_t>(4, 0));
      o["dilation_w"] = t.Scalar<int32_t>(5, 1);
      o["dilation_h"] = t.Scalar<int32_t>(6, 1);
      break;
    case ot::kPool2d:
      o["padding"] = PaddingName(t.Scalar<int8_t>(0, 0));
      o["stride_w"] = t.Scalar<int32_t>(1, 0);
      o["stride_h"] = t.Scalar<int32_t>(2, 0);
      o["filter_w"] = t.Scalar<int32_t>(3, 0);
      o["filter_h"] = t.Scalar<int32_t>(4, 0);
      o["activation"] = ActivationName(t.Scalar<int8_t>(5, 0));
      break;
    case ot::kFullyConnected:
      o["activation"] = ActivationName(t.Scalar<int8_t>(0, 0));
      if (t.Scalar<int8_t>(1, 0) != 0) o["weights_format"] = t.Scalar<int8_t>(1, 0);
      o["keep_num_dims"] = t.Scalar<uint8_t>(2, 0) != 0;
      break;
    case ot::kSoftmax:
      o["beta"] = t.Scalar<float>(0, 0.0f);
      break;
    case ot::kConcatenation:
      o["axis"] = t.Scalar<int32_t>(0, 0);
      o["activation"] = ActivationName(t.Scalar<int8_t>(1, 0));
      break;
    case ot::kAdd:
    case ot::kSub:
    case ot::kMul:
    case ot::kDiv:
      o["activation"] = ActivationName(t.Scalar<int8_t>(0, 0));
      break;
    case ot::kReshape: {
      const FbVector v = t.Vector(0, 4);
      if (v.present && v.ok) {
        json shape = json::array();
        for (uint32_t i = 0; i < v.length; ++i) shape.push_back(v.Get<int32_t>(i));
        o["new_shape"] = shape;
      }
      break;
    }
    case ot::kReducer:
      o["keep_dims"] = t.Scalar<uint8_t>(0, 0) != 0;
      break;
    case ot::kStridedSlice:
      o["begin_mask"] = t.Scalar<int32_t>(0, 0);
      o["end_mask"] = t.Scalar<int32_t>(1, 0);
      o["ellipsis_mask"] = t.Scalar<int32_t>(2, 0);
      o["new_axis_mask"] = t.Scalar<int32_t>(3, 0);
      o["shrink_axis_mask"] = t.Scalar<int32_t>(4, 0);
      if (t.Scalar<uint8_t>(5, 0) != 0) o["offset"] = true;
      break;
    case ot::kCast:
      if (t.Has(0)) o["in_type"] = TensorTypeName(static_cast<TensorType>(t.Scalar<int8_t>(0, 0)));
      if (t.Has(1)) o["out_type"] = TensorTypeName(static_cast<TensorType>(t.Scalar<int8_t>(1, 0)));
      break;
    case ot::kLeakyRelu:
      o["alpha"] = t.Scalar<float>(0, 0.0f);
      break;
    case ot::kPad:
    case ot::kTranspose:
    case ot::kDequantize:
    case ot::kMaximumMinimum:
    case ot::kQuantize:
      break;
    default:
      o["options_type"] = op.options_type;
      break;
  }
  return o;
}

std::string OpName(const OperatorMeta& op) {
  if (op.builtin_code == static_cast<int32_t>(BuiltinOp::kCustom)) {
    std::string name = op.custom_name != nullptr ? std::string(op.custom_name, op.custom_name_length) : "";
    return "CUSTOM:" + name;
  }
  return BuiltinOpName(op.builtin_code);
}

bool ValidTensor(const Model& model, int32_t index) { return index >= 0 && index < model.num_tensors(); }

json QuantJson(const QuantView& q) {
  if (q.count == 0) return nullptr;
  json o;
  o["per_channel"] = q.count > 1;
  o["channels"] = q.count;
  o["dimension"] = q.quantized_dimension;
  json scales = json::array();
  json zps = json::array();
  for (int i = 0; i < q.count; ++i) {
    scales.push_back(static_cast<double>(q.scale(i)));
    zps.push_back(q.zero_point(i));
  }
  if (q.count == 1) {
    o["scale"] = static_cast<double>(q.scale(0));
    o["zero_point"] = q.zero_point(0);
  }
  o["scales"] = scales;
  o["zero_points"] = zps;
  return o;
}

json IoJson(const Model& model, int position, int32_t tensor) {
  json o;
  o["position"] = position;
  o["tensor"] = tensor;
  const TensorMeta t = model.tensor(tensor);
  o["name"] = TensorName(t);
  o["type"] = TensorTypeName(t.type);
  o["shape"] = ShapeJson(t.shape);
  o["bytes"] = t.Bytes();
  return o;
}

// "op 12 NAME: ..." -> 12, or -1.
int32_t FailingOpIndex(const std::string& error) {
  if (error.rfind("op ", 0) != 0) return -1;
  char* end = nullptr;
  const long v = std::strtol(error.c_str() + 3, &end, 10);
  if (end == error.c_str() + 3 || *end != ' ') return -1;
  return static_cast<int32_t>(v);
}

// The interpreter's own memory plan (DescribePlan re-runs the planning of
// Prepare()), checked for overlaps of live buffers.
json MemoryJson(const Model& model, Interpreter& interp, bool* plan_valid) {
  const int32_t num_tensors = model.num_tensors();
  const int32_t capacity = interp.PlanBufferCapacity();
  std::vector<PlannedBuffer> planned(static_cast<size_t>(capacity));
  std::vector<int32_t> buffer_op(static_cast<size_t>(capacity)), order(static_cast<size_t>(capacity));
  std::vector<int32_t> tensor_buffer(static_cast<size_t>(num_tensors)), scratch(3 * static_cast<size_t>(num_tensors));
  int32_t count = 0;
  if (interp.DescribePlan(planned.data(), buffer_op.data(), tensor_buffer.data(), order.data(), &count,
                          scratch.data()) != Status::kOk) {
    *plan_valid = false;
    return json(nullptr);
  }
  std::vector<std::vector<int32_t>> tensors_of(static_cast<size_t>(count));
  for (int32_t t = 0; t < num_tensors; ++t)
    if (tensor_buffer[t] >= 0) tensors_of[tensor_buffer[t]].push_back(t);

  json buffers = json::array();
  for (int32_t b = 0; b < count; ++b) {
    const PlannedBuffer& p = planned[b];
    json o;
    o["kind"] = buffer_op[b] >= 0 ? "scratch" : "tensor";
    o["tensors"] = tensors_of[b];
    o["op"] = buffer_op[b] >= 0 ? json(buffer_op[b]) : json(nullptr);
    o["offset"] = p.offset;
    o["bytes"] = p.bytes;
    o["first_op"] = p.first_use;
    o["last_op"] = p.last_use;
    buffers.push_back(o);
  }
  // The plan must be what the tensors actually use.
  bool consistent = true;
  for (int32_t t = 0; t < num_tensors; ++t)
    if (tensor_buffer[t] >= 0 && interp.ArenaOffset(t) != static_cast<int64_t>(planned[tensor_buffer[t]].offset))
      consistent = false;
  json op_data = json::array();
  for (int32_t i = 0; i < model.num_operators(); ++i) {
    const Node* node = interp.node(i);
    if (node->persistent_bytes > 0) op_data.push_back(json{{"op", i}, {"bytes", node->persistent_bytes}});
  }
  std::stable_sort(buffers.begin(), buffers.end(), [](const json& a, const json& b) {
    return a["offset"].get<int64_t>() < b["offset"].get<int64_t>();
  });
  *plan_valid = consistent && PlanIsValid(planned.data(), count);

  json m;
  m["arena_bytes"] = interp.RequiredArenaBytes();
  m["planned_bytes"] = interp.planned_bytes();
  m["persistent_bytes"] = interp.persistent_bytes();
  m["plan_valid"] = *plan_valid;
  m["buffers"] = buffers;
  m["op_data"] = op_data;
  return m;
}

std::string OneLine(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

}  // namespace

int64_t OpMacs(const Model& model, int32_t op_index) {
  const OperatorMeta op = model.op(op_index);
  if (op.num_inputs < 2 || op.num_outputs < 1) return 0;
  if (!ValidTensor(model, op.inputs[0]) || !ValidTensor(model, op.inputs[1]) || !ValidTensor(model, op.outputs[0]))
    return 0;
  const Shape filter = model.tensor(op.inputs[1]).shape;
  const Shape out = model.tensor(op.outputs[0]).shape;
  switch (static_cast<BuiltinOp>(op.builtin_code)) {
    case BuiltinOp::kConv2d:
      // Filter [out_channels, kh, kw, in_channels]: each output value sums kh*kw*in_channels products.
      if (filter.rank != 4) return 0;
      return out.FlatSize() * filter.dims[1] * filter.dims[2] * filter.dims[3];
    case BuiltinOp::kDepthwiseConv2d:
      if (filter.rank != 4) return 0;
      return out.FlatSize() * filter.dims[1] * filter.dims[2];
    case BuiltinOp::kFullyConnected:
      if (filter.rank < 1) return 0;
      return out.FlatSize() * filter.dims[filter.rank - 1];
    default:
      return 0;
  }
}

int64_t OpElementOps(const Model& model, int32_t op_index) {
  const OperatorMeta op = model.op(op_index);
  if (op.num_outputs < 1 || !ValidTensor(model, op.outputs[0])) return 0;
  const int64_t out = model.tensor(op.outputs[0]).shape.FlatSize();
  switch (static_cast<BuiltinOp>(op.builtin_code)) {
    case BuiltinOp::kAveragePool2d:
    case BuiltinOp::kMaxPool2d: {
      if (op.options_type != options_type::kPool2d || !op.options.ok()) return out;
      const int64_t fw = op.options.Scalar<int32_t>(3, 1);
      const int64_t fh = op.options.Scalar<int32_t>(4, 1);
      return out * std::max<int64_t>(fw, 0) * std::max<int64_t>(fh, 0);
    }
    case BuiltinOp::kMean:
      if (op.num_inputs < 1 || !ValidTensor(model, op.inputs[0])) return 0;
      return model.tensor(op.inputs[0]).shape.FlatSize();
    case BuiltinOp::kAdd:
    case BuiltinOp::kSub:
    case BuiltinOp::kMul:
    case BuiltinOp::kDiv:
    case BuiltinOp::kMaximum:
    case BuiltinOp::kMinimum:
    case BuiltinOp::kSoftmax:
    case BuiltinOp::kLogistic:
    case BuiltinOp::kTanh:
    case BuiltinOp::kRelu:
    case BuiltinOp::kRelu6:
    case BuiltinOp::kLeakyRelu:
    case BuiltinOp::kQuantize:
    case BuiltinOp::kDequantize:
    case BuiltinOp::kCast:
      return out;
    default:
      return 0;
  }
}

json InspectModel(const Model& model, const OpResolver& resolver, const std::string& path) {
  json r;
  r["format"] = "tinyml-inspect";
  r["format_version"] = kInspectFormatVersion;

  json m;
  m["path"] = path;
  m["file_bytes"] = model.size();
  m["schema_version"] = model.schema_version();
  m["subgraphs"] = model.num_subgraphs();
  m["operators"] = model.num_operators();
  m["tensors"] = model.num_tensors();
  r["model"] = m;

  json inputs = json::array();
  for (int i = 0; i < model.num_inputs(); ++i) inputs.push_back(IoJson(model, i, model.input_tensor(i)));
  json outputs = json::array();
  for (int i = 0; i < model.num_outputs(); ++i) outputs.push_back(IoJson(model, i, model.output_tensor(i)));
  r["inputs"] = inputs;
  r["outputs"] = outputs;

  ArenaInterpreter runner(model, resolver);
  const Status status = runner.Prepare();
  const bool ok = status == Status::kOk;
  const std::string error = ok ? "" : OneLine(runner.error());
  const int32_t failing_op = ok ? -1 : FailingOpIndex(error);

  int64_t total_macs = 0;
  int64_t total_element_ops = 0;
  json ops = json::array();
  for (int32_t i = 0; i < model.num_operators(); ++i) {
    const OperatorMeta op = model.op(i);
    json o;
    o["index"] = i;
    o["op"] = OpName(op);
    o["builtin_code"] = op.builtin_code;
    if (op.builtin_code == static_cast<int32_t>(BuiltinOp::kCustom))
      o["custom_name"] = op.custom_name != nullptr ? std::string(op.custom_name, op.custom_name_length) : "";
    o["version"] = op.version;
    o["inputs"] = std::vector<int32_t>(op.inputs, op.inputs + op.num_inputs);
    o["outputs"] = std::vector<int32_t>(op.outputs, op.outputs + op.num_outputs);
    o["options"] = OptionsJson(op);
    const int64_t macs = OpMacs(model, i);
    const int64_t elements = OpElementOps(model, i);
    total_macs += macs;
    total_element_ops += elements;
    o["macs"] = macs;
    o["element_ops"] = elements;
    const bool registered = op.builtin_code == static_cast<int32_t>(BuiltinOp::kCustom)
                                ? resolver.FindCustom(op.custom_name, op.custom_name_length) != nullptr
                                : resolver.FindBuiltin(op.builtin_code) != nullptr;
    o["supported"] = registered && failing_op != i;
    if (failing_op == i) o["error"] = error;
    ops.push_back(o);
  }
  r["operators"] = ops;

  uint64_t weights = 0;
  int32_t constants = 0;
  uint64_t activation_bytes = 0;
  json tensors = json::array();
  for (int32_t t = 0; t < model.num_tensors(); ++t) {
    const TensorMeta meta = model.tensor(t);
    json o;
    o["index"] = t;
    o["name"] = TensorName(meta);
    o["type"] = TensorTypeName(meta.type);
    o["shape"] = ShapeJson(meta.shape);
    o["bytes"] = meta.Bytes();
    o["constant"] = meta.is_constant();
    o["variable"] = meta.is_variable;
    o["quantization"] = QuantJson(meta.quant);
    int64_t offset = -1;
    if (ok && !meta.is_constant()) offset = runner.interpreter().ArenaOffset(t);
    o["arena_offset"] = offset >= 0 ? json(offset) : json(nullptr);
    if (meta.is_constant()) {
      weights += meta.const_bytes;
      ++constants;
    } else {
      activation_bytes += meta.Bytes();
    }
    tensors.push_back(o);
  }
  r["tensors"] = tensors;

  bool plan_valid = true;
  r["memory"] = ok ? MemoryJson(model, runner.interpreter(), &plan_valid) : json(nullptr);

  json totals;
  totals["macs"] = total_macs;
  totals["element_ops"] = total_element_ops;
  totals["weights_bytes"] = weights;
  totals["constant_tensors"] = constants;
  totals["activation_bytes"] = activation_bytes;
  r["totals"] = totals;

  r["ok"] = ok && plan_valid;
  if (!ok) r["error"] = error.empty() ? std::string(StatusName(status)) : error;
  if (ok && !plan_valid) r["error"] = "memory plan check failed: live buffers overlap";
  return r;
}

namespace {

// Left-aligned text columns; numbers right-aligned.
class Table {
 public:
  explicit Table(std::vector<std::string> header) { rows_.push_back(std::move(header)); }
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string Render(const std::string& indent = "  ") const {
    std::vector<size_t> width;
    for (const auto& row : rows_) {
      if (width.size() < row.size()) width.resize(row.size(), 0);
      for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    }
    std::ostringstream out;
    for (const auto& row : rows_) {
      std::string line = indent;
      for (size_t c = 0; c < row.size(); ++c) {
        const std::string& cell = row[c];
        const bool numeric = !cell.empty() && cell.find_first_not_of("0123456789-") == std::string::npos;
        const std::string pad(width[c] - cell.size(), ' ');
        line += numeric ? pad + cell : cell + (c + 1 < row.size() ? pad : "");
        if (c + 1 < row.size()) line += "  ";
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out << line << "\n";
    }
    return out.str();
  }

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string ShapeText(const json& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ",";
    s += std::to_string(shape[i].get<int64_t>());
  }
  return s + "]";
}

std::string ListText(const json& list) {
  std::string s;
  for (size_t i = 0; i < list.size(); ++i) {
    if (i > 0) s += ",";
    s += std::to_string(list[i].get<int64_t>());
  }
  return s;
}

std::string NameText(const json& v) {
  const std::string s = v.get<std::string>();
  return s.empty() ? "-" : s;
}

std::string Num(const json& v) {
  if (v.is_null()) return "-";
  return std::to_string(v.get<int64_t>());
}

std::string FloatText(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

// Compact summary, e.g. "SAME stride 2x2 RELU"; defaults (dilation 1,
// activation NONE) are left out.
std::string OptionsText(const json& options) {
  std::vector<std::string> parts;
  auto has = [&](const char* k) { return options.contains(k); };
  auto num = [&](const char* k) { return std::to_string(options[k].get<int64_t>()); };
  if (has("padding")) parts.push_back(options["padding"].get<std::string>());
  if (has("filter_h")) parts.push_back("filter " + num("filter_h") + "x" + num("filter_w"));
  if (has("stride_h")) parts.push_back("stride " + num("stride_h") + "x" + num("stride_w"));
  if (has("dilation_h") && (options["dilation_h"] != 1 || options["dilation_w"] != 1))
    parts.push_back("dilation " + num("dilation_h") + "x" + num("dilation_w"));
  if (has("depth_multiplier") && options["depth_multiplier"] != 1)
    parts.push_back("depth_multiplier " + num("depth_multiplier"));
  if (has("activation") && options["activation"] != "NONE") parts.push_back(options["activation"].get<std::string>());
  static const char* const kShown[] = {"padding",    "filter_h",   "filter_w",         "stride_h",  "stride_w",
                                       "dilation_h", "dilation_w", "depth_multiplier", "activation"};
  for (auto it = options.begin(); it != options.end(); ++it) {
    if (std::find(std::begin(kShown), std::end(kShown), it.key()) != std::end(kShown)) continue;
    const json& v = it.value();
    std::string text;
    if (v.is_string())
      text = v.get<std::string>();
    else if (v.is_boolean())
      text = v.get<bool>() ? "true" : "false";
    else if (v.is_number_float())
      text = FloatText(v.get<double>());
    else if (v.is_array())
      text = ShapeText(v);
    else
      text = v.dump();
    parts.push_back(it.key() + "=" + text);
  }
  std::string s;
  for (const std::string& p : parts) s += (s.empty() ? "" : " ") + p;
  return s;
}

std::string QuantText(const json& q) {
  if (q.is_null()) return "-";
  if (!q["per_channel"].get<bool>())
    return "s=" + FloatText(q["scale"].get<double>()) + " zp=" + std::to_string(q["zero_point"].get<int64_t>());
  return "per-channel x" + std::to_string(q["channels"].get<int64_t>()) + " dim " +
         std::to_string(q["dimension"].get<int64_t>());
}

}  // namespace

std::string Thousands(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ",";
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

std::string FormatInspectReport(const json& r) {
  std::ostringstream out;
  const json& m = r["model"];
  out << "model: " << m["path"].get<std::string>() << "  (" << m["file_bytes"].get<uint64_t>() << " bytes, schema v"
      << m["schema_version"].get<uint32_t>() << ", " << m["subgraphs"].get<int>()
      << " subgraph(s); showing subgraph 0)\n\n";

  auto io_table = [&](const char* title, const json& list) {
    out << title << " (" << list.size() << "):\n";
    Table t({"#", "tensor", "name", "type", "shape", "bytes"});
    for (const json& e : list)
      t.Add({Num(e["position"]), Num(e["tensor"]), NameText(e["name"]), e["type"].get<std::string>(),
             ShapeText(e["shape"]), Num(e["bytes"])});
    out << t.Render() << "\n";
  };
  io_table("inputs", r["inputs"]);
  io_table("outputs", r["outputs"]);

  out << "operators (" << r["operators"].size() << "):\n";
  Table ops({"#", "op", "inputs", "outputs", "MACs", "elem ops", "options"});
  for (const json& o : r["operators"]) {
    std::string options = OptionsText(o["options"]);
    if (!o["supported"].get<bool>()) options = "<-- NOT SUPPORTED  " + options;
    ops.Add({Num(o["index"]), o["op"].get<std::string>(), ListText(o["inputs"]), ListText(o["outputs"]), Num(o["macs"]),
             Num(o["element_ops"]), options});
  }
  out << ops.Render() << "\n";

  out << "tensors (" << r["tensors"].size() << "):\n";
  Table tensors({"#", "name", "type", "shape", "bytes", "kind", "arena offset", "quantization"});
  for (const json& t : r["tensors"]) {
    const char* kind = t["constant"].get<bool>() ? "const" : t["variable"].get<bool>() ? "variable" : "activation";
    tensors.Add({Num(t["index"]), NameText(t["name"]), t["type"].get<std::string>(), ShapeText(t["shape"]),
                 Num(t["bytes"]), kind, Num(t["arena_offset"]), QuantText(t["quantization"])});
  }
  out << tensors.Render() << "\n";

  const json& mem = r["memory"];
  if (mem.is_null()) {
    out << "memory plan: not available (the model could not be prepared)\n\n";
  } else {
    out << "memory plan:\n";
    out << "  arena bytes:      " << mem["arena_bytes"].get<uint64_t>() << "  (RequiredArenaBytes)\n";
    out << "  planned bytes:    " << mem["planned_bytes"].get<uint64_t>() << "  (activations + scratch)\n";
    out << "  persistent bytes: " << mem["persistent_bytes"].get<uint64_t>() << "  (tensor/op tables + op data)\n";
    Table buffers({"offset", "bytes", "end", "ops", "kind", "tensors / op"});
    for (const json& b : mem["buffers"]) {
      const int64_t off = b["offset"].get<int64_t>();
      const int64_t bytes = b["bytes"].get<int64_t>();
      const bool scratch = b["kind"].get<std::string>() == "scratch";
      buffers.Add({std::to_string(off), std::to_string(bytes), std::to_string(off + bytes),
                   Num(b["first_op"]) + ".." + Num(b["last_op"]), b["kind"].get<std::string>(),
                   scratch ? "op " + Num(b["op"]) : ListText(b["tensors"])});
    }
    out << buffers.Render();
    for (const json& d : mem["op_data"])
      out << "  op " << Num(d["op"]) << " data: " << Num(d["bytes"]) << " bytes (persistent)\n";
    out << "\n";
  }

  const json& totals = r["totals"];
  out << "totals:\n";
  out << "  MACs:              " << Thousands(totals["macs"].get<int64_t>()) << "\n";
  out << "  element ops:       " << Thousands(totals["element_ops"].get<int64_t>()) << "\n";
  out << "  weights bytes:     " << totals["weights_bytes"].get<uint64_t>() << "\n";
  out << "  model file bytes:  " << m["file_bytes"].get<uint64_t>() << "\n";
  if (!mem.is_null()) out << "  arena bytes:       " << mem["arena_bytes"].get<uint64_t>() << "\n";
  if (r.contains("error")) out << "\nerror: " << r["error"].get<std::string>() << "\n";
  return out.str();
}

std::string OpName(const Model& model, int32_t op_index) { return OpName(model.op(op_index)); }

}  // namespace tinyml::tools
