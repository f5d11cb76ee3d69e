// Training a zoo architecture on a wake-word Dataset with libtorch: float
// pre-training, then quantization-aware training (model/qat.h), giving the
// QuantModel that model/zoo.h exports. Torch-free interface (the
// implementation is the only torch translation unit besides qat.cc).
//
// Deterministic from the seed: every epoch reseeds torch and the shuffling
// from (seed, epoch), so an interrupted run resumed from its checkpoint
// continues exactly as the uninterrupted run would have (the checkpoint
// holds the model, batch-norm statistics, activation ranges, optimizer
// state and the epoch; the random state of an epoch is a function of the
// seed and the epoch). Set `threads` the same to reproduce bytes.
#ifndef TINYML_TRAIN_MODEL_TRAINER_H_
#define TINYML_TRAIN_MODEL_TRAINER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "model/zoo.h"

namespace tinyml::train {

struct TrainConfig {
  uint64_t seed = 1;
  // Total epochs (float + QAT). 0: as many as the time budget allows,
  // estimated from a short timing run before training (then fixed and
  // stored in the checkpoint; not reproducible across machines).
  int32_t epochs = 0;
  // Wall-clock budget for training in minutes; training stops on time
  // (finishing QAT calibration so the model still exports). <= 0: none.
  double minutes = 10.0;
  double float_fraction = 0.6;  // share of the epochs trained in float
  int32_t batch_size = 128;
  double learning_rate = 3e-3;
  double qat_learning_rate = 3e-4;
  double weight_decay = 1e-3;
  int32_t threads = 0;  // torch intra-op threads; 0 = hardware concurrency
  bool spec_augment = true;
  // Examples per class are weighted so both classes weigh the same in the loss.
  bool balance_classes = true;
  // Extra loss weight of the hard negatives (ClipKind kConfusable and
  // kPartialWord), which decide the false accepts.
  double hard_negative_weight = 1.0;
  // Extra loss weight of every negative (after class balancing): above 1 the
  // model trades false rejects for fewer false accepts.
  double negative_weight = 3.0;
  // Targets (1 - s, s) instead of (1, 0): keeps the network from saturating
  // its softmax, whose int8 output tops out at 255/256. 0 (plain targets) is
  // the default: with focal loss the scores do not pile up at the ceiling,
  // and with smoothing the held-out voices' words scored below the
  // thresholds that keep false accepts rare (model card, sessions 7-8).
  double label_smoothing = 0.0;
  // Focal loss exponent: every example's loss is scaled by (1 - p)^gamma, p
  // the probability of its true class, so confidently right examples weigh
  // little and the hard ones (near-homophones, quiet words) decide the
  // gradient. 0: plain cross entropy.
  double focal_gamma = 2.0;
  // Speaker warp (vocal tract length perturbation on the features): each
  // training example's spectrum is scaled in frequency by a factor drawn
  // uniformly from [1 - w, 1 + w], anew every epoch, so the network sees
  // formants of shorter and longer vocal tracts than the voices have. 0: off.
  double speaker_warp = 0.1;
  // Weight averaging (as in stochastic weight averaging): the weights after
  // every batch of the last `weight_average` share of each phase are
  // averaged, and each phase ends on the average (the float phase's batch-norm
  // statistics then re-estimated on training batches; in QAT the average
  // starts once the activation ranges are frozen, at most the last half). An
  // average of nearby solutions sits in a flatter minimum, which generalizes
  // better to data unlike the training set (unseen voices). 0: off.
  double weight_average = 0.0;
  // Where checkpoint.pt goes after every epoch (atomically); a matching
  // checkpoint there is resumed. Empty: no checkpoints.
  std::string checkpoint_dir;
  // Fine-tuning: start from this checkpoint.pt of an earlier run of the same
  // architecture (its weights, batch-norm statistics and activation ranges)
  // instead of from scratch, and train `epochs` (> 0) quantization-aware
  // epochs at qat_learning_rate (cosine schedule), keeping its activation
  // ranges (calibrated anew only when that run had not reached its QAT
  // phase, judged with this config's float_fraction). The checkpoint's
  // bytes are part of the resume key. Empty: train from scratch.
  std::string init_checkpoint;
};

struct EpochReport {
  int32_t epoch = 0;  // 1-based, finished
  int32_t epochs = 0;
  bool qat = false;
  double loss = 0.0;
  double train_accuracy = 0.0;
  double val_accuracy = 0.0;
  double elapsed_s = 0.0;
  double eta_s = 0.0;
};

struct TrainCallbacks {
  std::function<void(const std::string& message)> note;          // one-line notes (resume, plan)
  std::function<void(int32_t epoch, size_t done, size_t total)> batch;  // batches of the epoch
  std::function<void(const EpochReport&)> epoch;
};

struct TrainResult {
  QuantModel model;
  int32_t epochs_planned = 0;
  int32_t epochs_run = 0;       // including epochs restored from a checkpoint
  int32_t resumed_epochs = 0;   // epochs that came from a checkpoint
  bool stopped_on_time = false;
  double seconds = 0.0;         // this process's training time
  double val_accuracy = 0.0;    // fake-quantized model, validation set
  // The fake-quantized model's int8 scores on the validation set
  // (size() x kModelClasses), for the export agreement check.
  std::vector<int8_t> val_scores;
};

// Trains `arch`; `val` may be empty. Throws std::invalid_argument for data
// that does not match the model (frames/features, empty training set, a
// single class) and std::runtime_error for checkpoint I/O problems.
TrainResult TrainModel(const ArchSpec& arch, const Dataset& train, const Dataset& val, const TrainConfig& config,
                       const TrainCallbacks& callbacks = {});

}  // namespace tinyml::train

#endif  // TINYML_TRAIN_MODEL_TRAINER_H_
