// Lesson 07, what the lesson gives you (given.cpp): the classifier and the few-label subsets
// built on your functions, and the four representations the program compares (pixels, PCA,
// the deep AE's codes, the VAE's means), read from the checkpoints of lessons 02 and 05 or
// trained briefly here. What you write is in exercise.hpp.
#pragma once
#include "ae/training.hpp"
#include <string>
#include <vector>

#include "ae/data.hpp"
#include "ae/tensor.hpp"
#include "exercise.hpp"

namespace ae::l07 {

// k_nearest + knn_vote: refs (R, D) with labels, queries (N, D) -> N predicted labels.
Labels knn_classify(const Matrix& refs, const Labels& ref_labels, const Matrix& queries,
                    size_t k = 5);

// `per_class` random row numbers of each class of labels (the few labels a learner might have),
// sorted ascending; a class with fewer rows gives all of them.
std::vector<size_t> labelled_subset(const Labels& labels, size_t per_class, Rng& rng,
                                    int n_classes = 10);

// A data set seen through one representation: pixels, PCA codes, AE codes, VAE means.
struct Representation {
    std::string name;    // "raw pixels", "PCA-32", ...
    Matrix train, test;  // (N_train, Z), (N_test, Z)
    std::string source;  // how it was made ("checkpoint out/02_deep_ae/model.ckpt", "trained here")
};

// A table of the confusion matrix with short class names, rows = true class.
std::string format_confusion(const Confusion& c, const std::vector<std::string>& class_names);

// Where a trained model comes from. The default path may be missing or unreadable: then a model
// is trained here (the program says why). A path the user named (--model, --vae-model) must
// load: if it cannot, that is an error (ae::DataError naming the path and the reason).
struct ModelSource {
    std::string path;
    bool named_by_user = false;
};

// How a model is obtained when its default checkpoint is missing (or retrain is set): a short
// run here.
struct QuickTraining {
    TrainSpec spec;        // epochs, batch size, seed, optimiser (ae::train_spec of the flags)
    bool retrain = false;  // ignore the checkpoints, always train here
};
Representation raw_pixels(const DataSplit& data);
// PCA-K of the training images (lesson 01's pca), codes of both splits.
Representation pca_codes(const DataSplit& data, size_t k);
// Lesson 02's deep autoencoder: codes (N, Z) from the checkpoint, or from a model trained here.
Representation ae_codes(const DataSplit& data, const ModelSource& checkpoint,
                        const QuickTraining& training);
// Lesson 05's VAE (784-400-20): the encoder means mu (N, Z), checkpoint or trained here.
Representation vae_means(const DataSplit& data, const ModelSource& checkpoint,
                         const QuickTraining& training);

// The seconds the raw-pixel distances of all queries would take by the textbook double loop over
// (query, reference) pairs, extrapolated from the first n queries: what the GEMM buys.
double direct_loop_seconds(const Matrix& queries, const Matrix& refs, size_t n);

// Calls every exercise function once on a toy problem, so that a step not written yet stops the
// program at once (with its name) rather than after loading and training.
void check_exercise_written();

// The lesson's own flags (the common ones are in ae::Options).
struct Flags {
    size_t k = 5, per_class = 100, draws = 5, block = 512;
    std::string ae_model, vae_model;  // default: lessons 02 and 05's checkpoints
    bool retrain = false;
};

// The k values of accuracy_vs_k.png: one search with the largest, votes with each.
inline const std::vector<double> kValues = {1, 3, 5, 7, 9, 11, 15};

}  // namespace ae::l07
