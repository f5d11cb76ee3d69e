#include "model/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "data/hash.h"
#include "model/qat.h"
#include "tinyml/frontend.h"

namespace tinyml::train {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int32_t kCalibrationBatches = 16;
constexpr int64_t kBatchNormBatches = 64;  // re-estimating batch norm for averaged weights
constexpr double kQatCostFactor = 1.7;  // a QAT epoch against a float epoch (measured roughly)

using Clock = std::chrono::steady_clock;
double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

// The run key's starting value: FNV's offset basis a digit short, as the
// keys of existing checkpoints were made with it (kept so they resume).
constexpr uint64_t kRunKeyBasis = 1469598103934665603ull;

void CheckDataset(const Dataset& d, const char* what, bool allow_empty) {
  if (d.size() == 0 && allow_empty) return;
  if (d.size() == 0) throw std::invalid_argument(std::string(what) + " set is empty");
  if (d.frames != kModelFrames || d.features != kModelFeatures)
    throw std::invalid_argument(std::string(what) + " set has " + std::to_string(d.frames) + "x" +
                                std::to_string(d.features) + " features, the models read " +
                                std::to_string(kModelFrames) + "x" + std::to_string(kModelFeatures));
  if (d.x.size() != d.size() * static_cast<size_t>(kModelFrames * kModelFeatures))
    throw std::invalid_argument(std::string(what) + " set: feature array size does not match the labels");
}

torch::Tensor Labels(const Dataset& d) {
  std::vector<int64_t> v(d.labels.begin(), d.labels.end());
  return torch::tensor(v, torch::kInt64);
}

// One learning rate for the step `step` of `steps` of a phase: cosine from
// `base` down to 2 % of it.
double CosineLr(double base, int64_t step, int64_t steps) {
  const double t = steps > 0 ? std::min(1.0, static_cast<double>(step) / static_cast<double>(steps)) : 1.0;
  return base * (0.02 + 0.98 * 0.5 * (1.0 + std::cos(kPi * t)));
}

void SetLr(torch::optim::AdamW& opt, double lr) {
  for (auto& group : opt.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
}

// SpecAugment-style masks on [B, features, frames]: one run of 0..6 frames
// and one of 0..5 features set to 0 (the lowest feature value).
torch::Tensor Augment(const torch::Tensor& x) {
  const int64_t b = x.size(0);
  const torch::Tensor t0 = torch::randint(0, kModelFrames, {b, 1});
  const torch::Tensor tw = torch::randint(0, 7, {b, 1});
  const torch::Tensor f0 = torch::randint(0, kModelFeatures, {b, 1});
  const torch::Tensor fw = torch::randint(0, 6, {b, 1});
  const torch::Tensor t = torch::arange(kModelFrames).view({1, kModelFrames});
  const torch::Tensor f = torch::arange(kModelFeatures).view({1, kModelFeatures});
  const torch::Tensor time_mask = (t >= t0) & (t < t0 + tw);
  const torch::Tensor freq_mask = (f >= f0) & (f < f0 + fw);
  const torch::Tensor mask = time_mask.unsqueeze(1) | freq_mask.unsqueeze(2);
  return x.masked_fill(mask, 0.0);
}

struct Plan {
  int32_t epochs = 0;
  int32_t float_epochs = 0;
  int32_t observe_until = 0;  // QAT epochs before this one update activation ranges
};

Plan MakePlan(int32_t epochs, double float_fraction) {
  Plan p;
  p.epochs = std::max(epochs, 2);
  p.float_epochs = std::clamp(static_cast<int32_t>(std::lround(p.epochs * float_fraction)), 1, p.epochs - 1);
  const int32_t qat = p.epochs - p.float_epochs;
  p.observe_until = p.float_epochs + std::max(1, qat / 2);
  return p;
}

// Fine-tuning (TrainConfig::init_checkpoint): every epoch quantization-aware,
// activation ranges as loaded.
Plan MakeFineTunePlan(int32_t epochs) {
  Plan p;
  p.epochs = std::max(epochs, 1);
  return p;
}

class Trainer {
 public:
  Trainer(const ArchSpec& arch, const Dataset& train, const Dataset& val, const TrainConfig& config,
          const TrainCallbacks& callbacks)
      : arch_(arch), train_(train), val_(val), config_(config), cb_(callbacks) {}

  TrainResult Run();

 private:
  void Note(const std::string& s) {
    if (cb_.note) cb_.note(s);
  }
  std::unique_ptr<torch::optim::AdamW> MakeOptimizer(bool qat) {
    torch::optim::AdamWOptions o(qat ? config_.qat_learning_rate : config_.learning_rate);
    o.weight_decay(config_.weight_decay);
    return std::make_unique<torch::optim::AdamW>(net_->parameters(), o);
  }
  void EnterQat();
  // Weight averaging (TrainConfig::weight_average): the first epoch of the
  // phase whose weights are averaged (past the phase: none), folding the
  // weights in after a batch, and ending the phase on the average.
  int32_t AverageFrom(bool qat) const;
  void AccumulateAverage();
  void ApplyAverage(bool qat, int32_t epoch);
  double Accuracy(const torch::Tensor& x, const torch::Tensor& y);
  int32_t EstimateEpochs();
  // Epochs (2..400, float and QAT at the planned split) that fit `seconds`
  // when a float epoch takes float_epoch_s.
  int32_t EpochsFitting(double seconds, double float_epoch_s) const;
  bool TryResume(int32_t* done);
  Plan PlanFor(int32_t epochs) const {
    return config_.init_checkpoint.empty() ? MakePlan(epochs, config_.float_fraction) : MakeFineTunePlan(epochs);
  }
  // Loads init_checkpoint (init_bytes_) into net_ (QAT mode) and returns
  // whether its activation ranges still need calibrating.
  bool LoadInitialCheckpoint();
  void SaveCheckpoint(int32_t epochs_done);
  std::string CheckpointPath() const { return (std::filesystem::path(config_.checkpoint_dir) / "checkpoint.pt").string(); }
  bool OutOfTime() const { return config_.minutes > 0 && Seconds(start_) > config_.minutes * 60.0; }

  const ArchSpec& arch_;
  const Dataset& train_;
  const Dataset& val_;
  const TrainConfig& config_;
  const TrainCallbacks& cb_;
  QatNet net_{nullptr};
  std::unique_ptr<torch::optim::AdamW> opt_;
  torch::Tensor x_, y_, val_x_, val_y_;
  torch::Tensor weights_;  // per training example: class balance x hard-negative weight
  Plan plan_;
  uint64_t key_ = 0;
  std::string init_bytes_;  // init_checkpoint's file, read once for the run key and the load
  int64_t batches_per_epoch_ = 0;
  Clock::time_point start_;
  std::vector<torch::Tensor> average_;  // the running mean of net_->parameters()
  int64_t averaged_ = 0;                // batches in it
};

int32_t Trainer::AverageFrom(bool qat) const {
  const double share = config_.weight_average;
  if (share <= 0.0) return plan_.epochs + 1;
  if (!qat) return plan_.float_epochs - std::max<int32_t>(1, static_cast<int32_t>(std::lround(plan_.float_epochs * share)));
  const int32_t qat_epochs = plan_.epochs - plan_.float_epochs;
  return std::max(plan_.observe_until,
                  plan_.epochs - std::max<int32_t>(1, static_cast<int32_t>(std::lround(qat_epochs * share))));
}

void Trainer::AccumulateAverage() {
  torch::NoGradGuard no_grad;
  const auto params = net_->parameters();
  if (average_.empty()) {
    for (const auto& p : params) average_.push_back(p.detach().clone());
    averaged_ = 1;
    return;
  }
  ++averaged_;
  const double w = 1.0 / static_cast<double>(averaged_);
  for (size_t i = 0; i < params.size(); ++i) average_[i].add_(params[i].detach() - average_[i], w);
}

void Trainer::ApplyAverage(bool qat, int32_t epoch) {
  if (averaged_ == 0) return;
  torch::NoGradGuard no_grad;
  auto params = net_->parameters();
  for (size_t i = 0; i < params.size(); ++i) params[i].copy_(average_[i]);
  average_.clear();
  averaged_ = 0;
  if (qat) return;  // batch norm is frozen (folded) in QAT
  // The averaged float weights need their own batch-norm statistics: the
  // running statistics (momentum 0.1) over training batches as the epochs
  // saw them, seeded so a resumed run does the same.
  torch::manual_seed(config_.seed * 1000003ull + static_cast<uint64_t>(epoch) + 0x5eedull);
  net_->set_mode(QatMode::kFloat);
  net_->train();
  const int64_t n = x_.size(0);
  const torch::Tensor order = torch::randperm(n, torch::kInt64);
  for (int64_t b = 0; b < kBatchNormBatches && b * config_.batch_size < n; ++b) {
    torch::Tensor xb = x_.index_select(0, order.slice(0, b * config_.batch_size, std::min(n, (b + 1) * config_.batch_size)));
    if (config_.speaker_warp > 0.0) xb = SpeakerWarp(xb, config_.speaker_warp);
    if (config_.spec_augment) xb = Augment(xb);
    (void)net_->forward(xb);
  }
}

void Trainer::EnterQat() {
  net_->set_mode(QatMode::kQat);
  // Calibrate the activation ranges on unaugmented training batches
  // before the first QAT step, so the fake quantization starts sensible.
  torch::NoGradGuard no_grad;
  net_->eval();
  net_->set_observing(true);
  const int64_t n = x_.size(0);
  for (int32_t b = 0; b < kCalibrationBatches; ++b) {
    const int64_t begin = (b * config_.batch_size) % n;
    const int64_t end = std::min(n, begin + config_.batch_size);
    (void)net_->forward(x_.slice(0, begin, end));
  }
  net_->set_observing(false);
}

double Trainer::Accuracy(const torch::Tensor& x, const torch::Tensor& y) {
  if (x.size(0) == 0) return 0.0;
  torch::NoGradGuard no_grad;
  net_->eval();
  const bool observing = net_->observing();
  net_->set_observing(false);
  int64_t correct = 0;
  for (int64_t begin = 0; begin < x.size(0); begin += 512) {
    const int64_t end = std::min(x.size(0), begin + 512);
    correct += net_->forward(x.slice(0, begin, end)).argmax(1).eq(y.slice(0, begin, end)).sum().item<int64_t>();
  }
  net_->set_observing(observing);
  return static_cast<double>(correct) / static_cast<double>(x.size(0));
}

// Times a few float training batches on a throwaway copy of the network.
int32_t Trainer::EstimateEpochs() {
  QatNet probe(arch_);
  torch::optim::AdamW opt(probe->parameters(), torch::optim::AdamWOptions(1e-3));
  probe->train();
  const int64_t n = x_.size(0);
  const int32_t batches = 8;
  auto t0 = Clock::now();
  for (int32_t b = -2; b < batches; ++b) {  // two untimed warm-up batches first
    if (b == 0) t0 = Clock::now();
    const int64_t begin = (b * config_.batch_size) % n;
    const int64_t end = std::min(n, begin + config_.batch_size);
    const torch::Tensor loss = torch::nn::functional::cross_entropy(probe->forward(Augment(x_.slice(0, begin, end))),
                                                                     y_.slice(0, begin, end));
    opt.zero_grad();
    loss.backward();
    opt.step();
  }
  const double per_batch = Seconds(t0) / batches;
  const double float_epoch = per_batch * static_cast<double>(batches_per_epoch_) +
                             per_batch / 3.0 * static_cast<double>(val_.size() + 1) / config_.batch_size;
  return EpochsFitting(config_.minutes * 60.0 * 0.9, float_epoch);
}

int32_t Trainer::EpochsFitting(double seconds, double float_epoch_s) const {
  const double ff = config_.float_fraction;
  const double per_epoch = std::max(1e-3, float_epoch_s) * (ff + kQatCostFactor * (1.0 - ff));
  return std::clamp(static_cast<int32_t>(seconds / per_epoch), 2, 400);
}

bool Trainer::TryResume(int32_t* done_epochs) {
  if (config_.checkpoint_dir.empty() || !std::filesystem::exists(CheckpointPath())) return false;
  torch::serialize::InputArchive ar;
  try {
    ar.load_from(CheckpointPath());
  } catch (const std::exception&) {
    Note("ignoring unreadable checkpoint " + CheckpointPath());
    return false;
  }
  torch::Tensor key, epoch, planned;
  if (!ar.try_read("key", key) || !ar.try_read("epoch", epoch) || !ar.try_read("epochs_planned", planned) ||
      static_cast<uint64_t>(key.item<int64_t>()) != key_) {
    Note("ignoring checkpoint " + CheckpointPath() + " from a different configuration");
    return false;
  }
  const int32_t done = static_cast<int32_t>(epoch.item<int64_t>());
  plan_ = PlanFor(static_cast<int32_t>(planned.item<int64_t>()));
  net_->load(ar);
  const bool qat = done > plan_.float_epochs;
  net_->set_mode(qat ? QatMode::kQat : QatMode::kFloat);
  opt_ = MakeOptimizer(qat);
  torch::serialize::InputArchive opt_ar;
  ar.read("optimizer", opt_ar);
  opt_->load(opt_ar);
  torch::Tensor averaged;
  if (ar.try_read("averaged", averaged) && averaged.item<int64_t>() > 0) {
    averaged_ = averaged.item<int64_t>();
    average_.clear();
    for (size_t i = 0; i < net_->parameters().size(); ++i) {
      torch::Tensor a;
      ar.read("average" + std::to_string(i), a);
      average_.push_back(a);
    }
  }
  *done_epochs = done;
  return true;
}

bool Trainer::LoadInitialCheckpoint() {
  const std::string& path = config_.init_checkpoint;
  torch::serialize::InputArchive ar;
  torch::Tensor epoch, planned;
  // load() replaces tensors whole, whatever their shapes: compare them.
  auto shapes = [&] {
    std::vector<std::vector<int64_t>> all;
    for (const auto& t : net_->parameters()) all.push_back(t.sizes().vec());
    for (const auto& t : net_->buffers()) all.push_back(t.sizes().vec());
    return all;
  };
  const auto expected = shapes();
  try {
    ar.load_from(init_bytes_.data(), init_bytes_.size());  // the bytes the run key hashed
    if (!ar.try_read("epoch", epoch) || !ar.try_read("epochs_planned", planned)) throw std::runtime_error("");
    net_->load(ar);
    if (shapes() != expected) throw std::runtime_error("");
  } catch (const std::exception&) {
    throw std::invalid_argument(path + ": not a training checkpoint of " + arch_.name +
                                " (fine-tuning starts from OUT/checkpoints/checkpoint.pt of a run with the same "
                                "architecture)");
  }
  net_->set_mode(QatMode::kQat);
  const Plan then = MakePlan(static_cast<int32_t>(planned.item<int64_t>()), config_.float_fraction);
  return epoch.item<int64_t>() <= then.float_epochs;
}

void Trainer::SaveCheckpoint(int32_t epochs_done) {
  if (config_.checkpoint_dir.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(config_.checkpoint_dir, ec);
  torch::serialize::OutputArchive ar;
  net_->save(ar);
  torch::serialize::OutputArchive opt_ar;
  opt_->save(opt_ar);
  ar.write("optimizer", opt_ar);
  ar.write("key", torch::tensor(static_cast<int64_t>(key_)));
  ar.write("epoch", torch::tensor(static_cast<int64_t>(epochs_done)));
  ar.write("epochs_planned", torch::tensor(static_cast<int64_t>(plan_.epochs)));
  ar.write("averaged", torch::tensor(averaged_));
  for (size_t i = 0; i < average_.size(); ++i) ar.write("average" + std::to_string(i), average_[i]);
  const std::string path = CheckpointPath();
  const std::string tmp = path + ".tmp";
  try {
    ar.save_to(tmp);
  } catch (const std::exception&) {
    std::filesystem::remove(tmp, ec);
    throw std::runtime_error(path + ": cannot write the checkpoint");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::filesystem::remove(tmp, ec);
    throw std::runtime_error(path + ": cannot write the checkpoint");
  }
}

TrainResult Trainer::Run() {
  CheckDataset(train_, "training", false);
  CheckDataset(val_, "validation", true);
  int64_t positives = 0;
  for (uint8_t l : train_.labels) positives += l != 0 ? 1 : 0;
  const int64_t n = static_cast<int64_t>(train_.size());
  if (positives == 0 || positives == n)
    throw std::invalid_argument("training set has a single class (" + std::to_string(positives) + " of " +
                                std::to_string(n) + " examples are the wake word)");
  start_ = Clock::now();
  const int threads = config_.threads > 0 ? config_.threads : std::max(1u, std::thread::hardware_concurrency());
  torch::set_num_threads(threads);
  torch::manual_seed(config_.seed);
  net_ = QatNet(arch_);

  x_ = FeaturesToInput(train_.x.data(), train_.size());
  y_ = Labels(train_);
  val_x_ = FeaturesToInput(val_.x.data(), val_.size());
  val_y_ = Labels(val_);
  {
    const float negative_w = config_.balance_classes ? static_cast<float>(n) / (2.0f * static_cast<float>(n - positives)) : 1.0f;
    const float positive_w = config_.balance_classes ? static_cast<float>(n) / (2.0f * static_cast<float>(positives)) : 1.0f;
    std::vector<float> w(static_cast<size_t>(n));
    for (size_t i = 0; i < w.size(); ++i) {
      w[i] = train_.labels[i] ? positive_w : negative_w;
      const bool hard = i < train_.kinds.size() && (train_.kinds[i] == static_cast<uint8_t>(ClipKind::kConfusable) ||
                                                     train_.kinds[i] == static_cast<uint8_t>(ClipKind::kPartialWord));
      if (hard && !train_.labels[i]) w[i] *= static_cast<float>(config_.hard_negative_weight);
      if (!train_.labels[i]) w[i] *= static_cast<float>(config_.negative_weight);
    }
    weights_ = torch::tensor(w);
  }
  batches_per_epoch_ = (n + config_.batch_size - 1) / config_.batch_size;

  // The run key: what must match for a checkpoint to be resumed.
  std::string desc = arch_.name + "|" + std::to_string(config_.seed) + "|" + std::to_string(config_.epochs) + "|" +
                     std::to_string(config_.batch_size) + "|" + std::to_string(config_.learning_rate) + "|" +
                     std::to_string(config_.float_fraction) + "|" + std::to_string(config_.spec_augment) + "|" +
                     std::to_string(config_.balance_classes) + "|" + std::to_string(config_.hard_negative_weight) + "|" + std::to_string(config_.negative_weight) + "|" +
                     std::to_string(config_.label_smoothing);
  if (config_.focal_gamma > 0.0) desc += "|focal " + std::to_string(config_.focal_gamma);
  if (config_.speaker_warp > 0.0) desc += "|warp " + std::to_string(config_.speaker_warp);
  if (config_.weight_average > 0.0) desc += "|average " + std::to_string(config_.weight_average);
  if (!config_.init_checkpoint.empty()) {
    if (config_.epochs <= 0) throw std::invalid_argument("fine-tuning needs a number of epochs");
    std::error_code ec;
    if (!config_.checkpoint_dir.empty() &&
        std::filesystem::weakly_canonical(config_.init_checkpoint, ec) == std::filesystem::weakly_canonical(CheckpointPath(), ec)) {
      throw std::invalid_argument(config_.init_checkpoint + ": fine-tuning would overwrite the checkpoint it starts from");
    }
    std::ifstream in(config_.init_checkpoint, std::ios::binary);
    if (!in) throw std::invalid_argument(config_.init_checkpoint + ": cannot read the checkpoint to fine-tune");
    init_bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    desc += "|init " + std::to_string(Fnv1a(init_bytes_.data(), init_bytes_.size(), kRunKeyBasis));
  }
  key_ = Fnv1a(desc, kRunKeyBasis);
  key_ = Fnv1a(train_.x.data(), train_.x.size(), key_);
  key_ = Fnv1a(train_.labels.data(), train_.labels.size(), key_);
  key_ &= 0x7fffffffffffffffull;

  TrainResult result;
  int32_t done = 0;
  bool replan = false;  // a time-based plan of a fresh run
  if (TryResume(&done)) {
    result.resumed_epochs = done;
    Note("resuming from " + CheckpointPath() + " after epoch " + std::to_string(done) + " of " +
         std::to_string(plan_.epochs));
  } else {
    if (!config_.init_checkpoint.empty()) {
      plan_ = PlanFor(config_.epochs);
      if (LoadInitialCheckpoint()) EnterQat();
      opt_ = MakeOptimizer(true);
      Note("fine-tuning from " + config_.init_checkpoint);
    } else {
      replan = config_.epochs <= 0 && config_.minutes > 0;
      const int32_t epochs = config_.epochs > 0 ? config_.epochs : EstimateEpochs();
      plan_ = PlanFor(epochs);
      opt_ = MakeOptimizer(false);
      net_->set_mode(QatMode::kFloat);
    }
  }
  Note("training " + arch_.name + ": " + std::to_string(plan_.epochs) + " epochs (" +
       std::to_string(plan_.float_epochs) + " float, " + std::to_string(plan_.epochs - plan_.float_epochs) +
       " quantization-aware), " + std::to_string(n) + " examples, batch " + std::to_string(config_.batch_size));

  const double epoch_start_s = Seconds(start_);
  int32_t epochs_this_run = 0;
  for (int32_t epoch = done; epoch < plan_.epochs; ++epoch) {
    const bool qat = epoch >= plan_.float_epochs;
    if (qat && net_->mode() != QatMode::kQat) {
      ApplyAverage(false, epoch);
      EnterQat();
      opt_ = MakeOptimizer(true);
    }
    // The epoch's randomness is a function of (seed, epoch) only.
    torch::manual_seed(config_.seed * 1000003ull + static_cast<uint64_t>(epoch));
    net_->train();
    net_->set_observing(qat && epoch < plan_.observe_until);
    const torch::Tensor order = torch::randperm(n, torch::kInt64);
    const int64_t phase_epoch = qat ? epoch - plan_.float_epochs : epoch;
    const int64_t phase_epochs = qat ? plan_.epochs - plan_.float_epochs : plan_.float_epochs;
    double loss_sum = 0.0;
    int64_t correct = 0, seen = 0;
    for (int64_t b = 0; b < batches_per_epoch_; ++b) {
      if (OutOfTime()) {
        result.stopped_on_time = true;
        break;
      }
      SetLr(*opt_, CosineLr(qat ? config_.qat_learning_rate : config_.learning_rate,
                            phase_epoch * batches_per_epoch_ + b, phase_epochs * batches_per_epoch_));
      const torch::Tensor idx = order.slice(0, b * config_.batch_size, std::min(n, (b + 1) * config_.batch_size));
      torch::Tensor xb = x_.index_select(0, idx);
      const torch::Tensor yb = y_.index_select(0, idx);
      if (config_.speaker_warp > 0.0) xb = SpeakerWarp(xb, config_.speaker_warp);
      if (config_.spec_augment) xb = Augment(xb);
      const torch::Tensor logits = net_->forward(xb);
      const torch::Tensor wb = weights_.index_select(0, idx);
      torch::Tensor per_example = torch::nn::functional::cross_entropy(
          logits, yb,
          torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone).label_smoothing(config_.label_smoothing));
      if (config_.focal_gamma > 0.0) {
        const torch::Tensor p_true = torch::softmax(logits, 1).gather(1, yb.unsqueeze(1)).squeeze(1);
        per_example = per_example * (1.0 - p_true).pow(config_.focal_gamma);
      }
      const torch::Tensor loss = (per_example * wb).sum() / wb.sum();
      opt_->zero_grad();
      loss.backward();
      opt_->step();
      if (epoch >= AverageFrom(qat)) AccumulateAverage();
      loss_sum += loss.item<double>() * static_cast<double>(yb.size(0));
      correct += logits.argmax(1).eq(yb).sum().item<int64_t>();
      seen += yb.size(0);
      if (cb_.batch) cb_.batch(epoch + 1, static_cast<size_t>(b + 1), static_cast<size_t>(batches_per_epoch_));
    }
    if (result.stopped_on_time) {
      Note("time budget of " + std::to_string(config_.minutes) + " minutes reached during epoch " +
           std::to_string(epoch + 1) + "; stopping");
      break;
    }
    ++epochs_this_run;
    if (replan && epochs_this_run == 1 && !qat) {
      // The probe's timing can be far off (a busy machine, warm-up): plan
      // again from the first real epoch, before it is checkpointed.
      const double epoch_s = Seconds(start_) - epoch_start_s;
      const int32_t total = 1 + EpochsFitting(config_.minutes * 60.0 * 0.9 - Seconds(start_), epoch_s);
      if (std::abs(total - plan_.epochs) > plan_.epochs / 5) {
        Note("epoch 1 took " + std::to_string(static_cast<int>(epoch_s + 0.5)) + " s: " + std::to_string(total) +
             " epochs instead of " + std::to_string(plan_.epochs) + " fit the time budget");
        plan_ = MakePlan(total, config_.float_fraction);
      }
    }
    EpochReport r;
    r.epoch = epoch + 1;
    r.epochs = plan_.epochs;
    r.qat = qat;
    r.loss = seen ? loss_sum / static_cast<double>(seen) : 0.0;
    r.train_accuracy = seen ? static_cast<double>(correct) / static_cast<double>(seen) : 0.0;
    r.val_accuracy = Accuracy(val_x_, val_y_);
    r.elapsed_s = Seconds(start_);
    const double per_epoch = (Seconds(start_) - epoch_start_s) / epochs_this_run;
    r.eta_s = per_epoch * (plan_.epochs - epoch - 1) * (qat ? 1.0 : (kQatCostFactor + 1.0) / 2.0);
    SaveCheckpoint(epoch + 1);
    result.epochs_run = epoch + 1;
    if (cb_.epoch) cb_.epoch(r);
  }
  if (result.epochs_run == 0) result.epochs_run = done;
  result.epochs_planned = plan_.epochs;  // after epoch 1's re-plan, if there was one
  // A run stopped in the float phase still gets calibrated ranges.
  if (net_->mode() != QatMode::kQat) {
    ApplyAverage(false, plan_.float_epochs);
    EnterQat();
  } else if (averaged_ > 0 && result.epochs_run == plan_.epochs) {
    // The finished run's checkpoint holds the average, so a fine-tune from
    // it (and a resume of it) starts from the model this run exports.
    ApplyAverage(true, plan_.epochs);
    SaveCheckpoint(plan_.epochs);
  } else {
    ApplyAverage(true, plan_.epochs);
  }

  torch::NoGradGuard no_grad;
  net_->eval();
  net_->set_observing(false);
  result.val_accuracy = Accuracy(val_x_, val_y_);
  if (val_.size() > 0) {
    std::vector<torch::Tensor> scores;
    for (int64_t begin = 0; begin < val_x_.size(0); begin += 512)
      scores.push_back(ScoresInt8(net_->forward(val_x_.slice(0, begin, std::min(val_x_.size(0), begin + 512)))));
    const torch::Tensor all = torch::cat(scores).contiguous();
    result.val_scores.assign(all.data_ptr<int8_t>(), all.data_ptr<int8_t>() + all.numel());
  }
  result.model = net_->ToQuantModel();
  result.seconds = Seconds(start_);
  return result;
}

}  // namespace

namespace {

// The filter bank of the model's frontend (FrontendConfig::MicroSpeech():
// mel-spaced channels, mel = 1127 ln(1 + f / 700), channel k peaking at
// about the (k + 1)-th of num_bands + 1 equal mel steps above the lower edge).
double Mel(double hz) { return 1127.0 * std::log1p(hz / 700.0); }
struct MelBands {
  double low_mel, step_mel;
};
MelBands ModelBands() {
  const FrontendConfig fc = FrontendConfig::MicroSpeech();
  const double low = Mel(fc.lower_band_hz);
  return {low, (Mel(fc.upper_band_hz) - low) / (fc.num_bands + 1)};
}

}  // namespace

torch::Tensor SpeakerWarp(const torch::Tensor& x, double w) {
  const int64_t b = x.size(0), frames = x.size(2);
  const MelBands bands = ModelBands();
  std::vector<float> hz(kModelFeatures);
  for (int32_t k = 0; k < kModelFeatures; ++k) {
    hz[k] = static_cast<float>(700.0 * std::expm1((bands.low_mel + (k + 1) * bands.step_mel) / 1127.0));
  }
  const torch::Tensor alpha = 1.0 + w * (2.0 * torch::rand({b, 1}) - 1.0);
  const torch::Tensor f = torch::tensor(hz).view({1, kModelFeatures}) / alpha;
  const torch::Tensor pos =
      ((1127.0 * torch::log1p(f / 700.0) - bands.low_mel) / bands.step_mel - 1.0).clamp(0.0, kModelFeatures - 1);
  const torch::Tensor i0 = pos.floor().to(torch::kInt64);
  const torch::Tensor i1 = (i0 + 1).clamp_max(kModelFeatures - 1);
  const torch::Tensor frac = (pos - i0.to(torch::kFloat32)).unsqueeze(2);
  const torch::Tensor x0 = x.gather(1, i0.unsqueeze(2).expand({b, kModelFeatures, frames}));
  const torch::Tensor x1 = x.gather(1, i1.unsqueeze(2).expand({b, kModelFeatures, frames}));
  return x0 * (1.0 - frac) + x1 * frac;
}

TrainResult TrainModel(const ArchSpec& arch, const Dataset& train, const Dataset& val, const TrainConfig& config,
                       const TrainCallbacks& callbacks) {
  Trainer t(arch, train, val, config, callbacks);
  return t.Run();
}

}  // namespace tinyml::train
