// Lesson 11 program: the latent spaces of the deep AE (lesson 02), the contractive AE (lesson 04)
// and the VAE (lesson 05) side by side with pixels and PCA: k-means scored against the labels,
// t-SNE vs PCA-2 maps, invariance, random codes decoded, arithmetic with class means.
// Run: ./workshop run 11 [--quick] [--points 2000] [--perplexity 30]  (--help: every flag).
// Pictures, their numbers and summary.json go to out/11_latent/ (report.cpp), and the explorer
// page explorer.html (explorer.hpp).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "ae/cli.hpp"
#include "ae/error.hpp"
#include "ae/progress.hpp"
#include "explorer.hpp"
#include "lesson.hpp"
#include "report.hpp"

using namespace ae;
using namespace ae::l11;

namespace {

constexpr size_t kExplorerPoints = 1500;  // the page grows 0.33-0.43 kB per point and image set

void add_flags(CLI::App& app, Flags& f) {
    app.add_option("--points", f.points, "test images clustered and mapped (t-SNE is O(N^2))")
        ->check(whole_flag(50, 10000, "test images clustered and mapped"));
    app.add_option("--perplexity", f.perplexity, "t-SNE perplexity (neighbours per point)")
        ->check(real_flag(2, 200, "the t-SNE perplexity"));
    app.add_option("--tsne-iterations", f.tsne_iterations, "t-SNE gradient steps")
        ->check(whole_flag(150, 5000, "t-SNE gradient steps"));
    app.add_option("--restarts", f.restarts, "k-means restarts (best inertia kept)")
        ->check(whole_flag(1, 100, "k-means restarts"));
    app.add_option("--trust-k", f.trust_k, "neighbours counted by trustworthiness")
        ->check(whole_flag(1, 100, "neighbours counted by trustworthiness"));
    app.add_option("--samples", f.samples, "random codes decoded per model and prior")
        ->check(whole_flag(20, 5000, "random codes per model and prior"));
    app.add_option("--per-class", f.per_class,
                   "test images per source class, class-mean arithmetic")
        ->check(whole_flag(5, 1000, "test images per class; the sample has 100 per class"));
    app.add_option("--ae-model", f.models.ae_model, "lesson 02's model: a checkpoint (must load)");
    app.add_option("--vae-model", f.models.vae_model, "a lesson 05 checkpoint, Z = 20");
    app.add_option("--vae2-model", f.models.vae2_model, "a lesson 05 checkpoint, Z = 2");
    app.add_flag("--retrain", f.models.retrain, "ignore every saved checkpoint, train here");
}

// The explorer page: the t-SNE map, the images and their reconstructions, and the 2-D VAE's
// decoder, run live by the page (at most kExplorerPoints points: about 3 MB). Prints its size.
void write_explorer_page(const std::string& page, const DataSplit& data, const Matrix& x,
                         const Labels& labels, const Matrix& map, Models& models) {
    const size_t ne = std::min<size_t>(x.shape()[0], kExplorerPoints);
    const Matrix xe = xt::view(x, xt::range(0, ne), xt::all());
    ExplorerInput in;
    in.map2d = xt::view(map, xt::range(0, ne), xt::all());
    in.images = xe;
    in.labels.assign(labels.begin(), labels.begin() + ne);
    in.class_names = data.class_names;
    in.reconstructions = {
        {"deep AE", xt::clip(l02::reconstruct(models.ae, xe), 0.f, 1.f)},
        {"contractive AE", xt::clip(l02::reconstruct(models.cae, xe), 0.f, 1.f)},
        {"VAE", xt::clip(l05::decode(models.vae, l05::encode_mean(models.vae, xe)), 0.f, 1.f)}};
    in.decoder = dense_steps(models.vae2.decoder, true);
    in.vae_codes = l05::encode_mean(models.vae2, xe);
    write_explorer(page, in);
    std::printf("Explorer page (%zu points): %s, %.1f MB\n", ne, page.c_str(),
                double(std::filesystem::file_size(page)) / 1e6);
}

}  // namespace

int main(int argc, char** argv) {
    return guarded_main([&] {
        Options defaults = lesson_defaults(5, 2, 128, 32, 1e-3f);
        CommandLine cli({"11", "11_latent", "Lesson 11: the latent space"}, defaults);
        Flags f;
        add_flags(cli.app(), f);
        if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
        const Options& opt = cli.options();
        if (opt.quick && f.points == 2000) f.points = 500;
        Timer total;
        check_exercise_written();
        const DataSplit data = load_data(opt.data_request());
        std::cout << "Data: " << data.describe() << "\n";
        if (f.points > data.test.size() || f.perplexity >= float(f.points - 1) / 3 ||
            2 * f.trust_k >= f.points)
            throw Error(
                "--points " + std::to_string(f.points) + ", --trust-k " +
                std::to_string(f.trust_k) + " and --perplexity " + std::to_string(f.perplexity) +
                ": need points <= " + std::to_string(data.test.size()) +
                " test images, perplexity < points / 3 and " +
                "--trust-k < points / 2; lower --perplexity or --trust-k, or raise --points");
        Models models = obtain_models(data, opt, f.models);
        Results r;
        r.model_from = models.from;
        for (const auto& line : models.from) std::printf("  %s\n", line.c_str());
        const Matrix x = xt::view(data.test.images, xt::range(0, f.points), xt::all());
        const Labels labels(data.test.labels.begin(), data.test.labels.begin() + f.points);
        const std::vector<Representation> reps = representations(x, models);

        // Step 1: k-means with K = 10 on every representation, as it is and standardised.
        Timer t;
        for (const auto& rep : reps) {
            r.names.push_back(rep.name);
            r.raw.push_back(cluster_and_score(rep.codes, labels, f.restarts, opt.seed));
            r.scaled.push_back(
                cluster_and_score(standardise(rep.codes), labels, f.restarts, opt.seed));
        }
        r.kmeans_seconds = t.seconds();

        // Step 2: a t-SNE map and a PCA-2 map of the deep AE's codes; which keeps neighbours?
        const Matrix& codes = reps[2].codes;
        TsneOptions topt;
        topt.iterations = f.tsne_iterations, topt.seed = opt.seed;
        t.reset();
        r.tsne_map = tsne(codes, f.perplexity, topt);
        r.tsne_seconds = t.seconds();
        r.pca_map = pca2(codes);
        r.trust_tsne = trustworthiness(codes, r.tsne_map, f.trust_k);
        r.trust_pca = trustworthiness(codes, r.pca_map, f.trust_k);
        r.names.push_back("t-SNE map");  // k-means on the 2-D map itself
        r.raw.push_back(cluster_and_score(r.tsne_map, labels, f.restarts, opt.seed));
        r.scaled.push_back(
            cluster_and_score(standardise(r.tsne_map), labels, f.restarts, opt.seed));

        // Step 3: how far codes move when the image shifts or turns (vs two different images).
        r.invariance = measure_invariance(x, models);

        // Step 4: the codes' distribution, and random codes decoded (what the prior is for).
        r.stats = model_code_statistics(x, models);
        Rng rng(opt.seed);
        Judge judge = train_judge(data, 10000, opt.seed, rng);
        r.sampling = decode_random_codes(data, models, f.samples, judge, rng);

        // Step 5: class-mean arithmetic, judged alike; active units and the VAE's traversals.
        r.arithmetic = measure_arithmetic(data, models, judge, f.per_class);
        r.traversals = measure_traversals(data.test.images, models);

        write_explorer_page(opt.out + "/explorer.html", data, x, labels, r.tsne_map, models);
        report(opt, f, data, labels, r, total);
        return 0;
    });
}
