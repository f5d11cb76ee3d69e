// End-to-end tests of the `tinyml` binary: exit codes, one-line errors,
// output bytes, and nothing half-written. Results are checked by parsing
// (JSON, bytes), not by matching whole printed text.
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/model_file.h"
#include "demo_model.h"
#include "tinyml/interpreter.h"
#include "tinyml/op_resolver.h"
#include "writer/model_builder.h"

namespace tinyml {
namespace {

using nlohmann::json;
using writer::ModelBuilder;
using writer::QuantParams;

std::string CliPath() {
  const char* env = std::getenv("TINYML_CLI");
  if (env != nullptr && *env != '\0') return env;
  return TINYML_CLI_PATH;
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string ReadText(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

std::vector<uint8_t> ReadBytes(const std::string& path) {
  const std::string s = ReadText(path);
  return std::vector<uint8_t>(s.begin(), s.end());
}

void WriteBytes(const std::string& path, const void* data, size_t size) {
  std::ofstream f(path, std::ios::binary);
  f.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
}

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

struct Result {
  int exit_code = -1;
  std::string out;
  std::string err;
  // Lines of stderr (without the trailing newline).
  std::vector<std::string> ErrLines() const {
    std::vector<std::string> lines;
    size_t start = 0;
    while (start < err.size()) {
      const size_t nl = err.find('\n', start);
      lines.push_back(err.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    return lines;
  }
};

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/tinyml_cli_test_XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    dir_ = templ;
  }
  void TearDown() override { std::system(("rm -rf " + Quote(dir_)).c_str()); }

  std::string File(const std::string& name) const { return dir_ + "/" + name; }

  std::vector<std::string> Entries() const {
    std::vector<std::string> names;
    DIR* d = opendir(dir_.c_str());
    while (const dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    closedir(d);
    return names;
  }

  // Runs `tinyml ARGS`; `shell_prefix` runs first in the same shell.
  Result Run(const std::string& args, const std::string& shell_prefix = "") {
    const std::string out = File(".stdout"), err = File(".stderr");
    const std::string cmd =
        shell_prefix + "exec " + Quote(CliPath()) + " " + args + " >" + Quote(out) + " 2>" + Quote(err);
    const int status = std::system(cmd.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = ReadText(out);
    r.err = ReadText(err);
    std::remove(out.c_str());
    std::remove(err.c_str());
    return r;
  }

  std::string WriteModel(const std::string& name, const std::vector<uint8_t>& bytes) {
    WriteBytes(File(name), bytes.data(), bytes.size());
    return File(name);
  }

  // A failed command: the given exit code, exactly one stderr line of the
  // form "tinyml: error: ...", and that line returned.
  static std::string ExpectOneLineError(const Result& r, int exit_code) {
    EXPECT_EQ(r.exit_code, exit_code) << r.err;
    const std::vector<std::string> lines = r.ErrLines();
    EXPECT_EQ(lines.size(), 1u) << r.err;
    if (lines.empty()) return "";
    EXPECT_EQ(lines[0].rfind("tinyml: error: ", 0), 0u) << lines[0];
    return lines[0];
  }

  std::string dir_;
};

// Two inputs (int8 [1,4], float32 [1,3]); out0 = input 1, out1 = input 0,
// both through RESHAPE: the run must keep input order and output order.
std::vector<uint8_t> SwapModel() {
  ModelBuilder b;
  const int in0 = b.AddTensor(TensorType::kInt8, {1, 4}, QuantParams::PerTensor(0.5f, 1), "a");
  const int in1 = b.AddTensor(TensorType::kFloat32, {1, 3}, {}, "b");
  const int s0 = b.AddConst<int32_t>(TensorType::kInt32, {1}, std::vector<int32_t>{3});
  const int s1 = b.AddConst<int32_t>(TensorType::kInt32, {1}, std::vector<int32_t>{4});
  const int out0 = b.AddTensor(TensorType::kFloat32, {3}, {}, "b_flat");
  const int out1 = b.AddTensor(TensorType::kInt8, {4}, QuantParams::PerTensor(0.5f, 1), "a_flat");
  writer::ReshapeOptions r0, r1;
  r0.new_shape = {3};
  r1.new_shape = {4};
  b.AddOperator(BuiltinOp::kReshape, {in1, s0}, {out0}, r0);
  b.AddOperator(BuiltinOp::kReshape, {in0, s1}, {out1}, r1);
  b.SetInputs({in0, in1});
  b.SetOutputs({out0, out1});
  return b.Finish();
}

// One input of `elements` values of `type`, reshaped to a flat output.
std::vector<uint8_t> FlattenModel(TensorType type, int32_t elements) {
  ModelBuilder b;
  const int in = b.AddTensor(type, {1, elements}, {}, "in");
  const int s = b.AddConst<int32_t>(TensorType::kInt32, {1}, std::vector<int32_t>{elements});
  const int out = b.AddTensor(type, {elements}, {}, "out");
  writer::ReshapeOptions r;
  r.new_shape = {elements};
  b.AddOperator(BuiltinOp::kReshape, {in, s}, {out}, r);
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

std::vector<uint8_t> SvdfModel() {
  ModelBuilder b;
  const int in = b.AddTensor(TensorType::kInt8, {1, 4}, QuantParams::PerTensor(1.0f, 0), "in");
  const int out = b.AddTensor(TensorType::kInt8, {1, 4}, QuantParams::PerTensor(1.0f, 0), "out");
  b.AddOperator(static_cast<BuiltinOp>(27), {in}, {out});
  b.SetInputs({in});
  b.SetOutputs({out});
  return b.Finish();
}

const OpResolver& Resolver() {
  static StaticOpResolver<64> resolver;
  static const Status status = AddAllBuiltins(resolver);
  EXPECT_EQ(status, Status::kOk);
  return resolver;
}

TEST_F(CliTest, HelpAndVersion) {
  for (const char* args : {"--help", "inspect --help", "run --help", "bench --help"}) {
    const Result r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << args << ": " << r.err;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << args;
    EXPECT_NE(r.out.find("Examples:"), std::string::npos) << args;
  }
  EXPECT_NE(Run("run --help").out.find("--stream-stride"), std::string::npos);
  const Result v = Run("--version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("tinyml ", 0), 0u) << v.out;
}

TEST_F(CliTest, UsageErrorsExitTwoWithOneLine) {
  const std::string model = WriteModel("m.tflite", SwapModel());
  ExpectOneLineError(Run(""), 2);
  ExpectOneLineError(Run("frobnicate"), 2);
  ExpectOneLineError(Run("run " + Quote(model) + " --output " + Quote(File("o.bin"))), 2);
  ExpectOneLineError(Run("run " + Quote(model) + " --input x --output y --stream-stride 0"), 2);
  ExpectOneLineError(Run("bench " + Quote(model) + " --target avr"), 2);
  EXPECT_FALSE(Exists(File("o.bin")));
}

TEST_F(CliTest, RunKeepsInputAndOutputOrder) {
  const std::string model = WriteModel("swap.tflite", SwapModel());
  const int8_t a[4] = {-128, -1, 0, 127};
  const float b[3] = {1.5f, -2.25f, 3.0e-8f};
  std::vector<uint8_t> in(sizeof(a) + sizeof(b));
  std::memcpy(in.data(), a, sizeof(a));
  std::memcpy(in.data() + sizeof(a), b, sizeof(b));
  WriteBytes(File("in.bin"), in.data(), in.size());
  const Result r =
      Run("run " + Quote(model) + " --input " + Quote(File("in.bin")) + " --output " + Quote(File("out.bin")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<uint8_t> expected(in.begin() + sizeof(a), in.end());
  expected.insert(expected.end(), in.begin(), in.begin() + sizeof(a));
  EXPECT_EQ(ReadBytes(File("out.bin")), expected);
}

TEST_F(CliTest, RunDemoModelMatchesInProcessInterpreter) {
  const std::vector<uint8_t> file = demo::BuildDemoModel();
  const std::string model = WriteModel("demo.tflite", file);
  std::vector<uint8_t> in(256);
  uint32_t x = 12345;  // printed seed of the input: 12345 (xorshift32)
  for (auto& v : in) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    v = static_cast<uint8_t>(x >> 24);
  }
  WriteBytes(File("in.bin"), in.data(), in.size());
  const Result r = Run("run " + Quote(model) + " -i " + Quote(File("in.bin")) + " -o " + Quote(File("out.bin")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::vector<uint8_t> got = ReadBytes(File("out.bin"));
  ASSERT_EQ(got.size(), 10u);

  tools::AlignedBuffer bytes(file.size());
  std::memcpy(bytes.data(), file.data(), file.size());
  Model m;
  ASSERT_EQ(m.Load(bytes.data(), bytes.size()), Status::kOk) << m.error();
  tools::AlignedBuffer arena(1 << 20);
  Interpreter interp(m, Resolver(), arena.data(), arena.size());
  ASSERT_EQ(interp.Prepare(), Status::kOk) << interp.error();
  std::memcpy(interp.input(0)->data, in.data(), in.size());
  ASSERT_EQ(interp.Invoke(), Status::kOk) << interp.error();
  const uint8_t* want = static_cast<const uint8_t*>(interp.output(0)->data);
  EXPECT_EQ(got, std::vector<uint8_t>(want, want + 10));
  // Softmax probabilities (scale 1/256, zero point -128) sum to about 1.
  int sum = 0;
  for (uint8_t v : got) sum += static_cast<int8_t>(v) + 128;
  EXPECT_NEAR(sum, 256, 10);
}

TEST_F(CliTest, WrongInputSizeNamesBothSizes) {
  const std::string model = WriteModel("swap.tflite", SwapModel());
  WriteBytes(File("in.bin"), "12345", 5);
  WriteBytes(File("out.bin"), "old", 3);
  const std::string line = ExpectOneLineError(
      Run("run " + Quote(model) + " --input " + Quote(File("in.bin")) + " --output " + Quote(File("out.bin"))), 1);
  EXPECT_NE(line.find(File("in.bin") + ": "), std::string::npos) << line;
  EXPECT_NE(line.find("has 5 bytes"), std::string::npos) << line;
  EXPECT_NE(line.find("expects 16"), std::string::npos) << line;
  EXPECT_EQ(ReadText(File("out.bin")), "old");  // untouched
}

TEST_F(CliTest, MissingAndCorruptModels) {
  WriteBytes(File("in.bin"), "1234", 4);
  const std::string run_args = " --input " + Quote(File("in.bin")) + " --output " + Quote(File("out.bin"));
  std::string line = ExpectOneLineError(Run("run " + Quote(File("nope.tflite")) + run_args), 1);
  EXPECT_NE(line.find(File("nope.tflite") + ": no such file"), std::string::npos) << line;
  line = ExpectOneLineError(Run("inspect " + Quote(File("nope.tflite"))), 1);
  EXPECT_NE(line.find("no such file"), std::string::npos) << line;

  std::vector<uint8_t> corrupt = demo::BuildDemoModel();
  corrupt.resize(corrupt.size() / 2);  // truncated
  const std::string half = WriteModel("half.tflite", corrupt);
  line = ExpectOneLineError(Run("run " + Quote(half) + run_args), 1);
  EXPECT_NE(line.find(half + ": invalid model"), std::string::npos) << line;
  const std::string junk = WriteModel("junk.tflite", std::vector<uint8_t>(100, 0xff));
  line = ExpectOneLineError(Run("inspect " + Quote(junk) + " --json"), 1);
  EXPECT_NE(line.find(junk + ": invalid model"), std::string::npos) << line;
  WriteBytes(File("empty.tflite"), "", 0);
  line = ExpectOneLineError(Run("bench " + Quote(File("empty.tflite"))), 1);
  EXPECT_NE(line.find("empty"), std::string::npos) << line;
  EXPECT_FALSE(Exists(File("out.bin")));
}

TEST_F(CliTest, UnwritableOutputLeavesNothing) {
  const std::string model = WriteModel("flat.tflite", FlattenModel(TensorType::kInt8, 8));
  WriteBytes(File("in.bin"), "abcdefgh", 8);
  WriteBytes(File("plain"), "x", 1);
  const std::vector<std::string> before = Entries();
  for (const std::string& out : {File("missing_dir/out.bin"), File("plain/out.bin"), dir_}) {
    const std::string line = ExpectOneLineError(
        Run("run " + Quote(model) + " --input " + Quote(File("in.bin")) + " --output " + Quote(out)), 1);
    EXPECT_NE(line.find(out + ": "), std::string::npos) << line;
  }
  EXPECT_EQ(Entries(), before);
}

// A file-size limit (SIGXFSZ ignored) makes the write fail like a full disk.
TEST_F(CliTest, FullDiskLeavesNoOutputAndNoTemporary) {
  const std::string model = WriteModel("flat.tflite", FlattenModel(TensorType::kInt8, 8192));
  const std::vector<uint8_t> in(8192, 7);
  WriteBytes(File("in.bin"), in.data(), in.size());
  const std::vector<std::string> before = Entries();
  const std::string line = ExpectOneLineError(
      Run("run " + Quote(model) + " --input " + Quote(File("in.bin")) + " --output " + Quote(File("out.bin")),
          "trap '' XFSZ; ulimit -f 4; "),
      1);
  EXPECT_NE(line.find("write failed"), std::string::npos) << line;
  EXPECT_EQ(Entries(), before);
}

TEST_F(CliTest, InspectJsonReportsTheInterpretersArena) {
  const std::vector<uint8_t> file = demo::BuildDemoModel();
  const std::string model = WriteModel("demo.tflite", file);
  const Result r = Run("inspect " + Quote(model) + " --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json report = json::parse(r.out);

  tools::AlignedBuffer bytes(file.size());
  std::memcpy(bytes.data(), file.data(), file.size());
  Model m;
  ASSERT_EQ(m.Load(bytes.data(), bytes.size()), Status::kOk);
  tools::AlignedBuffer arena(1 << 20);
  Interpreter interp(m, Resolver(), arena.data(), arena.size());
  ASSERT_EQ(interp.Prepare(), Status::kOk) << interp.error();
  EXPECT_EQ(report["memory"]["arena_bytes"].get<size_t>(), interp.RequiredArenaBytes());
  EXPECT_EQ(report["memory"]["planned_bytes"].get<size_t>(), interp.planned_bytes());
  EXPECT_TRUE(report["ok"].get<bool>());
  EXPECT_EQ(report["model"]["file_bytes"].get<size_t>(), file.size());
  EXPECT_EQ(report["totals"]["macs"].get<int64_t>(), demo::kDemoModelMacs);
  std::vector<std::string> ops;
  for (const json& op : report["operators"]) ops.push_back(op["op"].get<std::string>());
  EXPECT_EQ(
      ops, (std::vector<std::string>{"CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "FULLY_CONNECTED", "SOFTMAX"}));
  EXPECT_EQ(report["inputs"][0]["shape"], json({1, 16, 16, 1}));

  // The table form prints the same arena number.
  const Result text = Run("inspect " + Quote(model));
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find(std::to_string(interp.RequiredArenaBytes())), std::string::npos);
}

// The bytes of the first "{ ... }" array in a header `tinyml embed` wrote.
std::vector<uint8_t> HeaderArrayBytes(const std::string& text) {
  std::vector<uint8_t> bytes;
  const size_t open = text.find('{'), close = text.find('}', open);
  if (open == std::string::npos || close == std::string::npos) return bytes;
  for (size_t at = text.find("0x", open); at < close; at = text.find("0x", at + 2)) {
    bytes.push_back(static_cast<uint8_t>(std::stoi(text.substr(at + 2, 2), nullptr, 16)));
  }
  return bytes;
}

TEST_F(CliTest, EmbedWritesTheModelAsAnAlignedConstantArray) {
  const std::vector<uint8_t> file = demo::BuildDemoModel();
  const std::string model = WriteModel("demo-net.tflite", file);
  // Default name from the file's name, written where asked.
  Result r = Run("embed " + Quote(model) + " --out " + Quote(File("demo.h")));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string text = ReadText(File("demo.h"));
  EXPECT_EQ(HeaderArrayBytes(text), file);
  EXPECT_NE(text.find("alignas(16) inline constexpr unsigned char demo_net_model[" + std::to_string(file.size()) +
                      "] = {"),
            std::string::npos)
      << text.substr(0, 800);
  EXPECT_NE(text.find("inline constexpr std::size_t demo_net_model_size = " + std::to_string(file.size()) + ";"),
            std::string::npos);
  EXPECT_NE(text.find("#ifndef DEMO_H_"), std::string::npos);
  // The comment's arena figure is inspect's (thousands separated).
  const Result inspect = Run("inspect " + Quote(model) + " --json");
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  const size_t at = text.find("Tensor arena: ");
  ASSERT_NE(at, std::string::npos) << text.substr(0, 800);
  std::string figure;
  for (size_t i = at + 14; i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == ',');
       ++i) {
    if (text[i] != ',') figure += text[i];
  }
  EXPECT_EQ(figure, std::to_string(json::parse(inspect.out)["memory"]["arena_bytes"].get<size_t>()));
  // No wake-word metadata in the demo net, so no such comment.
  EXPECT_EQ(text.find("Wake word"), std::string::npos);

  // --name; the default output is NAME.h in the current directory.
  r = Run("embed " + Quote(model) + " --name g_net", "cd " + Quote(dir_) + " && ");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  text = ReadText(File("g_net.h"));
  EXPECT_EQ(HeaderArrayBytes(text), file);
  EXPECT_NE(text.find("unsigned char g_net[" + std::to_string(file.size()) + "]"), std::string::npos);
}

TEST_F(CliTest, EmbedRefusesBadNamesModelsAndDirectories) {
  const std::string model = WriteModel("demo.tflite", demo::BuildDemoModel());
  std::vector<uint8_t> corrupt = demo::BuildDemoModel();
  corrupt.resize(corrupt.size() / 2);
  const std::string half = WriteModel("half.tflite", corrupt);
  WriteBytes(File("plain"), "x", 1);
  const std::vector<std::string> before = Entries();
  std::string line = ExpectOneLineError(Run("embed " + Quote(model) + " --name 9lives -o " + Quote(File("a.h"))), 2);
  EXPECT_NE(line.find("not a C identifier"), std::string::npos) << line;
  line = ExpectOneLineError(Run("embed " + Quote(model) + " --name 'a-b' -o " + Quote(File("a.h"))), 2);
  EXPECT_NE(line.find("not a C identifier"), std::string::npos) << line;
  line = ExpectOneLineError(Run("embed " + Quote(half) + " -o " + Quote(File("a.h"))), 1);
  EXPECT_NE(line.find(half + ": invalid model"), std::string::npos) << line;
  for (const std::string& out : {File("missing_dir/a.h"), File("plain/a.h"), dir_}) {
    line = ExpectOneLineError(Run("embed " + Quote(model) + " -o " + Quote(out)), 1);
    EXPECT_NE(line.find(out + ": "), std::string::npos) << line;
  }
  EXPECT_EQ(Entries(), before);
}

TEST_F(CliTest, InspectUnsupportedOpPrintsStructureThenFails) {
  const std::string model = WriteModel("svdf.tflite", SvdfModel());
  const Result r = Run("inspect " + Quote(model) + " --json");
  const std::string line = ExpectOneLineError(r, 1);
  EXPECT_NE(line.find("op 0 SVDF: operator not supported"), std::string::npos) << line;
  const json report = json::parse(r.out);
  EXPECT_FALSE(report["operators"][0]["supported"].get<bool>());
  EXPECT_TRUE(report["memory"].is_null());
  ASSERT_EQ(report["tensors"].size(), 2u);

  WriteBytes(File("in.bin"), "1234", 4);
  ExpectOneLineError(Run("run " + Quote(model) + " -i " + Quote(File("in.bin")) + " -o " + Quote(File("o.bin"))), 1);
  EXPECT_FALSE(Exists(File("o.bin")));
}

TEST_F(CliTest, StreamStrideSlidesOneInterpreterOverTheInput) {
  // int16 window of 4 samples (8 bytes) over 10 samples (20 bytes).
  const std::string model = WriteModel("flat16.tflite", FlattenModel(TensorType::kInt16, 4));
  std::vector<uint8_t> in(20);
  for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<uint8_t>(i * 7 + 1);
  WriteBytes(File("in.bin"), in.data(), in.size());
  for (const size_t stride : {2u, 3u, 4u, 8u, 100u}) {
    const Result r = Run("run " + Quote(model) + " --input " + Quote(File("in.bin")) + " --output " +
                         Quote(File("out.bin")) + " --stream-stride " + std::to_string(stride));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const size_t k = (in.size() - 8) / stride + 1;  // windows that fit
    std::vector<uint8_t> expected;
    for (size_t w = 0; w < k; ++w)
      expected.insert(expected.end(), in.begin() + w * stride, in.begin() + w * stride + 8);
    EXPECT_EQ(ReadBytes(File("out.bin")), expected) << "stride " << stride;
    EXPECT_EQ(ReadBytes(File("out.bin")).size(), k * 8);
  }
  // Less than one window, and models with several inputs, are errors.
  WriteBytes(File("short.bin"), in.data(), 7);
  ExpectOneLineError(Run("run " + Quote(model) + " -i " + Quote(File("short.bin")) + " -o " + Quote(File("o2.bin")) +
                         " --stream-stride 2"),
                     1);
  const std::string swap = WriteModel("swap.tflite", SwapModel());
  const std::string line = ExpectOneLineError(Run("run " + Quote(swap) + " -i " + Quote(File("in.bin")) + " -o " +
                                                  Quote(File("o2.bin")) + " --stream-stride 2"),
                                              1);
  EXPECT_NE(line.find("exactly one input"), std::string::npos) << line;
  EXPECT_FALSE(Exists(File("o2.bin")));
}

TEST_F(CliTest, BenchStrideNeedsThePipeline) {
  const std::string model = WriteModel("flat.tflite", FlattenModel(TensorType::kInt8, 8));
  const std::string line = ExpectOneLineError(Run("bench " + Quote(model) + " --stride 2"), 2);
  EXPECT_NE(line.find("--stride goes with --pipeline"), std::string::npos) << line;
}

TEST_F(CliTest, BenchReportsStatistics) {
  const std::string model = WriteModel("demo.tflite", demo::BuildDemoModel());
  const Result r = Run("bench " + Quote(model) + " --iterations 7 --json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json b = json::parse(r.out);
  EXPECT_EQ(b["iterations"].get<int>(), 7);
  EXPECT_EQ(b["target"].get<std::string>(), "host");
  const double mn = b["min_us"], med = b["median_us"], mean = b["mean_us"], mx = b["max_us"];
  EXPECT_GT(mn, 0.0);
  EXPECT_LE(mn, med);
  EXPECT_LE(med, mx);
  EXPECT_LE(mn, mean);
  EXPECT_LE(mean, mx);
  const Result inspect = Run("inspect " + Quote(model) + " --json");
  EXPECT_EQ(b["arena_bytes"].get<size_t>(), json::parse(inspect.out)["memory"]["arena_bytes"].get<size_t>());

  const Result human = Run("bench " + Quote(model) + " -n 3 --target host");
  EXPECT_EQ(human.exit_code, 0) << human.err;
  // Cortex-M targets pass the model path to the firmware by semihosting,
  // which cannot carry spaces: refused with one line before any build.
  const std::string spaced = WriteModel("demo model.tflite", demo::BuildDemoModel());
  const std::string line = ExpectOneLineError(Run("bench " + Quote(spaced) + " --target cortex-m4"), 1);
  EXPECT_NE(line.find("semihosting"), std::string::npos) << line;
}

// Byte-exact against TFLite Micro when the shared vectors are present.
TEST_F(CliTest, HelloWorldConformanceWhenPresent) {
  const std::string shared = TINYML_SHARED_DIR;
  const std::string model = shared + "/models/hello_world/hello_world_int8.tflite";
  const std::string golden = shared + "/conformance/hello_world_int8";
  if (!Exists(model) || !Exists(golden)) GTEST_SKIP() << "no shared conformance data at " << shared;
  for (const char* c : {"rand0", "rand1", "edge_min", "edge_max"}) {
    const Result r =
        Run("run " + Quote(model) + " -i " + Quote(golden + "/input_" + c + ".bin") + " -o " + Quote(File("out.bin")));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(ReadBytes(File("out.bin")), ReadBytes(golden + "/output_" + c + ".bin")) << c;
  }
}

// The streaming convention of ../conformance: 49 windows of 960 bytes every
// 640 bytes over one second of audio, state carried across windows.
TEST_F(CliTest, AudioPreprocessorStreamConformanceWhenPresent) {
  const std::string shared = TINYML_SHARED_DIR;
  const std::string audio = shared + "/models/micro_speech/audio_preprocessor_int8.tflite";
  const std::string stream_golden = shared + "/conformance/audio_preprocessor_int8/output_wav_yes_1000ms_stream.bin";
  if (!Exists(audio) || !Exists(stream_golden)) GTEST_SKIP() << "no shared conformance data at " << shared;
  const Result r = Run("run " + Quote(audio) + " -i " + Quote(shared + "/models/micro_speech/yes_1000ms_pcm16.bin") +
                       " -o " + Quote(File("stream.bin")) + " --stream-stride 640");
  if (r.exit_code != 0 && r.err.find("not supported") != std::string::npos)
    GTEST_SKIP() << "audio preprocessor ops not available yet: " << r.err;
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadBytes(File("stream.bin")), ReadBytes(stream_golden));
}

}  // namespace
}  // namespace tinyml
