// Lesson 10, what the lesson gives you (given.cpp, given_readers.cpp): a seeded synthetic ECG
// (McSharry et al. 2003) with labelled anomalies, its segmentation into beats, readers for real
// data (UCR beats, a CSV column), and the autoencoder of lesson 02 trained on normal data only.
// What you write (windows, normalisation, features, scores, thresholds, event metrics) is in
// exercise.hpp.
// Check with: ./workshop check 10      Run with: ./workshop run 10
#pragma once
#include <string>
#include <vector>

#include "02_deep_ae/lesson.hpp"
#include "06_anomaly/exercise.hpp"
#include "ae/tensor.hpp"

namespace ae::l10 {

// The kinds of beat / event. Normal is 0; every other kind is an injected anomaly.
enum Kind : int { Normal = 0, Pvc, StElevation, MissingBeat, NoiseBurst, BaselineJump, KindCount };
const char* kind_name(int kind);  // "normal", "PVC", "ST elevation", ...

// An anomalous stretch of the long signal: samples [begin, end).
struct Event {
    int kind = Normal;
    size_t begin = 0, end = 0;
};

// The generator's parameters (README "The data"). The waveform of one beat is the sum of five
// Gaussians in the beat's phase, P Q R S T, with McSharry's angles, amplitudes and widths.
struct EcgConfig {
    double fs = 250;          // samples per second
    double seconds = 300;     // length of the record
    double hr_bpm = 70;       // mean heart rate
    double hrv = 0.03;        // RR standard deviation as a fraction of the mean RR
    double noise_mv = 0.02;   // white measurement noise (mV)
    double wander_mv = 0.1;   // baseline wander amplitude (mV), at the breathing rate
    double anomaly_rate = 0;  // probability that a beat starts an anomaly (0: a normal record)
    std::vector<int> kinds{Pvc, StElevation, MissingBeat, NoiseBurst, BaselineJump};
    uint64_t seed = 42;
};

// A long signal with its beats: the R peak of every beat (a missing beat keeps the place where
// its R would have been), the kind of every beat, and the anomalous events.
struct Ecg {
    std::vector<double> signal;  // mV, config.seconds * config.fs samples
    double fs = 250;
    std::vector<size_t> r_peaks;  // sample index of each beat's R peak, increasing
    std::vector<int> beat_kind;   // one per beat
    std::vector<Event> events;    // sorted by begin
};
Ecg generate_ecg(const EcgConfig& config);

// step_labels: one kind per sample (Normal outside every event).
std::vector<int> step_labels(const Ecg& ecg);

// Beats cut around their R peaks, from 40 % of the RR interval before R to 60 % of the next one
// after it, each resampled (linear interpolation) to `length` samples (140 like ECG5000).
// Beats without a neighbour on both sides are dropped. beats: (N, length), kinds: N.
struct Beats {
    Matrix x;
    Labels kind;
};
Beats segment_beats(const Ecg& ecg, size_t length = 140);

// The UCR time-series format (ECG5000_TRAIN.txt and the like): one series per line, the class
// label first, values separated by whitespace or commas; every line the same length. Throws
// ae::DataError naming the file and line for an empty file, a malformed number, a NaN, or a line
// whose length differs from the first.
struct UcrData {
    Matrix x;      // (N, T)
    Labels label;  // N class labels as written (ECG5000: 1 = normal)
};
UcrData read_ucr(const std::string& path);

// One column, by its header name, of a CSV file with a header line: the long signal of a real
// recording. Throws ae::DataError (file, line, what was expected) for a missing column, a bad
// number, a NaN, or fewer than 2 values.
std::vector<double> read_csv_column(const std::string& path, const std::string& column);

// Everything the program detects on: beats (rows of 140 samples) and a long signal, each split
// into normal training data, normal validation data (for the threshold) and a labelled test set.
struct Data {
    std::string beats_source, long_source;
    Matrix beats_train, beats_val, beats_test;  // (N, 140)
    Labels beats_kind;                          // test beats' kinds (0 normal)
    std::vector<std::string> kind_names;        // name of each kind, index = kind
    std::vector<double> long_train, long_val, long_test;
    Labels step_kind;           // one per test step (empty when unlabelled)
    std::vector<Event> events;  // in long_test
    double fs = 250;
};
// Three records of the generator: train and validation normal (seeds +1, +2), test = config.
Data synthetic_data(const EcgConfig& test, double train_seconds);
// Replaces the beats by a UCR file's series: the normal class split 60/20/20 into train,
// validation and test (seeded), every other class goes to the test set as its own kind.
void use_ucr(Data& d, const std::string& path, int normal_class, uint64_t seed);
// Replaces the long signal by a CSV column: the first 40 % is taken as normal training data, the
// next 10 % as validation, the whole signal is scored; there are no labels.
void use_csv(Data& d, const std::string& path, const std::string& column);
// Before training: the test beats hold an anomaly, and the long signal's training, validation
// and test parts each hold one window of `window` steps; otherwise ae::DataError saying what to
// change.
void check_data(const Data& d, size_t window);

// Lesson 02's autoencoder for rows of length d: d -> hidden -> z, trained with spec on normal rows
// (values in [0, 1]: the decoder ends in a sigmoid).
l02::Autoencoder train_normal_ae(const Matrix& normal, const std::vector<size_t>& hidden,
                                 size_t latent, const TrainSpec& spec);

// (x_hat - x)^2 element by element: (N, D), the error each step of each row contributes.
Matrix squared_errors(const Matrix& x_hat, const Matrix& x);

// The threshold rule of the program: a quantile of the normal validation scores (default) or
// their mean + k standard deviations (your step 5).
struct ThresholdRule {
    bool quantile = true;
    double q = 0.99, k = 3;
    std::string describe() const;  // "99% quantile of normal validation scores"
    double apply(const std::vector<double>& normal_validation) const;
};

// One detector on one labelled test set (beats or time steps): the threshold from its normal
// validation scores, and per anomaly kind the ROC, AUC (lesson 06) and recall at the threshold.
struct KindResult {
    int kind = 0;
    size_t count = 0;   // test rows (or steps) of this kind
    double auc = 0;     // this kind against the normal test rows
    double recall = 0;  // fraction of this kind flagged at the threshold
    l06::Roc roc;
};
struct Evaluation {
    std::string detector;  // "autoencoder", "features"
    double threshold = 0;
    double fpr = 0;      // normal test rows flagged
    double auc_all = 0;  // every anomaly against the normal rows
    l06::Detection detection;
    std::vector<KindResult> kinds;  // one per anomaly kind present in the test set
};
// val: scores of normal validation data; test, kind: N each (kind 0 = normal). Kinds with no
// test row are left out. NaN scores (steps no window covers) count as not flagged.
Evaluation evaluate(const std::string& detector, const std::vector<double>& val,
                    const std::vector<double>& test, const Labels& kind, const ThresholdRule& rule);

// Calls every exercise function once on a toy problem, so a step not written yet stops the
// program at once (with its name) rather than after training.
void check_exercise_written();

}  // namespace ae::l10
