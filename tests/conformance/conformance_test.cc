// Conformance against TensorFlow Lite Micro reference outputs in
// ../shared/conformance: int8 outputs byte for byte, float outputs within
// kFloatTolerance. Each case folder's README names the model, the cases, the
// input files and TFLM's arena size; this test reads them from there.
// Skipped, saying so, when ../shared is absent.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_util.h"
#include "tinyml/interpreter.h"
#include "tinyml/model.h"
#include "tinyml/op_resolver.h"
#include "tinyml/signal_ops.h"

namespace tinyml {
namespace {

namespace fs = std::filesystem;
using testing::AlignedBuffer;

// Float models: TFLM and tinyml run the same reference formulas, but the
// compiler may contract or reorder float operations differently.
constexpr float kFloatRelTolerance = 1e-5f;
constexpr float kFloatAbsTolerance = 1e-5f;

struct Case {
  std::string folder;
  std::string name;
  std::string model_path;
  std::string input_path;
  std::string output_path;
  int64_t stream_stride = 0;  // bytes; 0 = single invoke
  int64_t tflm_arena = 0;
};

std::string ResolvePath(const std::string& folder_path, const std::string& ref) {
  const std::string prefix = "shared/";
  if (ref.rfind(prefix, 0) == 0) return testing::SharedDir() + "/" + ref.substr(prefix.size());
  return folder_path + "/" + ref;
}

std::vector<Case> LoadCases() {
  std::vector<Case> cases;
  const fs::path root = fs::path(testing::SharedDir()) / "conformance";
  if (!fs::is_directory(root)) return cases;
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(root))
    if (entry.is_directory()) folders.push_back(entry.path());
  std::sort(folders.begin(), folders.end());
  const std::regex model_re("Model: `([^`]+)`");
  const std::regex arena_re("arena_used_bytes[^*]*\\*\\*(\\d+)\\*\\*");
  const std::regex row_re("^\\| ([A-Za-z0-9_]+) \\| `([^`]+)` \\([0-9]+ B\\) \\| `([^`]+)` \\([0-9]+ B\\) \\|(.*)$");
  const std::regex stride_re("\\((\\d+)-byte\\) stride");
  for (const fs::path& folder : folders) {
    std::ifstream readme(folder / "README.md");
    if (!readme) continue;
    std::stringstream text;
    text << readme.rdbuf();
    const std::string s = text.str();
    std::smatch m;
    if (!std::regex_search(s, m, model_re)) continue;
    const std::string model_path = ResolvePath(folder.string(), m[1]);
    int64_t arena = 0;
    if (std::regex_search(s, m, arena_re)) arena = std::stoll(m[1]);
    std::istringstream lines(s);
    std::string line;
    while (std::getline(lines, line)) {
      if (!std::regex_match(line, m, row_re)) continue;
      Case c;
      c.folder = folder.filename().string();
      c.name = m[1];
      c.model_path = model_path;
      c.input_path = ResolvePath(folder.string(), m[2]);
      c.output_path = ResolvePath(folder.string(), m[3]);
      c.tflm_arena = arena;
      const std::string rest = m[4];
      std::smatch sm;
      if (c.name.size() > 7 && c.name.substr(c.name.size() - 7) == "_stream" &&
          std::regex_search(rest, sm, stride_re))
        c.stream_stride = std::stoll(sm[1]);
      cases.push_back(c);
    }
  }
  return cases;
}

const std::vector<Case>& AllCases() {
  static const std::vector<Case> cases = LoadCases();
  return cases;
}

// A prepared interpreter for one model, or the reason it cannot run.
struct Runner {
  AlignedBuffer model_bytes;
  Model model;
  StaticOpResolver<64> resolver;
  AlignedBuffer arena;
  std::unique_ptr<Interpreter> interpreter;
  std::string error;
  Status status = Status::kOk;

  explicit Runner(const std::string& path) {
    if (!testing::ReadFileAligned(path, &model_bytes)) {
      error = "cannot read " + path;
      status = Status::kInvalidArgument;
      return;
    }
    status = model.Load(model_bytes.data(), model_bytes.size());
    if (status != Status::kOk) {
      error = model.error();
      return;
    }
    if (AddAllBuiltins(resolver) != Status::kOk || AddSignalOps(resolver) != Status::kOk) {
      error = "resolver";
      status = Status::kInternal;
      return;
    }
    // Learn the exact size, then prepare in an arena of exactly that size.
    arena.Resize(64);
    interpreter = std::make_unique<Interpreter>(model, resolver, arena.data(), arena.size());
    status = interpreter->Prepare();
    if (status == Status::kArenaTooSmall && interpreter->RequiredArenaBytes() == 0) {
      arena.Resize(64 << 20);
      interpreter = std::make_unique<Interpreter>(model, resolver, arena.data(), arena.size());
      status = interpreter->Prepare();
    }
    if (status == Status::kArenaTooSmall || status == Status::kOk) {
      const size_t need = interpreter->RequiredArenaBytes();
      arena.Resize(need);
      interpreter = std::make_unique<Interpreter>(model, resolver, arena.data(), arena.size());
      status = interpreter->Prepare();
    }
    if (status != Status::kOk) error = interpreter->error();
  }

  size_t TotalInputBytes() const {
    size_t n = 0;
    for (int i = 0; i < interpreter->inputs_size(); ++i) n += interpreter->input_bytes(i);
    return n;
  }

  // Copies `bytes` into the inputs (concatenated in input order), invokes,
  // and appends all outputs to `out`.
  ::testing::AssertionResult Run(const uint8_t* bytes, std::vector<uint8_t>* out) {
    size_t offset = 0;
    for (int i = 0; i < interpreter->inputs_size(); ++i) {
      const size_t n = interpreter->input_bytes(i);
      std::memcpy(interpreter->input(i)->data, bytes + offset, n);
      offset += n;
    }
    const Status s = interpreter->Invoke();
    if (s != Status::kOk) return ::testing::AssertionFailure() << "Invoke: " << interpreter->error();
    for (int i = 0; i < interpreter->outputs_size(); ++i) {
      const uint8_t* p = static_cast<const uint8_t*>(interpreter->output(i)->data);
      out->insert(out->end(), p, p + interpreter->output_bytes(i));
    }
    return ::testing::AssertionSuccess();
  }
};

// Readable parameter names in test listings instead of raw bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.folder << "/" << c.name; }

class Conformance : public ::testing::TestWithParam<Case> {};

TEST_P(Conformance, MatchesTflm) {
  const Case& c = GetParam();
  if (c.model_path.empty()) GTEST_SKIP() << "../shared/conformance not found: conformance skipped";
  Runner runner(c.model_path);
  if (runner.status == Status::kUnsupportedOp) {
    GTEST_SKIP() << c.folder << ": model uses an op outside the implemented set (" << runner.error << ")";
  }
  ASSERT_EQ(runner.status, Status::kOk) << runner.error;

  std::vector<uint8_t> input, expected;
  ASSERT_TRUE(testing::ReadFile(c.input_path, &input)) << c.input_path;
  ASSERT_TRUE(testing::ReadFile(c.output_path, &expected)) << c.output_path;
  std::vector<uint8_t> actual;
  const size_t window = runner.TotalInputBytes();
  if (c.stream_stride > 0) {
    for (size_t off = 0; off + window <= input.size(); off += static_cast<size_t>(c.stream_stride))
      ASSERT_TRUE(runner.Run(input.data() + off, &actual));
  } else {
    ASSERT_EQ(input.size(), window) << "input file size";
    ASSERT_TRUE(runner.Run(input.data(), &actual));
  }
  ASSERT_EQ(actual.size(), expected.size());

  // All outputs of one type: the conformance models have a single output type.
  const TensorType out_type = runner.interpreter->output(0)->type;
  if (out_type == TensorType::kFloat32) {
    const size_t n = actual.size() / 4;
    int mismatches = 0;
    for (size_t i = 0; i < n; ++i) {
      float a, e;
      std::memcpy(&a, actual.data() + 4 * i, 4);
      std::memcpy(&e, expected.data() + 4 * i, 4);
      const float tol = kFloatAbsTolerance + kFloatRelTolerance * std::fabs(e);
      if (!(std::fabs(a - e) <= tol) && mismatches++ < 5)
        ADD_FAILURE() << "float output " << i << ": got " << a << " want " << e;
    }
    EXPECT_EQ(mismatches, 0);
  } else {
    int mismatches = 0;
    for (size_t i = 0; i < actual.size(); ++i) {
      if (actual[i] != expected[i] && mismatches++ < 5)
        ADD_FAILURE() << "byte " << i << ": got " << int(int8_t(actual[i])) << " want "
                      << int(int8_t(expected[i]));
    }
    EXPECT_EQ(mismatches, 0) << "of " << actual.size() << " bytes differ (must be byte-exact)";
  }
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  return info.param.folder + "__" + info.param.name;
}

std::vector<Case> CasesOrPlaceholder() {
  std::vector<Case> cases = AllCases();
  if (cases.empty()) cases.push_back(Case{"shared_absent", "none", "", "", "", 0, 0});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Shared, Conformance, ::testing::ValuesIn(CasesOrPlaceholder()), CaseName);

// One test per model: the arena tinyml needs is at most what TFLM needed.
class ConformanceArena : public ::testing::TestWithParam<Case> {};

TEST_P(ConformanceArena, AtMostTflm) {
  const Case& c = GetParam();
  if (c.model_path.empty()) GTEST_SKIP() << "../shared/conformance not found: arena comparison skipped";
  Runner runner(c.model_path);
  if (runner.status == Status::kUnsupportedOp)
    GTEST_SKIP() << c.folder << ": model uses an op outside the implemented set (" << runner.error << ")";
  ASSERT_EQ(runner.status, Status::kOk) << runner.error;
  const size_t ours = runner.interpreter->RequiredArenaBytes();
  std::printf("[arena] %-30s tinyml %8zu B   TFLM %8lld B   (%.1f%%)\n", c.folder.c_str(), ours,
              static_cast<long long>(c.tflm_arena), 100.0 * ours / std::max<int64_t>(1, c.tflm_arena));
  ASSERT_GT(c.tflm_arena, 0) << "README has no arena_used_bytes";
  EXPECT_LE(static_cast<int64_t>(ours), c.tflm_arena);
}

std::vector<Case> OnePerModel() {
  std::vector<Case> out;
  std::map<std::string, bool> seen;
  for (const Case& c : AllCases())
    if (!seen[c.folder]) {
      seen[c.folder] = true;
      out.push_back(c);
    }
  if (out.empty()) out.push_back(Case{"shared_absent", "none", "", "", "", 0, 0});
  return out;
}

INSTANTIATE_TEST_SUITE_P(Shared, ConformanceArena, ::testing::ValuesIn(OnePerModel()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.folder; });

// Placeholder parameter when ../shared is missing: skip, saying so.
class SharedPresence : public ::testing::Test {};
TEST_F(SharedPresence, Reported) {
  if (AllCases().empty())
    GTEST_SKIP() << "../shared/conformance not found at " << testing::SharedDir()
                 << ": conformance cases skipped";
  SUCCEED() << AllCases().size() << " conformance cases found";
}

}  // namespace
}  // namespace tinyml
