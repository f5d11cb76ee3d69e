// libFuzzer target: arbitrary bytes through Model::Load, Interpreter::Prepare
// and Invoke with every builtin op registered. Any crash, hang, leak or
// sanitizer report is a bug: a hostile model must only produce a Status.
//
// Host code (built by clang with -fsanitize=fuzzer,address,undefined); see
// README.md in this directory for how it is built and run.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>

#include "tinyml/interpreter.h"
#include "tinyml/kws_metadata.h"
#include "tinyml/model.h"
#include "tinyml/op_resolver.h"

#ifndef TINYML_FUZZ_ALL_BUILTINS
// Generated at configure time when some Register_* functions are not
// implemented yet: the pairs from AddAllBuiltins that do exist.
#include "fuzz_partial_resolver.inc"
#endif

namespace {

using tinyml::BuiltinOp;
using tinyml::Interpreter;
using tinyml::KwsMetadataView;
using tinyml::KwsName;
using tinyml::Model;
using tinyml::Status;

// Bounds that keep one run fast enough for a 5 s timeout under ASan/UBSan. A
// model asking for more is not a bug, so it is loaded and prepared but not
// invoked.
constexpr size_t kMaxArenaBytes = size_t{16} << 20;
constexpr uint64_t kMaxInvokeCost = 60'000'000;

class Resolver {
 public:
  Resolver() {
#ifdef TINYML_FUZZ_ALL_BUILTINS
    ok_ = tinyml::AddAllBuiltins(resolver_) == Status::kOk;
#else
    ok_ = true;
    for (const auto& e : kFuzzBuiltins) ok_ = ok_ && resolver_.AddBuiltin(e.op, e.reg()) == Status::kOk;
#endif
  }
  const tinyml::OpResolver& get() const { return resolver_; }
  bool ok() const { return ok_; }

 private:
  tinyml::StaticOpResolver<64> resolver_;
  bool ok_ = false;
};

uint64_t Elements(const Model& model, int32_t tensor) {
  if (tensor < 0) return 0;
  return static_cast<uint64_t>(model.tensor(tensor).shape.FlatSize());
}

// Rough upper bound on the work of one Invoke (multiply-accumulates plus
// element visits). Exact for conv / depthwise / fully connected, where the
// work per output element is the weights per output channel; pooling work
// comes from its options.
uint64_t InvokeCost(const Model& model) {
  uint64_t total = 0;
  for (int32_t i = 0; i < model.num_operators(); ++i) {
    const tinyml::OperatorMeta op = model.op(i);
    uint64_t in = 0;
    uint64_t out = 0;
    for (int k = 0; k < op.num_inputs; ++k) in += Elements(model, op.inputs[k]);
    for (int k = 0; k < op.num_outputs; ++k) out += Elements(model, op.outputs[k]);
    uint64_t per_output = 1;
    const int32_t code = op.builtin_code;
    if ((code == static_cast<int32_t>(BuiltinOp::kConv2d) ||
         code == static_cast<int32_t>(BuiltinOp::kDepthwiseConv2d) ||
         code == static_cast<int32_t>(BuiltinOp::kFullyConnected)) &&
        op.num_inputs > 1 && op.num_outputs > 0 && op.outputs[0] >= 0) {
      const tinyml::Shape shape = model.tensor(op.outputs[0]).shape;
      const uint64_t channels = shape.rank > 0 && shape.dims[shape.rank - 1] > 0 ? shape.dims[shape.rank - 1] : 1;
      per_output += Elements(model, op.inputs[1]) / channels;
    } else if ((code == static_cast<int32_t>(BuiltinOp::kMaxPool2d) ||
                code == static_cast<int32_t>(BuiltinOp::kAveragePool2d)) &&
               op.options.ok()) {
      const int64_t fw = op.options.Scalar<int32_t>(3, 0);  // filter_width
      const int64_t fh = op.options.Scalar<int32_t>(4, 0);  // filter_height
      if (fw > 0 && fh > 0) per_output += static_cast<uint64_t>(fw) * static_cast<uint64_t>(fh);
    }
    // Saturating sum: a hostile model may ask for absurd amounts.
    const uint64_t cost = in + out * per_output;
    if (cost > kMaxInvokeCost || total + cost > kMaxInvokeCost) return kMaxInvokeCost + 1;
    total += cost;
  }
  return total;
}

// Fills every input with bytes taken cyclically from the fuzz input, so
// data-dependent paths (clamps, lookups, divisions) are exercised too.
void FillInputs(Interpreter& interpreter, const uint8_t* data, size_t size) {
  for (int i = 0; i < interpreter.inputs_size(); ++i) {
    uint8_t* p = static_cast<uint8_t*>(interpreter.input(i)->data);
    const size_t n = interpreter.input_bytes(i);
    if (p == nullptr) continue;
    for (size_t k = 0; k < n; ++k) p[k] = size > 0 ? data[(k * 7 + static_cast<size_t>(i)) % size] : 0;
  }
}

// Exactly `size` bytes (so ASan flags any access past the end), 16-byte
// aligned as the model and arena contracts ask.
struct AlignedDelete {
  void operator()(uint8_t* p) const { ::operator delete[](p, std::align_val_t(16)); }
};
using Bytes = std::unique_ptr<uint8_t[], AlignedDelete>;
Bytes Allocate(size_t size) {
  return Bytes(static_cast<uint8_t*>(::operator new[](size > 0 ? size : 1, std::align_val_t(16))));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Resolver* resolver = new Resolver();
  if (!resolver->ok()) __builtin_trap();

  // The raw bytes as a metadata line too (the parser takes any text).
  {
    KwsMetadataView line;
    if (ParseKwsMetadata(reinterpret_cast<const char*>(data), size, &line) &&
        (line.threshold_q15 < 0 || line.threshold_q15 > 32768 || line.num_labels < 1))
      __builtin_trap();
  }
  Bytes model_bytes = Allocate(size);
  if (size > 0) std::memcpy(model_bytes.get(), data, size);
  Model model;
  if (model.Load(model_bytes.get(), size) != Status::kOk) {
    if (model.error()[0] == '\0') __builtin_trap();  // every failure must say why
    return 0;
  }
  // Everything the verifier accepted must be readable, the wake-word
  // metadata too (a firmware reads it from the description string): its
  // spans inside the model, its threshold a Q15 probability.
  KwsMetadataView meta;
  if (ReadKwsMetadata(model, &meta)) {
    const char* begin = reinterpret_cast<const char*>(model_bytes.get());
    auto inside = [&](const KwsName& n) {
      return n.data >= begin && n.length > 0 && n.data + n.length <= begin + size;
    };
    if (!inside(meta.word) || !inside(meta.threshold_text) || meta.num_labels < 1 ||
        meta.num_labels > KwsMetadataView::kMaxLabels || meta.threshold_q15 < 0 || meta.threshold_q15 > 32768)
      __builtin_trap();
    for (int32_t i = 0; i < meta.num_labels; ++i)
      if (!inside(meta.labels[i])) __builtin_trap();
  }
  for (int32_t t = 0; t < model.num_tensors(); ++t) (void)model.tensor(t);
  for (int32_t i = 0; i < model.num_operators(); ++i) (void)model.op(i);

  // First pass: learn the exact arena size from a generous arena.
  size_t required = 0;
  {
    constexpr size_t kProbeBytes = size_t{1} << 20;
    Bytes probe = Allocate(kProbeBytes);
    Interpreter interpreter(model, resolver->get(), probe.get(), kProbeBytes);
    const Status status = interpreter.Prepare();
    if (status != Status::kOk && status != Status::kArenaTooSmall) {
      if (interpreter.error()[0] == '\0') __builtin_trap();
      return 0;
    }
    required = interpreter.RequiredArenaBytes();
  }
  if (required == 0 || required > kMaxArenaBytes) return 0;

  // Second pass: exactly the required arena, so overruns past its end are
  // caught. RequiredArenaBytes() is documented exact, so the arena must be
  // big enough now (ops' prepare() may still reject the model).
  Bytes arena = Allocate(required);
  Interpreter interpreter(model, resolver->get(), arena.get(), required);
  const Status status = interpreter.Prepare();
  if (status != Status::kOk) {
    if (status == Status::kArenaTooSmall || interpreter.error()[0] == '\0') __builtin_trap();
    return 0;
  }
  if (InvokeCost(model) > kMaxInvokeCost) return 0;
  FillInputs(interpreter, data, size);
  for (int run = 0; run < 2; ++run) {
    if (interpreter.Invoke() != Status::kOk && interpreter.error()[0] == '\0') __builtin_trap();
  }
  return 0;
}
