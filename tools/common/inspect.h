// The model inspection report behind `tinyml inspect`, as a library so tests
// and other tools (compiler, bench) can reuse it.
//
// The report is a JSON object with stable keys (see inspect.cc for the full
// layout): "model", "inputs", "outputs", "operators", "tensors", "memory",
// "totals", "ok" and, when the model cannot be prepared, "error". The
// structure (ops, tensors, MACs, weights) comes from the model alone and is
// always present; "memory" needs a successful Interpreter::Prepare() and is
// null otherwise. "memory.arena_bytes" equals Interpreter::RequiredArenaBytes().
#ifndef TINYML_TOOLS_COMMON_INSPECT_H_
#define TINYML_TOOLS_COMMON_INSPECT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "tinyml/model.h"
#include "tinyml/op_resolver.h"

namespace tinyml::tools {

// Version of the report layout; bumped when a key changes meaning.
constexpr int kInspectFormatVersion = 1;

// `model` must be loaded. `path` is only echoed in the report. Prepares an
// interpreter with `resolver` on an exactly sized arena to get the plan.
nlohmann::json InspectModel(const Model& model, const OpResolver& resolver, const std::string& path = "");

// Human-readable tables of the same report.
std::string FormatInspectReport(const nlohmann::json& report);

// 1234567 -> "1,234,567" (the reports' number format).
std::string Thousands(int64_t v);

// Multiply-accumulates of one op (CONV_2D, DEPTHWISE_CONV_2D,
// FULLY_CONNECTED; 0 for others) and elementary operations for the rest
// (pool window reads, element-wise results; 0 for pure data movement).
int64_t OpMacs(const Model& model, int32_t op_index);
// The op's name as the report gives it: "CONV_2D", "CUSTOM:NAME".
std::string OpName(const Model& model, int32_t op_index);
int64_t OpElementOps(const Model& model, int32_t op_index);

}  // namespace tinyml::tools

#endif  // TINYML_TOOLS_COMMON_INSPECT_H_
