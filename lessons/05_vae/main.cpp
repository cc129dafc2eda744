// Lesson 05 program: a variational autoencoder on Fashion-MNIST (Bernoulli likelihood), its
// negative ELBO against the data's entropy floor, samples, interpolations and a 2-D manifold.
// Run: ./workshop run 05 [--quick] [--beta 4] [--beta-sweep 0.5,1,2,4] [--manifold-epochs 0]
// Writes pictures, their numbers, model.ckpt (for lessons 06, 07) and summary.json to out/05_vae/.
#include <cstdio>
#include <iostream>

#include "ae/progress.hpp"
#include "ae/run_record.hpp"
#include "report.hpp"

using namespace ae;
using namespace ae::l05;

namespace {

constexpr size_t kHidden = 400;
constexpr size_t kTrainEval = 10000;  // training images measured after each epoch

// Trains a VAE with latent size z; after each epoch the negative ELBO (one sample of z, fixed
// seed) on the first kTrainEval training images and on the test images.
Run train_run(const DataSplit& data, const Options& opt, size_t z, float beta,
              const std::string& name) {
    Rng rng(opt.seed);
    Run r{make_vae(data.train.dim(), kHidden, z, rng), {}, {}};
    const size_t n_train = std::min(kTrainEval, data.train.size());
    const Matrix train_x = xt::view(data.train.images, xt::range(0, n_train), xt::all());
    auto measure = [&](EpochLog& log) {
        Rng eval_rng(opt.seed + 1);
        const Elbo tr = evaluate_elbo(r.model, train_x, &eval_rng);
        r.test = evaluate_elbo(r.model, data.test.images, &eval_rng);
        log.metrics["train_nelbo"] = tr.negative_elbo_mean;
        log.metrics["train_recon"] = tr.recon_mean, log.metrics["train_kl"] = tr.kl_mean;
        log.metrics["test_nelbo"] = r.test.negative_elbo_mean;
        log.metrics["test_recon"] = r.test.recon_mean, log.metrics["test_kl"] = r.test.kl_mean;
    };
    init_output_bias(r.model, data.train.images);  // start from the mean image
    r.history = train_vae(r.model, data.train.images, beta, train_spec(opt, name), measure);
    if (opt.epochs == 0) {
        EpochLog log;
        measure(log);
    }
    return r;
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        const Options defaults = lesson_defaults(10, 3, 128, 20);
        CommandLine cli({"05", "05_vae", "Lesson 05: the variational autoencoder"}, defaults);
        float beta = 1.f;
        int manifold_epochs = -1;
        std::vector<float> betas;
        cli.app()
            .add_option("--beta", beta, "weight of the KL term (1 = the ELBO; >1: beta-VAE)")
            ->check(real_flag(0, 1000, "weight of the KL term"));
        cli.app()
            .add_option("--manifold-epochs", manifold_epochs,
                        "epochs of the extra Z = 2 run for the manifold pictures (0 = skip; "
                        "default: half of --epochs)")
            ->check(whole_flag(0, 100000, "epochs of the Z = 2 run"));
        cli.app()
            .add_option("--beta-sweep", betas, "also train one VAE per beta, e.g. 0.5,1,2,4")
            ->delimiter(',')
            ->check(real_flag(0, 1000, "each beta: a weight of the KL term"));
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        Timer total;
        const DataSplit data = load_data(opt.data_request());
        std::cout << "Data: " << data.describe() << "\n";
        const size_t z = static_cast<size_t>(opt.latent);
        const bool default_run = cli.default_run(data);
        const double floor = pixel_entropy_floor(data.test.images);
        std::printf("Pixel entropy floor (the lowest -ELBO on grey levels): %.1f nats\n", floor);
        const std::string out = opt.out;
        make_dirs(out);

        Run run = train_run(data, opt, z, beta, "VAE Z=" + std::to_string(z));
        const Elbo det = evaluate_elbo(run.model, data.test.images);  // z = mu
        Rng rng(opt.seed + 2);
        report_main_run(out, run, det, floor, data, opt, beta, default_run, rng);

        Json summary;
        const int m_epochs = manifold_epochs >= 0 ? manifold_epochs : std::max(1, opt.epochs / 2);
        if (m_epochs > 0) {  // the extra Z = 2 run: the latent scatter and the decoded manifold
            Options two_opt = opt;
            two_opt.epochs = m_epochs;
            Run two = train_run(data, two_opt, 2, beta, "VAE Z=2");
            report_manifold(out, two, data, m_epochs, default_run && manifold_epochs < 0, summary);
        }
        std::vector<Run> sweep;  // beta-VAE: one training per beta, same epochs and seed
        for (float b : betas)
            sweep.push_back(train_run(data, opt, z, b, "beta " + std::to_string(b).substr(0, 4)));
        if (!betas.empty())
            summary.set("beta_sweep", report_beta_sweep(out, betas, sweep, z, opt.epochs));
        fill_summary(summary, run, det, floor, data, opt, beta, kHidden);
        finish_run(summary, out, total);
        return 0;
    });
}
