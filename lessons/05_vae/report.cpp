// Lesson 05, the report: what the program draws, saves and prints once the VAEs are trained.
#include "report.hpp"

#include <algorithm>
#include <cstdio>

#include "ae/expect.hpp"
#include "ae/plot.hpp"
#include "ae/run_record.hpp"
#include "exercise.hpp"

namespace ae::l05 {

namespace {

// The README's figures for the default run ("What the pictures should show"), in nats per image.
const ExpectedFigures kExpected = {{"test_nelbo", {241, 247}},
                                   {"test_kl", {15, 18}},
                                   {"test_nelbo_at_mean", {236, 242}},
                                   {"z2_test_nelbo", {262, 271}}};

// Row i of m as a (1, D) matrix.
Matrix row(const Matrix& m, size_t i) {
    return xt::view(m, xt::range(i, i + 1), xt::all());
}

void elbo_chart(const std::string& out, const History& h, double floor) {
    const auto ep = h.epoch_numbers();
    Chart c{"Negative ELBO per image (one z sample) and the data's entropy floor", "epoch",
            "nats per image"};
    c.key = "center right";
    line_chart(out + "/elbo_per_epoch.png", c,
               {{"train -ELBO (first 10000 images)", ep, h.metric("train_nelbo"), "linespoints"},
                {"test -ELBO", ep, h.metric("test_nelbo"), "linespoints"},
                {"test reconstruction (BCE summed over pixels)", ep, h.metric("test_recon"),
                 "linespoints"},
                {"pixel entropy floor (test)", ep, std::vector<double>(ep.size(), floor)}});
    Chart k{"KL(q(z|x) || p(z)) per image: the nats the code spends", "epoch", "nats per image"};
    k.key = "bottom right";
    line_chart(out + "/kl_per_epoch.png", k,
               {{"train KL", ep, h.metric("train_kl"), "linespoints"},
                {"test KL", ep, h.metric("test_kl"), "linespoints"}});
    save_csv(
        out + "/history.csv",
        {"epoch", "train_nelbo", "train_recon", "train_kl", "test_nelbo", "test_recon", "test_kl"},
        {ep, h.metric("train_nelbo"), h.metric("train_recon"), h.metric("train_kl"),
         h.metric("test_nelbo"), h.metric("test_recon"), h.metric("test_kl")});
}

// Originals and reconstructions (z = mu), 64 prior samples, interpolations between test pairs.
void image_pictures(const std::string& out, Vae& model, const DataSplit& data, Rng& rng) {
    const Matrix x = head(data.test.images, 10);
    save_image_rows(
        out + "/reconstructions.png",
        {{"test image", x}, {"reconstruction (z = mu)", decode(model, encode_mean(model, x))}},
        "VAE reconstructions from the encoder's mean",
        {"test images 1-10", "", "", "", "", "", "", "", "", ""});
    save_image_grid(out + "/samples.png", sample_prior(model, 64, rng), 8, 28, 28, 3, false, {},
                    "decodes of z ~ N(0, I)");
    const Matrix mu = encode_mean(model, head(data.test.images, 40));
    Matrix rows = xt::zeros<float>({size_t{0}, model.d});
    std::vector<std::string> labels;
    for (size_t p = 0; p < 6; ++p) {  // pairs of test images of different classes: (p, 3p + 7)
        const size_t a = p, b = std::min<size_t>(3 * p + 7, mu.shape()[0] - 1);
        const Matrix line = interpolate(model, row(mu, a), row(mu, b), 10);
        rows = xt::concatenate(
            xt::xtuple(rows, row(data.test.images, a), line, row(data.test.images, b)), 0);
        labels.push_back("pair " + std::to_string(p + 1));
    }
    std::vector<std::string> cols(12, "");
    cols[0] = "image A", cols[1] = "decodes from z_A to z_B", cols[11] = "image B";
    save_image_grid(out + "/interpolations.png", rows, 12, 28, 28, 3, false, labels,
                    "straight lines in latent space, decoded", cols);
}

}  // namespace

void report_main_run(const std::string& out, Run& run, const Elbo& det, double floor,
                     const DataSplit& data, const Options& opt, float beta, bool default_run,
                     Rng& rng) {
    save_vae(run.model, out + "/model.ckpt",
             "beta=" + std::to_string(beta) + " epochs=" + std::to_string(opt.epochs) +
                 " data: " + data.describe());
    if (!run.history.epoch_numbers().empty()) elbo_chart(out, run.history, floor);  // --epochs 0
    image_pictures(out, run.model, data, rng);
    save_npy(out + "/test_mu.npy", encode_mean(run.model, data.test.images));
    std::printf("\nResults (Z = %d, beta = %g, %d epochs, batch %d, Adam %g):\n", opt.latent, beta,
                opt.epochs, opt.batch_size, opt.lr);
    std::printf("  test -ELBO per image, one z sample: %s nats\n",
                kExpected.against("test_nelbo", run.test.negative_elbo_mean, default_run).c_str());
    std::printf("    = reconstruction %.1f + KL %s\n", run.test.recon_mean,
                kExpected.against("test_kl", run.test.kl_mean, default_run).c_str());
    std::printf(
        "  test -ELBO per image, z = mu:       %s = %.1f + %.1f\n",
        kExpected.against("test_nelbo_at_mean", det.negative_elbo_mean, default_run).c_str(),
        det.recon_mean, det.kl_mean);
    std::printf("  pixel entropy floor %.1f nats per test image: the model is %.1f nats above it\n",
                floor, run.test.negative_elbo_mean - floor);
    std::printf("  checkpoint %s/model.ckpt\n", opt.out.c_str());
}

void report_manifold(const std::string& out, Run& two, const DataSplit& data, int epochs,
                     bool default_run, Json& summary) {
    save_vae(two.model, out + "/model_z2.ckpt", "manifold run, epochs=" + std::to_string(epochs));
    const Matrix mu = encode_mean(two.model, data.test.images);
    Chart c{"Test images in the 2-D latent space of the VAE (encoder means)", "z1", "z2"};
    c.xmin = c.ymin = -4, c.xmax = c.ymax = 4;
    scatter_by_class(out + "/latent_scatter.png", c, mu, data.test.labels, data.class_names);
    save_npy(out + "/latent_z2_test.npy", mu);
    const size_t n = 20;
    Matrix z({n * n, size_t{2}});
    std::vector<std::string> rows(n, ""), cols(n, "");
    for (size_t i = 0; i < n; ++i) {      // rows: z2 from +3 (top) to -3
        for (size_t j = 0; j < n; ++j) {  // columns: z1 from -3 to +3
            z(i * n + j, 0) = -3.f + 6.f * float(j) / float(n - 1);
            z(i * n + j, 1) = 3.f - 6.f * float(i) / float(n - 1);
        }
    }
    rows.front() = "z2 = +3", rows.back() = "z2 = -3";
    cols.front() = "z1 = -3", cols.back() = "z1 = +3";
    save_image_grid(out + "/manifold.png", decode(two.model, z), n, 28, 28, 2, false, rows,
                    "decodes of a grid of the 2-D latent plane", cols);
    std::printf(
        "  Z = 2 (%d epochs): test -ELBO %s = %.1f + %.1f (manifold.png, "
        "latent_scatter.png)\n",
        epochs,
        kExpected.against("z2_test_nelbo", two.test.negative_elbo_mean, default_run).c_str(),
        two.test.recon_mean, two.test.kl_mean);
    summary.set("z2_epochs", epochs).set("z2_test_nelbo", two.test.negative_elbo_mean);
}

Json report_beta_sweep(const std::string& out, const std::vector<float>& betas,
                       const std::vector<Run>& runs, size_t z, int epochs) {
    std::printf("\nbeta sweep (Z = %zu, %d epochs each):\n", z, epochs);
    std::vector<double> bs, recon, kl;
    for (size_t i = 0; i < runs.size(); ++i) {
        const Elbo& t = runs[i].test;
        bs.push_back(betas[i]), recon.push_back(t.recon_mean), kl.push_back(t.kl_mean);
        std::printf("  beta %-5g  test reconstruction %7.2f  KL %6.2f  -ELBO %7.2f nats\n",
                    betas[i], t.recon_mean, t.kl_mean, t.negative_elbo_mean);
    }
    Chart c{"beta-VAE: a larger beta buys a smaller KL with a worse reconstruction", "beta",
            "nats per test image"};
    c.logx = true;
    line_chart(out + "/beta_tradeoff_recon.png", c,
               {{"reconstruction (BCE)", bs, recon, "linespoints"}});
    c.title = "beta-VAE: KL to the prior falls as beta grows";
    line_chart(out + "/beta_tradeoff_kl.png", c, {{"KL", bs, kl, "linespoints"}});
    Json j;
    j.set("beta", bs).set("test_recon", recon).set("test_kl", kl);
    return j;
}

void fill_summary(Json& s, const Run& run, const Elbo& det, double floor, const DataSplit& data,
                  const Options& opt, float beta, size_t hidden) {
    const History& h = run.history;
    s.set("lesson", "05_vae").set("data", data.describe()).set("full_data", !data.is_sample);
    set_sizes(s, data).set("latent", opt.latent).set("hidden", hidden).set("beta", double(beta));
    set_training(s, opt);
    s.set("elbo_estimate",
          "mean over test images of BCE summed over pixels + KL, one z sample per image");
    s.set("test_nelbo", run.test.negative_elbo_mean).set("test_recon", run.test.recon_mean);
    s.set("test_kl", run.test.kl_mean).set("test_nelbo_z_equals_mu", det.negative_elbo_mean);
    s.set("pixel_entropy_floor_test", floor);
    s.set("test_nelbo_per_epoch", h.metric("test_nelbo"))
        .set("train_nelbo_per_epoch", h.metric("train_nelbo"));
    s.set("checkpoint", opt.out + "/model.ckpt").set("train_seconds", h.total_seconds());
}

}  // namespace ae::l05
