// Lesson 07, the code the lesson gives you (lesson.hpp): classification and label subsets built
// on your functions, and the four representations compared by the program (pixels, PCA, AE,
// VAE), read from the checkpoints of lessons 02 and 05 when they are there, trained briefly here
// otherwise. A checkpoint the user named must load: only the default path falls back.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <sstream>

#include "01_linear_pca/exercise.hpp"
#include "02_deep_ae/exercise.hpp"  // encode: lesson 02's step 4
#include "02_deep_ae/lesson.hpp"
#include "05_vae/lesson.hpp"
#include "ae/todo.hpp"
#include "ae/error.hpp"
#include "ae/optim.hpp"
#include "ae/progress.hpp"
#include "lesson.hpp"

namespace ae::l07 {

Labels knn_classify(const Matrix& refs, const Labels& ref_labels, const Matrix& queries, size_t k) {
    return knn_vote(k_nearest(queries, refs, k), ref_labels, k);
}

std::vector<size_t> labelled_subset(const Labels& labels, size_t per_class, Rng& rng,
                                    int n_classes) {
    std::vector<std::vector<size_t>> by_class(n_classes);
    for (size_t i = 0; i < labels.size(); ++i) by_class.at(labels[i]).push_back(i);
    std::vector<size_t> keep;
    for (auto& rows : by_class) {
        // A partial Fisher-Yates shuffle draws per_class rows without replacement.
        const size_t m = std::min(per_class, rows.size());
        for (size_t j = 0; j < m; ++j) std::swap(rows[j], rows[j + rng.index(rows.size() - j)]);
        keep.insert(keep.end(), rows.begin(), rows.begin() + m);
    }
    std::sort(keep.begin(), keep.end());
    return keep;
}

std::string format_confusion(const Confusion& c, const std::vector<std::string>& class_names) {
    std::ostringstream s;
    char cell[32];
    s << "  true \\ predicted";
    for (size_t p = 0; p < c.size(); ++p)
        s << (std::snprintf(cell, sizeof cell, "%6.5s", class_names[p].c_str()), cell);
    s << "\n";
    for (size_t t = 0; t < c.size(); ++t) {
        s << (std::snprintf(cell, sizeof cell, "  %-16.16s", class_names[t].c_str()), cell);
        for (size_t v : c[t]) s << (std::snprintf(cell, sizeof cell, "%6zu", v), cell);
        s << "\n";
    }
    return s.str();
}

Representation raw_pixels(const DataSplit& data) {
    return {"raw pixels", data.train.images, data.test.images, "the images themselves"};
}

Representation pca_codes(const DataSplit& data, size_t k) {
    const l01::Pca p = l01::pca(data.train.images, k);
    return {"PCA-" + std::to_string(k), l01::pca_encode(p, data.train.images),
            l01::pca_encode(p, data.test.images), "lesson 01's pca on the training images"};
}

namespace {
TrainSpec quick_spec(const QuickTraining& t, const std::string& name) {
    TrainSpec spec = t.spec;
    spec.fit.name = name;
    spec.fit.verbose = false;
    return spec;
}

// Runs load() unless training here was asked for. Returns "" when the model was loaded, else why
// one is trained here. Only the default path may fall back: a path the user named (flag) that
// does not load is an error, with the loader's reason.
std::string load_or_why(const ModelSource& src, const QuickTraining& t, const std::string& flag,
                        const std::function<void()>& load) {
    if (t.retrain) return "--retrain given";
    if (!src.named_by_user && !std::filesystem::exists(src.path))
        return "no checkpoint at " + src.path;
    try {
        load();
        return "";
    } catch (const std::exception& e) {
        if (src.named_by_user)
            throw DataError(flag + " " + src.path + ": cannot load this checkpoint: " + e.what() +
                            " (leave " + flag + " out to use the default, or pass --retrain)");
        return e.what();
    }
}

// The model from its checkpoint (load) or, where that cannot be or --retrain asks, trained here
// (train). Returns where it came from, for the summary.
std::string load_or_train(const ModelSource& src, const QuickTraining& t, const std::string& flag,
                          const char* name, const char* lesson, const std::function<void()>& load,
                          const std::function<void(Rng&)>& train) {
    const std::string why = load_or_why(src, t, flag, load);
    if (why.empty()) return "checkpoint " + src.path;
    std::printf(
        "%s: %s; training one here (%d epochs; ./workshop solution %s saves a better one)\n", name,
        why.c_str(), t.spec.fit.epochs, lesson);
    Rng rng(t.spec.fit.seed);
    train(rng);
    return "trained here, " + std::to_string(t.spec.fit.epochs) + " epochs";
}
}  // namespace

Representation ae_codes(const DataSplit& data, const ModelSource& checkpoint,
                        const QuickTraining& training) {
    l02::Autoencoder model;
    const std::string source = load_or_train(
        checkpoint, training, "--ae-model", "deep AE", "02",
        [&] { model = l02::load_autoencoder(checkpoint.path, data.train.dim()); },
        [&](Rng& rng) {
            model = l02::make_autoencoder(l02::AeConfig{}, rng);
            l02::train_autoencoder(model, data.train.images, quick_spec(training, "deep AE"));
        });
    return {"deep AE (Z=" + std::to_string(model.config.latent) + ")",
            l02::encode(model, data.train.images), l02::encode(model, data.test.images), source};
}

Representation vae_means(const DataSplit& data, const ModelSource& checkpoint,
                         const QuickTraining& training) {
    l05::Vae model;
    const std::string source = load_or_train(
        checkpoint, training, "--vae-model", "VAE", "05",
        [&] { model = l05::load_vae(checkpoint.path); },
        [&](Rng& rng) {
            model = l05::make_vae(data.train.dim(), 400, 20, rng);
            l05::train_vae(model, data.train.images, 1.f, quick_spec(training, "VAE"));
        });
    return {"VAE means (Z=" + std::to_string(model.z) + ")",
            l05::encode_mean(model, data.train.images), l05::encode_mean(model, data.test.images),
            source};
}

double direct_loop_seconds(const Matrix& queries, const Matrix& refs, size_t n) {
    const size_t r = refs.shape()[0], d = refs.shape()[1];
    n = std::min(n, size_t(queries.shape()[0]));
    std::vector<float> row(r);
    Timer t;
    for (size_t i = 0; i < n; ++i) {
        const float* q = queries.data() + i * d;
        for (size_t j = 0; j < r; ++j) {
            const float* b = refs.data() + j * d;
            float s = 0;
            for (size_t c = 0; c < d; ++c) s += (q[c] - b[c]) * (q[c] - b[c]);
            row[j] = s;
        }
    }
    volatile float sink = row[0];  // keeps the loop from being optimised away
    (void)sink;
    return t.seconds() * double(queries.shape()[0]) / double(n);
}

void check_exercise_written() {
    const Matrix pts = {{0.f}, {1.f}, {5.f}};
    const Labels labels = {0, 0, 1};
    require_written(
        "07", {[&] { k_nearest(pts, pts, 2); },
               [&] {
                   knn_vote({2, {0, 1, 1, 0, 2, 1}, {0, 1, 0, 1, 0, 4}}, labels);
               },
               [&] { confusion_matrix(labels, labels, 2); }, [&] { accuracy(labels, labels); }});
}

}  // namespace ae::l07
