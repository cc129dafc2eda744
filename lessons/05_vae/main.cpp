// Lesson 05 program: a variational autoencoder on Fashion-MNIST (Bernoulli likelihood), its
// negative ELBO against the data's entropy floor, samples, interpolations and a 2-D manifold.
// Run: ./workshop run 05 [--quick] [--beta 4] [--beta-sweep 0.5,1,2,4] [--manifold-epochs 0]
// Writes pictures, their numbers, model.ckpt (for lessons 06, 07) and summary.json to out/05_vae/.
#include <cstdio>
#include <iostream>

#include "ae/cli.hpp"
#include "ae/io.hpp"
#include "ae/plot.hpp"
#include "ae/progress.hpp"
#include "exercise.hpp"

using namespace ae;
using namespace ae::l05;

namespace {

constexpr size_t kHidden = 400;
constexpr size_t kTrainEval =
    10000;  // training images measured after each epoch (all would add ~30%)

// Rows [0, n) of m.
Matrix head_rows(const Matrix& m, size_t n) {
    return xt::view(m, xt::range(0, std::min(n, m.shape()[0])), xt::all());
}
Matrix row(const Matrix& m, size_t i) {
    return xt::view(m, xt::range(i, i + 1), xt::all());
}

struct Run {
    Vae model;
    History history;
    Elbo test;  // final, one sample of z per image
};

// Trains a VAE with latent size z; after each epoch the negative ELBO (one sample of z, fixed
// seed) on the training and test images.
Run train_run(const DataSplit& data, const Options& opt, size_t z, float beta,
              const std::string& name) {
    Rng rng(opt.seed);
    Run r{make_vae(data.train.dim(), kHidden, z, rng), {}, {}};
    FitOptions fo;
    fo.epochs = opt.epochs, fo.batch_size = opt.batch_size, fo.seed = opt.seed, fo.lr = opt.lr;
    fo.name = name;
    auto measure = [&](EpochLog& log) {
        Rng eval_rng(opt.seed + 1);
        const Elbo tr = evaluate_elbo(r.model, head_rows(data.train.images, kTrainEval), &eval_rng);
        r.test = evaluate_elbo(r.model, data.test.images, &eval_rng);
        log.metrics["train_nelbo"] = tr.negative_elbo_mean,
        log.metrics["train_recon"] = tr.recon_mean;
        log.metrics["train_kl"] = tr.kl_mean, log.metrics["test_nelbo"] = r.test.negative_elbo_mean;
        log.metrics["test_recon"] = r.test.recon_mean, log.metrics["test_kl"] = r.test.kl_mean;
    };
    init_output_bias(r.model, data.train.images);  // start from the mean image
    r.history = train_vae(r.model, data.train.images, fo, opt.lr, beta, measure,
                          resolve_device(opt.device));
    if (opt.epochs == 0) {
        EpochLog log;
        measure(log);
    }
    return r;
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

// Originals, reconstructions (z = mu), 64 prior samples, and interpolations between test pairs.
void image_pictures(const std::string& out, Vae& model, const DataSplit& data, Rng& rng) {
    const Matrix x = head_rows(data.test.images, 10);
    save_image_grid(out + "/reconstructions.png",
                    xt::concatenate(xt::xtuple(x, decode(model, encode_mean(model, x))), 0), 10, 28,
                    28, 3);
    save_image_grid(out + "/samples.png", sample_prior(model, 64, rng), 8, 28, 28, 3);
    const Matrix mu = encode_mean(model, head_rows(data.test.images, 40));
    Matrix rows = xt::zeros<float>({size_t{0}, model.d});
    for (size_t p = 0; p < 6; ++p) {  // pairs of test images of different classes: (p, 3p + 7)
        const size_t a = p, b = std::min<size_t>(3 * p + 7, mu.shape()[0] - 1);
        const Matrix line = interpolate(model, row(mu, a), row(mu, b), 10);
        rows = xt::concatenate(
            xt::xtuple(rows, row(data.test.images, a), line, row(data.test.images, b)), 0);
    }
    save_image_grid(out + "/interpolations.png", rows, 12, 28, 28, 3);
}

// Z = 2: the test codes coloured by class, and decodes over a grid of the latent plane.
void manifold_pictures(const std::string& out, Vae& model, const DataSplit& data) {
    const Matrix mu = encode_mean(model, data.test.images);
    Chart c{"Test images in the 2-D latent space of the VAE (encoder means)", "z1", "z2"};
    c.xmin = c.ymin = -4, c.xmax = c.ymax = 4;
    scatter_by_class(out + "/latent_scatter.png", c, mu, data.test.labels, data.class_names);
    save_npy(out + "/latent_z2_test.npy", mu);
    const size_t n = 20;
    Matrix z({n * n, size_t{2}});
    for (size_t i = 0; i < n; ++i) {      // rows: z2 from +3 (top) to -3
        for (size_t j = 0; j < n; ++j) {  // columns: z1 from -3 to +3
            z(i * n + j, 0) = -3.f + 6.f * float(j) / float(n - 1);
            z(i * n + j, 1) = 3.f - 6.f * float(i) / float(n - 1);
        }
    }
    save_image_grid(out + "/manifold.png", decode(model, z), n, 28, 28, 2);
}

// beta-VAE: reconstruction and KL of the test set for each beta (same epochs and seed).
Json beta_sweep(const std::string& out, const DataSplit& data, const Options& opt, size_t z,
                const std::vector<float>& betas) {
    std::vector<double> bs, recon, kl;
    for (float beta : betas) {
        Run r = train_run(data, opt, z, beta, "beta " + std::to_string(beta).substr(0, 4));
        bs.push_back(beta), recon.push_back(r.test.recon_mean), kl.push_back(r.test.kl_mean);
        std::printf("  beta %-5g  test reconstruction %7.2f  KL %6.2f  -ELBO %7.2f nats\n", beta,
                    r.test.recon_mean, r.test.kl_mean, r.test.negative_elbo_mean);
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

// The extra Z = 2 run: the latent scatter and the decoded manifold.
void manifold_run(const std::string& out, const DataSplit& data, Options opt, int epochs,
                  float beta, Json& summary) {
    opt.epochs = epochs;
    Run two = train_run(data, opt, 2, beta, "VAE Z=2");
    manifold_pictures(out, two.model, data);
    save_vae(two.model, out + "/model_z2.ckpt", "manifold run, epochs=" + std::to_string(epochs));
    std::printf(
        "  Z = 2 (%d epochs): test -ELBO %.1f = %.1f + %.1f (manifold.png, latent_scatter.png)\n",
        epochs, two.test.negative_elbo_mean, two.test.recon_mean, two.test.kl_mean);
    summary.set("z2_epochs", epochs).set("z2_test_nelbo", two.test.negative_elbo_mean);
}

void print_results(const Run& run, const Elbo& det, double floor, const Options& opt, float beta) {
    std::printf("\nResults (Z = %d, beta = %g, %d epochs, batch %d, Adam %g):\n", opt.latent, beta,
                opt.epochs, opt.batch_size, opt.lr);
    std::printf(
        "  test -ELBO  %.1f nats per image (one z sample) = reconstruction %.1f + KL %.1f\n",
        run.test.negative_elbo_mean, run.test.recon_mean, run.test.kl_mean);
    std::printf("  test -ELBO  %.1f with z = mu (deterministic) = %.1f + %.1f\n",
                det.negative_elbo_mean, det.recon_mean, det.kl_mean);
    std::printf("  pixel entropy floor %.1f nats per test image: the model is %.1f nats above it\n",
                floor, run.test.negative_elbo_mean - floor);
    std::printf("  checkpoint %s/model.ckpt\n", opt.out.c_str());
}

void fill_summary(Json& s, const Run& run, const Elbo& det, double floor, const DataSplit& data,
                  const Options& opt, float beta) {
    const History& h = run.history;
    s.set("lesson", "05_vae").set("data", data.describe()).set("full_data", !data.is_sample);
    s.set("train_images", data.train.size()).set("test_images", data.test.size());
    s.set("latent", opt.latent)
        .set("hidden", kHidden)
        .set("beta", double(beta))
        .set("epochs", opt.epochs);
    s.set("batch_size", opt.batch_size).set("lr", double(opt.lr)).set("seed", double(opt.seed));
    s.set("elbo_estimate",
          "mean over test images of BCE summed over pixels + KL, one z sample per image");
    s.set("test_nelbo", run.test.negative_elbo_mean).set("test_recon", run.test.recon_mean);
    s.set("test_kl", run.test.kl_mean).set("test_nelbo_z_equals_mu", det.negative_elbo_mean);
    s.set("pixel_entropy_floor_test", floor);
    s.set("test_nelbo_per_epoch", h.metric("test_nelbo"))
        .set("train_nelbo_per_epoch", h.metric("train_nelbo"));
    s.set("checkpoint", opt.out + "/model.ckpt").set("train_seconds", h.total_seconds());
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults;
        defaults.epochs = 10, defaults.quick_epochs = 3, defaults.batch_size = 128;
        defaults.lr = 1e-3f, defaults.latent = 20;
        CommandLine cli({"05", "05_vae", "Lesson 05: the variational autoencoder"}, defaults);
        float beta = 1.f;
        int manifold_epochs = -1;
        std::vector<float> betas;
        cli.app()
            .add_option("--beta", beta, "weight of the KL term (1 = the ELBO; >1: beta-VAE)")
            ->capture_default_str()
            ->check(CLI::NonNegativeNumber);
        cli.app().add_option("--manifold-epochs", manifold_epochs,
                             "epochs of the extra Z = 2 run for the manifold pictures (0 = skip; "
                             "default: half of --epochs)");
        cli.app()
            .add_option("--beta-sweep", betas, "also train one VAE per beta, e.g. 0.5,1,2,4")
            ->delimiter(',');
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        if (resolve_device(opt.device) == "cuda")
            std::cout << "Training on the GPU with the library's CUDA VAE trainer (your "
                         "loss_and_gradients is the CPU path: --device cpu).\n";
        Timer total;

        const DataSplit data = load_data(opt.data_request());
        std::cout << "Data: " << data.describe() << "\n";
        const size_t z = static_cast<size_t>(opt.latent);
        const double floor = pixel_entropy_floor(data.test.images);
        std::printf(
            "Pixel entropy floor (no Bernoulli model goes below it on grey levels): %.1f nats "
            "per test image\n",
            floor);
        const std::string out = opt.out;
        make_dirs(out);

        Run run = train_run(data, opt, z, beta, "VAE Z=" + std::to_string(z));
        const Elbo det = evaluate_elbo(run.model, data.test.images);  // z = mu
        save_vae(run.model, out + "/model.ckpt",
                 "beta=" + std::to_string(beta) + " epochs=" + std::to_string(opt.epochs) +
                     " data: " + data.describe());
        elbo_chart(out, run.history, floor);
        Rng rng(opt.seed + 2);
        image_pictures(out, run.model, data, rng);
        save_npy(out + "/test_mu.npy", encode_mean(run.model, data.test.images));
        print_results(run, det, floor, opt, beta);

        Json summary;
        const int m_epochs = manifold_epochs >= 0 ? manifold_epochs : std::max(1, opt.epochs / 2);
        if (m_epochs > 0) manifold_run(out, data, opt, m_epochs, beta, summary);
        if (!betas.empty()) {
            std::printf("\nbeta sweep (Z = %zu, %d epochs each):\n", z, opt.epochs);
            summary.set("beta_sweep", beta_sweep(out, data, opt, z, betas));
        }
        fill_summary(summary, run, det, floor, data, opt, beta);
        summary.set("seconds", total.seconds());
        summary.save(out + "/summary.json");
        std::printf("\nPictures and summary.json in %s/ (%.1fs in all)\n", out.c_str(),
                    total.seconds());
        return 0;
    });
}
