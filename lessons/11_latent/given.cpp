// Lesson 11, the code the lesson gives you (lesson.hpp): the models (checkpoints of lessons 02
// and 05, or trained here; the contractive AE of lesson 04 trained here and kept), the
// representations of the test images, and the experiment's blocks built on your functions.
#include <cstdio>
#include <filesystem>
#include <functional>

#include "01_linear_pca/exercise.hpp"
#include "01_linear_pca/lesson.hpp"
#include "04_sparse/lesson.hpp"
#include "07_knn/exercise.hpp"
#include "ae/todo.hpp"
#include "ae/error.hpp"
#include "ae/io.hpp"
#include "lesson.hpp"

namespace ae::l11 {

namespace {

// One model's way in: the user's path, the lesson's default, our own saved copy, or training.
struct Way {
    std::string what, named, fallback, saved, tag;
    std::function<void(const std::string&)> load, save;
    std::function<void()> train;
};

std::string obtain(const Way& w, bool retrain) {
    namespace fs = std::filesystem;
    if (!w.named.empty()) {
        w.load(w.named);  // a path the user named must load: its error says why
        return w.what + ": " + w.named;
    }
    if (!retrain && !w.fallback.empty() && fs::exists(w.fallback)) {
        try {
            w.load(w.fallback);
            return w.what + ": " + w.fallback;
        } catch (const Error& e) {
            std::printf("%s: %s does not load (%s); trying the next source\n", w.what.c_str(),
                        w.fallback.c_str(), e.what());
        }
    }
    if (!retrain && fs::exists(w.saved) && fs::exists(w.saved + ".tag") &&
        read_text(w.saved + ".tag") == w.tag + "\n") {
        w.load(w.saved);
        return w.what + ": " + w.saved + " (trained here earlier: " + w.tag + ")";
    }
    std::printf("%s: training one here (%s)\n", w.what.c_str(), w.tag.c_str());
    w.train();
    w.save(w.saved);
    write_text(w.saved + ".tag", w.tag + "\n");
    return w.what + ": trained here (" + w.tag + "), saved to " + w.saved;
}

l02::AeConfig cae_config() {
    l02::AeConfig c;
    c.hidden.clear(), c.latent = 64, c.code_activation = "sigmoid";  // lesson 04's shape
    return c;
}

}  // namespace

Models obtain_models(const DataSplit& data, const Options& opt, const ModelFlags& f) {
    Models m;
    const Matrix& x = data.train.images;
    TrainSpec spec = train_spec(opt, "");
    spec.device = "cpu", spec.fit.verbose = false;
    const std::string how = std::to_string(opt.epochs) + " epochs on " +
                            std::to_string(x.shape()[0]) + " images, seed " +
                            std::to_string(opt.seed);
    // One file per training set size, so a --quick run keeps the full run's models and back.
    const std::string stem = "_" + std::to_string(x.shape()[0]) + ".ckpt";
    const std::string vae_default = l05::default_vae_checkpoint();
    const std::string vae2_default =
        vae_default.substr(0, vae_default.rfind('/')) + "/model_z2.ckpt";
    auto vae_way = [&](l05::Vae& v, size_t z, const std::string& named, const std::string& fallback,
                       const std::string& file) {
        return Way{"VAE Z=" + std::to_string(z),
                   named,
                   fallback,
                   opt.out + "/" + file + stem,
                   how,
                   [&v, z](const std::string& p) { v = l05::load_vae(p, 784, 400, z); },
                   [&v](const std::string& p) { l05::save_vae(v, p, "lesson 11"); },
                   [&v, z, &x, &spec, &opt] {
                       Rng rng(opt.seed);
                       v = l05::make_vae(x.shape()[1], 400, z, rng);
                       l05::init_output_bias(v, x);
                       l05::train_vae(v, x, 1.f, spec);
                   }};
    };
    const Way ways[4] = {
        {"deep AE", f.ae_model, l02::default_model_path(), opt.out + "/ae" + stem, how,
         [&](const std::string& p) { m.ae = l02::load_autoencoder(p); },
         [&](const std::string& p) { l02::save_autoencoder(p, m.ae); },
         [&] {
             Rng rng(opt.seed);
             m.ae = l02::make_autoencoder(l02::AeConfig{}, rng);
             l02::train_autoencoder(m.ae, x, spec);
         }},
        {"contractive AE", "", "", opt.out + "/cae" + stem, how + ", contractive weight 1e-4",
         [&](const std::string& p) { m.cae = l02::load_autoencoder(p); },
         [&](const std::string& p) { l02::save_autoencoder(p, m.cae); },
         [&] {
             Rng rng(opt.seed);
             m.cae = l02::make_autoencoder(cae_config(), rng);
             TrainSpec s = spec;
             s.optimizer.lr = 2e-3f;  // lesson 04's rate
             l04::train_variant(m.cae, x, {l04::PenaltyKind::Contractive, 1e-4f}, s);
         }},
        vae_way(m.vae, 20, f.vae_model, vae_default, "vae"),
        vae_way(m.vae2, 2, f.vae2_model, vae2_default, "vae_z2")};
    for (const Way& w : ways) m.from.push_back(obtain(w, f.retrain));
    m.pca = l01::pca(x, 32);
    return m;
}

std::vector<Representation> representations(const Matrix& x, Models& m) {
    return {{"pixels", x},
            {"PCA-32", l01::pca_encode(m.pca, x)},
            {"deep AE", l02::encode(m.ae, x)},
            {"contractive AE", l02::encode(m.cae, x)},
            {"VAE means", l05::encode_mean(m.vae, x)}};
}

Invariance measure_invariance(const Matrix& x, Models& m) {
    Invariance inv;
    const std::vector<Representation> base = representations(x, m);
    inv.ratio.resize(base.size()), inv.found.resize(base.size());
    for (const Representation& r : base) inv.names.push_back(r.name);
    for (const Transform& t : kTransforms) {
        const Matrix moved_x =
            t.shift != 0 ? shift_images(x, t.shift, 0) : rotate_images(x, t.degrees);
        const std::vector<Representation> moved = representations(moved_x, m);
        for (size_t r = 0; r < base.size(); ++r) {
            inv.ratio[r].push_back(distance_ratio(base[r].codes, moved[r].codes));
            inv.found[r].push_back(retrieval_rate(base[r].codes, moved[r].codes));
        }
    }
    return inv;
}

Matrix standardise(const Matrix& x) {
    const Matrix mean = xt::mean(x, {0}, xt::keep_dims | xt::evaluation_strategy::immediate);
    const Matrix sd = xt::sqrt(xt::mean(xt::square(x - mean), {0}, xt::keep_dims));
    return xt::where(sd > 1e-12f, (x - mean) / xt::maximum(sd, 1e-12f), 0.f);
}

ClusterScore cluster_and_score(const Matrix& codes, const Labels& labels, size_t restarts,
                               uint64_t seed) {
    const KMeansResult r = kmeans(codes, {10, restarts, 100, seed});
    return {nmi(labels, r.assign), ari(labels, r.assign), purity(labels, r.assign), r.inertia};
}

Matrix tsne(const Matrix& codes, float perplexity, const TsneOptions& opt) {
    return tsne_map(joint_p(conditional_p(l07::squared_distances(codes, codes), perplexity)), opt);
}

Matrix pca2(const Matrix& codes) {
    return l01::pca_encode(l01::pca(codes, 2), codes);
}

void check_exercise_written() {
    Rng rng(1);
    const Matrix x = {{0.f, 0.f}, {0.f, 1.f}, {5.f, 5.f}, {5.f, 6.f}, {9.f, 0.f}, {9.f, 1.f}};
    const Labels y = {0, 0, 1, 1, 2, 2};
    const Labels assign = {0, 0, 1, 1, 2, 2};
    TsneOptions opt;
    opt.iterations = 2;
    const Matrix map = {{0.f, 0.f}, {0.f, 1.f}, {3.f, 3.f}, {3.f, 4.f}, {6.f, 0.f}, {6.f, 1.f}};
    const Matrix img = xt::zeros<float>({size_t(1), size_t(784)});
    // Each call with its own inputs, so one unwritten step does not hide the next.
    const auto p = [&] { return joint_p(conditional_p(l07::squared_distances(x, x), 2.f)); };
    require_written("11",
                    {[&] {
                         kmeans(x, {3, 1, 10, 1});
                     },
                     [&] { purity(y, assign); }, [&] { nmi(y, assign); }, [&] { ari(y, assign); },
                     [&] { tsne_map(p(), opt); }, [&] { tsne_kl(p(), map); },
                     [&] { tsne_gradient(p(), map); }, [&] { trustworthiness(x, map, 2); },
                     [&] { code_statistics(x); }, [&] { sample_fitted_gaussian(x, 2, rng); },
                     [&] { distance_ratio(x, x); }, [&] { retrieval_rate(x, x); },
                     [&] { shift_images(img, 1, 0); }, [&] { rotate_images(img, 5.f); }});
    const Matrix means = class_means(x, y, 3);
    latent_arithmetic(x, means, 0, 1), unit_activity(x), active_units(x, kActiveThreshold);
    traversal_codes(xt::view(x, xt::range(0, 1), xt::all()), {0, 1}, kTraversalValues);
}

}  // namespace ae::l11
