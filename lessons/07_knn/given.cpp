// Lesson 07, the code the lesson gives you: classification and label subsets built on your
// functions, and the four representations compared by the program (pixels, PCA, AE, VAE), read
// from the checkpoints of lessons 02 and 05 when they are there, trained briefly here otherwise.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "01_linear_pca/exercise.hpp"
#include "02_deep_ae/exercise.hpp"
#include "05_vae/exercise.hpp"
#include "ae/error.hpp"
#include "ae/optim.hpp"
#include "exercise.hpp"

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
FitOptions quick_fit_options(const QuickTraining& t, const std::string& name) {
    FitOptions fo;
    fo.epochs = t.epochs;
    fo.batch_size = t.batch_size;
    fo.seed = t.seed;
    fo.lr = t.lr;
    fo.name = name;
    fo.verbose = false;
    return fo;
}
bool use_checkpoint(const std::string& path, const QuickTraining& t) {
    return !t.retrain && !path.empty() && std::filesystem::exists(path);
}
}  // namespace

Representation ae_codes(const DataSplit& data, const std::string& checkpoint,
                        const QuickTraining& training) {
    l02::Autoencoder model;
    std::string source = "checkpoint " + checkpoint;
    try {
        if (!use_checkpoint(checkpoint, training))
            throw DataError("no checkpoint at " + checkpoint);
        model = l02::load_autoencoder(checkpoint);
    } catch (const DataError& e) {
        std::printf(
            "deep AE: %s; training one here (%d epochs; ./workshop solution 02 saves a "
            "better one)\n",
            e.what(), training.epochs);
        Rng rng(training.seed);
        model = l02::make_autoencoder(l02::AeConfig{}, rng);
        Adam adam(training.lr);
        l02::train_autoencoder(model, data.train.images, quick_fit_options(training, "deep AE"),
                               adam);
        source = "trained here, " + std::to_string(training.epochs) + " epochs";
    }
    return {"deep AE (Z=" + std::to_string(model.config.latent) + ")",
            l02::encode(model, data.train.images), l02::encode(model, data.test.images), source};
}

Representation vae_means(const DataSplit& data, const std::string& checkpoint,
                         const QuickTraining& training) {
    l05::Vae model;
    std::string source = "checkpoint " + checkpoint;
    try {
        if (!use_checkpoint(checkpoint, training))
            throw DataError("no checkpoint at " + checkpoint);
        model = l05::load_vae(checkpoint);
    } catch (const DataError& e) {
        std::printf(
            "VAE: %s; training one here (%d epochs; ./workshop solution 05 saves a "
            "better one)\n",
            e.what(), training.epochs);
        Rng rng(training.seed);
        model = l05::make_vae(data.train.dim(), 400, 20, rng);
        l05::train_vae(model, data.train.images, quick_fit_options(training, "VAE"), training.lr,
                       1.f);
        source = "trained here, " + std::to_string(training.epochs) + " epochs";
    }
    return {"VAE means (Z=" + std::to_string(model.z) + ")",
            l05::encode_mean(model, data.train.images), l05::encode_mean(model, data.test.images),
            source};
}

}  // namespace ae::l07
