// Lesson 06, the code the lesson gives you (lesson.hpp): three detectors trained on normal images
// only (PCA from lesson 01, the deep autoencoder of lesson 02, the VAE of lesson 05), each
// scoring the test set with your step 1 scores (the VAE also by its negative ELBO per image),
// and the evaluation of one detector with your steps 2-4.
#include "01_linear_pca/exercise.hpp"
#include "02_deep_ae/lesson.hpp"
#include "05_vae/lesson.hpp"
#include "ae/todo.hpp"
#include "ae/optim.hpp"
#include "ae/progress.hpp"
#include "lesson.hpp"

namespace ae::l06 {

Scored pca_detector(const Matrix& normal, const Matrix& test, size_t k) {
    Timer t;
    const l01::Pca p = l01::pca(normal, k);
    Scored s{"PCA-" + std::to_string(k), {}, {}, {}, 0};
    s.recon = l01::pca_decode(p, l01::pca_encode(p, test));
    s.test = mse_scores(s.recon, test);
    s.train = mse_scores(l01::pca_decode(p, l01::pca_encode(p, normal)), normal);
    s.seconds = t.seconds();
    return s;
}

std::vector<Scored> ae_detector(const Matrix& normal, const Matrix& test, size_t latent,
                                const TrainSpec& spec) {
    Timer t;
    l02::AeConfig config;
    config.input = normal.shape()[1];
    config.latent = latent;
    Rng rng(spec.fit.seed);
    l02::Autoencoder model = l02::make_autoencoder(config, rng);
    l02::train_autoencoder(model, normal, spec);
    // One reconstruction, two scores: the squared error and the summed cross-entropy.
    Scored mse{"deep AE", {}, {}, l02::reconstruct(model, test), 0};
    const Matrix train_recon = l02::reconstruct(model, normal);
    mse.test = mse_scores(mse.recon, test);
    mse.train = mse_scores(train_recon, normal);
    Scored bce{"deep AE BCE", bce_scores(mse.recon, test), bce_scores(train_recon, normal),
               mse.recon, 0};
    mse.seconds = bce.seconds = t.seconds();
    return {mse, bce};
}

std::vector<Scored> vae_detector(const Matrix& normal, const Matrix& test, const TrainSpec& spec) {
    Timer t;
    Rng rng(spec.fit.seed);
    l05::Vae model = l05::make_vae(normal.shape()[1], 400, 20, rng);
    l05::train_vae(model, normal, 1.f, spec);
    // Two scores of one model: its negative ELBO (z = mu; summed BCE in nats plus the KL of the
    // code) and the plain reconstruction MSE of decode(mu), comparable with PCA and the AE.
    Scored elbo{"VAE -ELBO", {}, {}, {}, 0};
    elbo.test = l05::negative_elbo_per_image(model, test);
    elbo.train = l05::negative_elbo_per_image(model, normal);
    elbo.recon = l05::decode(model, l05::encode_mean(model, test));
    Scored mse{"VAE MSE", {}, {}, elbo.recon, 0};
    mse.test = mse_scores(elbo.recon, test);
    mse.train = mse_scores(l05::decode(model, l05::encode_mean(model, normal)), normal);
    elbo.seconds = mse.seconds = t.seconds();
    return {elbo, mse};
}

Labels anomalous_unless(const Labels& labels, int normal_class) {
    Labels out(labels.size());
    for (size_t i = 0; i < labels.size(); ++i) out[i] = labels[i] == normal_class ? 0 : 1;
    return out;
}

Outcome evaluate(const Scored& s, const Labels& anomalous, double fpr) {
    Outcome o;
    o.roc = roc_curve(s.test, anomalous);
    o.auc = auc(o.roc);
    o.auc_rank = auc_rank(s.test, anomalous);
    o.threshold = threshold_at_fpr(s.train, fpr);
    o.detection = detect(s.test, anomalous, o.threshold);
    return o;
}

void check_exercise_written() {
    const Scored toy{"toy", {0.1, 0.9, 0.5}, {0.2, 0.3}, {}, 0};
    require_written("06", {[&] {
                               evaluate(toy, {0, 1, 0}, 0.5);
                           },
                           [&] { mse_scores(Matrix{{0.f}}, Matrix{{1.f}}); },
                           [&] { bce_scores(Matrix{{0.5f}}, Matrix{{1.f}}); }});
}

}  // namespace ae::l06
