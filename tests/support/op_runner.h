// Runs small models (usually one op) built with the .tflite writer through
// the real loader and interpreter, for op-level tests (host only):
//
//   OpRunner r;
//   ASSERT_EQ(r.Prepare(b.Finish(), {{BuiltinOp::kPad, Register_PAD()}}), Status::kOk) << r.error();
//   std::vector<int8_t> y = As<int8_t>(r.Run({Bytes(x)}));
//
// Bad-model tests check the status Prepare() returns (or load_status() /
// prepare_status() separately) and the message in error().
#ifndef TINYML_TESTS_SUPPORT_OP_RUNNER_H_
#define TINYML_TESTS_SUPPORT_OP_RUNNER_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "support/test_util.h"
#include "tinyml/builtin_ops.h"
#include "tinyml/interpreter.h"
#include "tinyml/model.h"
#include "tinyml/op_resolver.h"

namespace tinyml::testing {

struct OpEntry {
  BuiltinOp op;
  const OpRegistration* registration;
};

class OpRunner {
 public:
  static constexpr size_t kDefaultArenaBytes = 1 << 20;

  OpRunner() = default;
  // The interpreter refers to the model, resolver and arena held here.
  OpRunner(const OpRunner&) = delete;
  OpRunner& operator=(const OpRunner&) = delete;

  // Loads `file`, registers `ops` and prepares an interpreter on an arena of
  // `arena_bytes`. Returns the first failure (Load's, then Prepare's) or kOk.
  Status Prepare(const std::vector<uint8_t>& file, const std::vector<OpEntry>& ops,
                 size_t arena_bytes = kDefaultArenaBytes) {
    file_ = CopyAligned(file);
    arena_.Resize(arena_bytes);
    load_ = model_.Load(file_.data(), file_.size());
    if (load_ != Status::kOk) return load_;
    for (const OpEntry& e : ops) EXPECT_EQ(resolver_.AddBuiltin(e.op, e.registration), Status::kOk);
    interpreter_ = std::make_unique<Interpreter>(model_, resolver_, arena_.data(), arena_.size());
    prepare_ = interpreter_->Prepare();
    return prepare_;
  }

  Status load_status() const { return load_; }
  // kInternal when the model did not load.
  Status prepare_status() const { return prepare_; }
  // The message of the last step run (load, prepare or invoke).
  std::string error() const { return interpreter_ ? interpreter_->error() : model_.error(); }
  // Valid once the model loaded.
  Interpreter& interpreter() { return *interpreter_; }

  // Copies `inputs` (one per model input, sizes checked) and invokes once.
  Status Invoke(const std::vector<std::vector<uint8_t>>& inputs) {
    Interpreter& in = *interpreter_;
    EXPECT_EQ(static_cast<size_t>(in.inputs_size()), inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      const int index = static_cast<int>(i);
      if (index >= in.inputs_size() || in.input_bytes(index) != inputs[i].size()) {
        ADD_FAILURE() << "input " << i << " has " << inputs[i].size() << " bytes, the model wants "
                      << (index < in.inputs_size() ? in.input_bytes(index) : 0);
        return Status::kInternal;
      }
      if (!inputs[i].empty()) std::memcpy(in.input(index)->data, inputs[i].data(), inputs[i].size());
    }
    return in.Invoke();
  }

  // Invoke() expecting success; returns every output's bytes concatenated.
  std::vector<uint8_t> Run(const std::vector<std::vector<uint8_t>>& inputs) {
    const Status s = Invoke(inputs);
    EXPECT_EQ(s, Status::kOk) << error();
    std::vector<uint8_t> out;
    for (int o = 0; o < interpreter_->outputs_size(); ++o) {
      const std::vector<uint8_t> bytes = Output(o);
      out.insert(out.end(), bytes.begin(), bytes.end());
    }
    return out;
  }

  std::vector<uint8_t> Output(int index) {
    const uint8_t* p = static_cast<const uint8_t*>(interpreter_->output(index)->data);
    return std::vector<uint8_t>(p, p + interpreter_->output_bytes(index));
  }

 private:
  AlignedBuffer file_;
  AlignedBuffer arena_;
  Model model_;
  StaticOpResolver<16> resolver_;
  std::unique_ptr<Interpreter> interpreter_;
  Status load_ = Status::kInternal;
  Status prepare_ = Status::kInternal;
};

// A runner for a model the test means to be loadable: a Load() failure
// fails the test, and the caller checks prepare_status().
inline std::unique_ptr<OpRunner> LoadAndPrepare(const std::vector<uint8_t>& file, const std::vector<OpEntry>& ops,
                                                size_t arena_bytes = OpRunner::kDefaultArenaBytes) {
  auto runner = std::make_unique<OpRunner>();
  (void)runner->Prepare(file, ops, arena_bytes);
  EXPECT_EQ(runner->load_status(), Status::kOk) << runner->error();
  return runner;
}

template <typename T>
std::vector<uint8_t> Bytes(const std::vector<T>& v) {
  std::vector<uint8_t> out(v.size() * sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), v.data(), out.size());
  return out;
}

template <typename T>
std::vector<T> As(const std::vector<uint8_t>& bytes) {
  std::vector<T> out(bytes.size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * sizeof(T));
  return out;
}

inline bool Contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

}  // namespace tinyml::testing

#endif  // TINYML_TESTS_SUPPORT_OP_RUNNER_H_
