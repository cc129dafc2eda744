// Lesson 11, what the lesson gives you (given.cpp): the four models whose codes it compares (the
// deep AE of lesson 02, the contractive AE of lesson 04, the VAEs of lesson 05 with Z = 20 and
// Z = 2), read from their checkpoints or trained here, the representations of the test images,
// and the experiment's building blocks on top of your functions. Yours are in exercise.hpp.
// Run: ./workshop run 11 [--quick]
#pragma once
#include <string>
#include <vector>

#include "01_linear_pca/exercise.hpp"
#include "02_deep_ae/lesson.hpp"
#include "05_vae/lesson.hpp"
#include "09_backbone/lesson.hpp"
#include "ae/cli.hpp"
#include "ae/data.hpp"
#include "exercise.hpp"

namespace ae::l11 {

// The models the lesson compares. cae is a lesson 02 Autoencoder with one sigmoid layer each
// side (784-64, code sigmoid), trained with lesson 04's contractive penalty.
struct Models {
    l02::Autoencoder ae, cae;
    l05::Vae vae, vae2;             // Z = 20 (lesson 05's default) and Z = 2 (its manifold run)
    l01::Pca pca;                   // PCA-32 of the training images (lesson 01)
    std::vector<std::string> from;  // one line per model: where it came from
};

// Checkpoints the user named (empty: the defaults) and whether to ignore all of them.
struct ModelFlags {
    std::string ae_model, vae_model, vae2_model;
    bool retrain = false;
};

// THE one place that loads or trains models (kept in one function so that a change of lesson
// 02's or 05's checkpoint API touches only this). Each model from, in order: the path the user
// named (must load, or ae::DataError), the lesson's default checkpoint (out/02_deep_ae/model.ckpt,
// out/05_vae/model.ckpt, out/05_vae/model_z2.ckpt), a checkpoint this program saved in opt.out
// after the same training (a .tag file beside it says how), or a short training here (opt.epochs
// on the training images), saved for the next run. retrain skips all but the named paths.
Models obtain_models(const DataSplit& data, const Options& opt, const ModelFlags& flags);

// The first n test images seen through one representation.
struct Representation {
    std::string name;  // "pixels", "PCA-32", "deep AE", "contractive AE", "VAE means"
    Matrix codes;      // (n, Z)
};
// pixels, PCA-32 (fit on the training images), and the codes of the three models, of x (n, D).
std::vector<Representation> representations(const Matrix& x, Models& m);

// The transforms of the invariance curves (step 3): shifts to the right, turns counter-clockwise.
struct Transform {
    std::string name;
    int shift = 0;
    float degrees = 0;
};
inline const std::vector<Transform> kTransforms = {
    {"shift 1", 1, 0},    {"shift 2", 2, 0},    {"shift 3", 3, 0},   {"rotate 5", 0, 5},
    {"rotate 10", 0, 10}, {"rotate 15", 0, 15}, {"rotate 20", 0, 20}};
// For every representation r and transform t of kTransforms: your distance_ratio and
// retrieval_rate of the codes of x (n, D) against the codes of its transformed copy.
struct Invariance {
    std::vector<std::string> names;                 // the representations
    std::vector<std::vector<double>> ratio, found;  // [r][t]
};
Invariance measure_invariance(const Matrix& x, Models& m);

// x: (N, Z) -> every column shifted to mean 0 and scaled to standard deviation 1 (a constant
// column stays 0).
Matrix standardise(const Matrix& x);

// k-means with K = 10 on codes, scored against labels.
struct ClusterScore {
    double nmi = 0, ari = 0, purity = 0, inertia = 0;
};
ClusterScore cluster_and_score(const Matrix& codes, const Labels& labels, size_t restarts,
                               uint64_t seed);

// codes (N, Z) -> the t-SNE map (N, 2) through your functions: squared distances (lesson 07),
// conditional_p at perplexity, joint_p, tsne_map.
Matrix tsne(const Matrix& codes, float perplexity, const TsneOptions& opt);
// codes (N, Z) -> their projection on the first two principal axes (lesson 01's pca).
Matrix pca2(const Matrix& codes);

// The judge of steps 4 and 5: lesson 09's classifier (784-256-64-32-10), trained here for 3
// epochs on the first `refs` labelled training images, its weights drawn from rng.
struct Judge {
    l09::Classifier net;
    double threshold = 0.9;  // the confidence in one class that counts as "sure"
};
Judge train_judge(const DataSplit& data, size_t refs, uint64_t seed, Rng& rng);
// x: (N, 784) images -> (N, 10) the judge's class probabilities.
Matrix judge_probabilities(Judge& judge, const Matrix& x);

// Step 4: decoded random codes. For each model (deep AE, VAE) and prior (N(0, I), a Gaussian
// fitted to the model's codes of the first 10,000 training images by your
// sample_fitted_gaussian), n codes drawn from rng and decoded to images, and the share that
// "look real": the judge gives one class a probability >= its threshold.
struct Sampling {
    std::vector<std::string> names;  // "AE N(0,I)", "AE fitted", "VAE N(0,I)", "VAE fitted"
    std::vector<Matrix> images;      // (n, D) each
    std::vector<double> looks_real;  // fraction of each set
    double threshold = 0.9;          // the classifier's confidence that counts as real
    double real = 0;                 // the share of n real test images that pass
};
Sampling decode_random_codes(const DataSplit& data, Models& m, size_t n, Judge& judge, Rng& rng);
// The codes of x through the deep AE, the contractive AE and the VAE, with your code_statistics.
struct ModelCodes {
    std::string name;
    Matrix codes;  // (n, Z)
    CodeStats stats;
};
std::vector<ModelCodes> model_code_statistics(const Matrix& x, Models& m);

// Step 5: arithmetic with class means. In each space (pixels, deep AE, contractive AE, VAE
// means) the class means of the training codes (your class_means); then, for every ordered pair
// of classes a != b, the codes of the first per_class test images of class a moved by your
// latent_arithmetic from a to b, decoded (pixels: the moved image itself), clipped to [0, 1] and
// judged.
struct ArithmeticSpace {
    std::string name;
    double to_target = 0;       // share of moved images judged as b, over all pairs
    double to_target_sure = 0;  // ... as b with probability >= the judge's threshold
    double still_source = 0;    // ... still as a
    double decoded_as_own = 0;  // share of the unmoved codes, decoded, judged as their class
    std::vector<std::vector<double>> pairs;  // [a][b]: share judged as b (diagonal: as a, unmoved)
    Matrix grid;  // the picture's rows (kGridClasses) x (original, decoded, to each class)
};
inline const std::vector<int> kGridClasses = {0, 1, 3, 5, 7, 8};  // a test image of each
struct Arithmetic {
    std::vector<ArithmeticSpace> spaces;
    size_t per_class = 0;  // test images per source class
    double threshold = 0.9;
};
Arithmetic measure_arithmetic(const DataSplit& data, Models& m, Judge& judge, size_t per_class);

// Step 5: how much each code dimension varies over the images x (your unit_activity and
// active_units at kActiveThreshold) for the VAE's means and the two AEs' codes, and the VAE's
// traversals: the code of x's first image with one dimension at a time set to each of
// kTraversalValues (your traversal_codes), decoded. Rows: the most active dimensions, then the
// two least active.
inline constexpr double kActiveThreshold = 0.01;  // Burda et al. (2016)
inline const std::vector<float> kTraversalValues = {-3.f, -2.f, -1.f, 0.f, 1.f, 2.f, 3.f};
struct Activity {
    std::string name;
    std::vector<double> activity;  // per dimension
    size_t active = 0;             // dimensions above kActiveThreshold
};
struct Traversals {
    std::vector<Activity> models;  // "VAE means", "deep AE", "contractive AE"
    size_t measured_on = 0;        // rows of x the activity was measured over
    std::vector<size_t> dims;      // the VAE dimensions drawn, one grid row each
    Matrix images;                 // (dims * kTraversalValues, D)
};
Traversals measure_traversals(const Matrix& x, Models& m, size_t most_active = 8);

// Calls every exercise function once on a toy problem, so that a step not written yet stops the
// program at once (with its name) rather than after loading the models.
void check_exercise_written();

// The lesson's own flags (the common ones are in ae::Options).
struct Flags {
    size_t points = 2000;       // test images clustered and mapped
    float perplexity = 30.f;    // t-SNE
    int tsne_iterations = 500;  // t-SNE gradient steps
    size_t restarts = 3;        // k-means restarts
    size_t trust_k = 10;        // neighbours of trustworthiness
    size_t samples = 500;       // random codes decoded per model and prior
    size_t per_class = 100;     // test images per source class in the class-mean arithmetic
    ModelFlags models;
};

}  // namespace ae::l11
