// KwsPipeline with the frontend's constant tables (FrontendTables) against
// one that builds them in its memory: the bundled model on the bundled demo
// recording (nothing from ../shared).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/audio.h"
#include "common/model_file.h"
#include "kws/pipeline.h"
#include "tinyml/frontend.h"
#include "tinyml/kws_metadata.h"
#include "tinyml/op_resolver.h"

namespace tinyml {
namespace {

struct Found {
  std::vector<Detection> detections;
};

void Collect(void* context, const Detection& d) { static_cast<Found*>(context)->detections.push_back(d); }

// The bundled model, prepared, with a pipeline over `tables` (may be null).
struct Bundled {
  explicit Bundled(const FrontendTables* tables, bool with_interpreter = false) {
    file = tools::ModelFile::Load(std::string(TINYML_SOURCE_DIR) + "/models/marvin.tflite");
    EXPECT_EQ(AddAllBuiltins(resolver), Status::kOk);
    runner = std::make_unique<tools::ArenaInterpreter>(file->model(), resolver);
    EXPECT_EQ(runner->Prepare(), Status::kOk) << runner->error();
    EXPECT_EQ(FrontendConfigForModel(runner->interpreter(), &frontend), Status::kOk);
    char error[160] = {};
    EXPECT_EQ(DetectorConfigForModel(runner->interpreter(), frontend, &detector, error, sizeof(error)), Status::kOk)
        << error;
    if (with_interpreter) {
      EXPECT_EQ(KwsPipeline::RequiredBytes(frontend, tables, detector, runner->interpreter(), &bytes), Status::kOk);
    } else {
      EXPECT_EQ(KwsPipeline::RequiredBytes(frontend, tables, detector, &bytes), Status::kOk);
    }
    memory = tools::AlignedBuffer(bytes);
    EXPECT_EQ(pipeline.Init(frontend, tables, detector, &runner->interpreter(), memory.data(), memory.size()),
              Status::kOk)
        << pipeline.error();
    // The model's own threshold (its metadata), as `tinyml detect` uses it.
    KwsMetadataView meta;
    EXPECT_TRUE(ReadKwsMetadata(file->model(), &meta));
    EXPECT_EQ(meta.WordLabel(), 1);
    EXPECT_EQ(pipeline.detector().SetThreshold(1, meta.threshold_q15), Status::kOk);
    EXPECT_EQ(pipeline.detector().SetBackground(0, true), Status::kOk);
  }
  std::unique_ptr<tools::ModelFile> file;
  StaticOpResolver<64> resolver;
  std::unique_ptr<tools::ArenaInterpreter> runner;
  FrontendConfig frontend;
  DetectorConfig detector;
  size_t bytes = 0;
  tools::AlignedBuffer memory;
  KwsPipeline pipeline;
};

TEST(KwsPipelineTables, ConstantTablesGiveTheSameScoresAndDetectionsFromLessMemory) {
  const std::vector<int16_t> audio =
      tools::ReadAudioFile(std::string(TINYML_SOURCE_DIR) + "/models/demo_marvin.flac");
  ASSERT_GT(audio.size(), 16000u * 20);
  const FrontendTables& tables = FrontendTables::MicroSpeech();
  Bundled built(nullptr), given(&tables);
  EXPECT_GE(built.bytes - given.bytes, tables.bytes());
  EXPECT_LT(built.bytes - given.bytes, tables.bytes() + 64);
  Found a, b;
  const size_t hop = 320;
  for (size_t at = 0; at < audio.size(); at += hop) {
    const size_t n = std::min(hop, audio.size() - at);
    ASSERT_EQ(built.pipeline.Push(audio.data() + at, n, Collect, &a), Status::kOk) << built.pipeline.error();
    ASSERT_EQ(given.pipeline.Push(audio.data() + at, n, Collect, &b), Status::kOk) << given.pipeline.error();
    ASSERT_EQ(built.pipeline.detector().invokes(), given.pipeline.detector().invokes());
    if (built.pipeline.detector().invokes() == 0) continue;
    for (int32_t label = 0; label < 2; ++label) {
      ASSERT_EQ(built.pipeline.detector().last_scores()[label], given.pipeline.detector().last_scores()[label])
          << "label " << label << " at sample " << at;
    }
  }
  EXPECT_GT(built.pipeline.detector().invokes(), 900);  // every hop once the window is full
  // The demo's three words (model card: 2.43, 10.45, 18.35 s).
  ASSERT_EQ(a.detections.size(), 3u);
  ASSERT_EQ(b.detections.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a.detections[i].time_ms, b.detections[i].time_ms);
    EXPECT_EQ(a.detections[i].score, b.detections[i].score);
  }

  // The pipeline keeps no frontend backlog, so one push of the whole
  // recording (split into hops inside) gives the same detections.
  Bundled whole(&tables);
  Found c;
  ASSERT_EQ(whole.pipeline.Push(audio.data(), audio.size(), Collect, &c), Status::kOk) << whole.pipeline.error();
  ASSERT_EQ(c.detections.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(c.detections[i].time_ms, b.detections[i].time_ms);
}

// The bundled model's arena has room for the frontend's per-frame scratch
// between invokes, so the pipeline puts it there and needs that much less
// memory; the scores after every hop and the detections are those of the
// frontend and detector run apart, each in memory of its own.
TEST(KwsPipelineScratch, FrontendScratchInTheArenaGivesTheSameScoresAsFrontendAndDetectorApart) {
  const std::vector<int16_t> audio =
      tools::ReadAudioFile(std::string(TINYML_SOURCE_DIR) + "/models/demo_marvin.flac");
  const FrontendTables& tables = FrontendTables::MicroSpeech();
  Bundled shared(&tables, /*with_interpreter=*/true);
  ASSERT_TRUE(shared.pipeline.scratch_in_arena());
  size_t standalone = 0, scratch = 0;
  ASSERT_EQ(KwsPipeline::RequiredBytes(shared.frontend, &tables, shared.detector, &standalone), Status::kOk);
  ASSERT_EQ(Frontend::ScratchBytes(shared.frontend, &tables, &scratch), Status::kOk);
  EXPECT_EQ(standalone - shared.bytes, scratch);
  size_t idle = 0;
  ASSERT_NE(shared.runner->interpreter().ScratchBetweenInvokes(&idle), nullptr);
  EXPECT_GE(idle, scratch);

  // The reference: the same model in an arena of its own, fed by a
  // frontend and a detector with their own memory.
  Bundled apart_model(&tables);
  FrontendConfig fc = shared.frontend;
  fc.backlog_samples = 0;
  size_t fbytes = 0, dbytes = 0;
  ASSERT_EQ(Frontend::RequiredBytes(fc, &tables, &fbytes), Status::kOk);
  ASSERT_EQ(Detector::RequiredBytes(shared.detector, &dbytes), Status::kOk);
  tools::AlignedBuffer fmem(fbytes), dmem(dbytes);
  Frontend frontend;
  Detector detector;
  ASSERT_EQ(frontend.Init(fc, &tables, fmem.data(), fmem.size()), Status::kOk) << frontend.error();
  ASSERT_EQ(detector.Init(shared.detector, dmem.data(), dmem.size()), Status::kOk) << detector.error();
  ASSERT_EQ(detector.SetThreshold(1, shared.pipeline.detector().threshold(1)), Status::kOk);
  ASSERT_EQ(detector.SetBackground(0, true), Status::kOk);

  Found a, b;
  uint8_t frame[64];
  const size_t hop = 320;
  for (size_t at = 0; at + hop <= audio.size(); at += hop) {
    ASSERT_EQ(shared.pipeline.Push(audio.data() + at, hop, Collect, &a), Status::kOk) << shared.pipeline.error();
    size_t written = 0;
    ASSERT_EQ(frontend.Push(audio.data() + at, hop, frame, 1, &written), Status::kOk) << frontend.error();
    if (written == 1) {
      Detection event;
      bool detected = false;
      ASSERT_EQ(detector.ProcessFrame(apart_model.runner->interpreter(), frame, &event, &detected), Status::kOk)
          << detector.error();
      if (detected) b.detections.push_back(event);
    }
    ASSERT_EQ(shared.pipeline.detector().invokes(), detector.invokes());
    if (detector.invokes() == 0) continue;
    for (int32_t label = 0; label < 2; ++label)
      ASSERT_EQ(shared.pipeline.detector().last_scores()[label], detector.last_scores()[label])
          << "label " << label << " at sample " << at;
  }
  EXPECT_GT(detector.invokes(), 900);
  ASSERT_EQ(a.detections.size(), 3u);
  ASSERT_EQ(b.detections.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(a.detections[i].time_ms, b.detections[i].time_ms);
    EXPECT_EQ(a.detections[i].score, b.detections[i].score);
  }
}

// Sizing against an interpreter that is not prepared: refused, 0 bytes.
TEST(KwsPipelineScratch, RequiredBytesWithAnUnpreparedInterpreterIsRefused) {
  Bundled b(&FrontendTables::MicroSpeech());
  tools::AlignedBuffer arena(64);
  Interpreter unprepared(b.file->model(), b.resolver, arena.data(), arena.size());
  size_t bytes = 123;
  EXPECT_EQ(KwsPipeline::RequiredBytes(b.frontend, &FrontendTables::MicroSpeech(), b.detector, unprepared, &bytes),
            Status::kNotPrepared);
  EXPECT_EQ(bytes, 0u);
}

TEST(KwsPipelineTables, TablesOfAnotherConfigurationAreRefused) {
  const FrontendTables& tables = FrontendTables::MicroSpeech();
  Bundled b(nullptr);
  FrontendConfig other = b.frontend;
  other.upper_band_hz = 7000.0f;  // same frame size, other filter bank
  size_t bytes = 0;
  EXPECT_EQ(KwsPipeline::RequiredBytes(other, &tables, b.detector, &bytes), Status::kInvalidArgument);
  ASSERT_EQ(KwsPipeline::RequiredBytes(other, b.detector, &bytes), Status::kOk);
  tools::AlignedBuffer memory(bytes);
  KwsPipeline p;
  EXPECT_EQ(p.Init(other, &tables, b.detector, &b.runner->interpreter(), memory.data(), memory.size()),
            Status::kInvalidArgument);
  EXPECT_STREQ(p.error(), "frontend: tables were made for another configuration");
}

}  // namespace
}  // namespace tinyml
