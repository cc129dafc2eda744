// Lesson 11, the report of one run (report.hpp): the k-means table and bar chart, the t-SNE and
// PCA-2 maps (coloured by class, and side by side with thumbnails of the images at their
// points), the invariance table and curves, the code histograms and random codes, the
// arithmetic and traversal grids, CSV files and summary.json. main.cpp is the experiment.
#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ae/io.hpp"
#include "ae/plot.hpp"
#include "ae/run_record.hpp"

namespace ae::l11 {

namespace {

// Both maps side by side on one white canvas, every step-th image pasted (dark on white) at its
// point, so that what sits together can be seen, not only its colour.
void thumbnail_maps(const std::string& png, const Matrix& x, const Matrix& a, const Matrix& b,
                    const std::string& title) {
    const size_t side = 640, gap = 20, n = x.shape()[0], step = std::max<size_t>(1, n / 400);
    const size_t w = 2 * side + gap;
    Matrix canvas = xt::ones<float>({size_t(1), side * w});
    const Matrix* maps[2] = {&a, &b};
    for (size_t m = 0; m < 2; ++m) {
        const Matrix& y = *maps[m];
        const float x0 = xt::amin(xt::view(y, xt::all(), 0))(),
                    x1 = xt::amax(xt::view(y, xt::all(), 0))();
        const float y0 = xt::amin(xt::view(y, xt::all(), 1))(),
                    y1 = xt::amax(xt::view(y, xt::all(), 1))();
        for (size_t i = 0; i < n; i += step) {
            const size_t col =
                m * (side + gap) + size_t((y(i, 0) - x0) / (x1 - x0 + 1e-9f) * (side - 28));
            const size_t row = size_t((y1 - y(i, 1)) / (y1 - y0 + 1e-9f) * (side - 28));
            for (size_t r = 0; r < 28; ++r)
                for (size_t c = 0; c < 28; ++c) {
                    float& px = canvas(0, (row + r) * w + col + c);
                    px = std::min(px, 1.f - x(i, r * 28 + c));
                }
        }
    }
    save_image_grid(png, canvas, 1, side, w, 1, false, {}, title);
}

void pictures(const std::string& out, const Flags& f, const DataSplit& data, const Matrix& x,
              const Labels& labels, const Results& r) {
    char buf[160];
    std::snprintf(buf, sizeof buf, "t-SNE of the deep AE's codes, %zu test images: T(%zu) = %.3f",
                  f.points, f.trust_k, r.trust_tsne);
    scatter_by_class(out + "/tsne_map.png", {buf, "t-SNE 1", "t-SNE 2"}, r.tsne_map, labels,
                     data.class_names);
    std::snprintf(buf, sizeof buf, "PCA-2 of the deep AE's codes, %zu test images: T(%zu) = %.3f",
                  f.points, f.trust_k, r.trust_pca);
    scatter_by_class(out + "/pca2_map.png", {buf, "PC 1", "PC 2"}, r.pca_map, labels,
                     data.class_names);
    std::snprintf(buf, sizeof buf, "left: t-SNE, trustworthiness %.3f    right: PCA-2, %.3f",
                  r.trust_tsne, r.trust_pca);
    thumbnail_maps(out + "/maps_thumbnails.png", x, r.tsne_map, r.pca_map, buf);
    std::vector<std::vector<double>> v(4);
    for (size_t i = 0; i < r.names.size(); ++i) {
        v[0].push_back(r.raw[i].nmi), v[1].push_back(r.raw[i].ari);
        v[2].push_back(r.raw[i].purity), v[3].push_back(r.scaled[i].nmi);
    }
    Chart c{"k-means (K = 10) against the labels, " + std::to_string(f.points) + " test images",
            "representation", "score"};
    c.ymin = 0, c.ymax = 1, c.width = 1100, c.key = "outside right top";
    bar_chart(out + "/kmeans.png", c, r.names, {"NMI", "ARI", "purity", "NMI, standardised"}, v);
    std::vector<std::vector<double>> cols(8);
    for (size_t i = 0; i < r.names.size(); ++i) {
        const ClusterScore* s[2] = {&r.raw[i], &r.scaled[i]};
        for (size_t k = 0; k < 2; ++k) {
            cols[4 * k].push_back(s[k]->nmi), cols[4 * k + 1].push_back(s[k]->ari);
            cols[4 * k + 2].push_back(s[k]->purity), cols[4 * k + 3].push_back(s[k]->inertia);
        }
    }
    save_csv(out + "/kmeans.csv",
             {"nmi", "ari", "purity", "inertia", "nmi_std", "ari_std", "purity_std", "inertia_std"},
             cols);
    save_npy(out + "/tsne_map.npy", r.tsne_map);
    save_npy(out + "/pca2_map.npy", r.pca_map);
}

// Four line charts: distance ratio and retrieval against the shift and against the angle.
void invariance_pictures(const std::string& out, const Invariance& inv) {
    const char* what[2] = {"ratio", "retrieval"};
    for (int kind = 0; kind < 2; ++kind)
        for (int rot = 0; rot < 2; ++rot) {
            std::vector<Series> lines;
            for (size_t r = 0; r < inv.names.size(); ++r) {
                Series s{inv.names[r], {0}, {kind == 0 ? 0.0 : 1.0}, "linespoints"};
                for (size_t t = 0; t < kTransforms.size(); ++t) {
                    if ((kTransforms[t].shift == 0) != bool(rot)) continue;
                    s.x.push_back(rot ? kTransforms[t].degrees : kTransforms[t].shift);
                    s.y.push_back(kind == 0 ? inv.ratio[r][t] : inv.found[r][t]);
                }
                lines.push_back(s);
            }
            Chart c{kind == 0 ? "Distance of a code to its moved copy / distance between two images"
                              : "Moved image whose nearest code is its original's (fraction)",
                    rot ? "rotation (degrees, counter-clockwise)" : "shift (pixels, to the right)",
                    kind == 0 ? "distance ratio" : "retrieval"};
            c.ymin = 0, c.key = kind == 0 ? "top left" : "bottom left";
            if (kind == 1) c.ymax = 1.02;
            line_chart(out + "/" + what[kind] + (rot ? "_rotation.png" : "_shift.png"), c, lines);
        }
}

// Step 4: histograms of the first four code dimensions of each model, and the decoded grids.
void distribution_pictures(const std::string& out, const Results& r) {
    for (const ModelCodes& mc : r.stats) {
        std::vector<std::pair<std::string, std::vector<double>>> dims;
        for (size_t t = 0; t < std::min<size_t>(4, mc.codes.shape()[1]); ++t) {
            auto col = xt::view(mc.codes, xt::all(), t);
            dims.push_back({"dimension " + std::to_string(t), {col.begin(), col.end()}});
        }
        std::string file = mc.name.substr(0, mc.name.find(' '));
        Chart c{"Code dimensions 0-3 of the " + mc.name + " (test images)", "code value",
                "density"};
        histogram_chart(out + "/codes_hist_" + file + ".png", c, dims, 40);
    }
    const Sampling& s = r.sampling;
    const size_t cols = 12;
    Matrix grid({2 * cols * s.images.size(), s.images[0].shape()[1]});
    std::vector<std::string> rows;
    for (size_t k = 0; k < s.images.size(); ++k) {
        xt::view(grid, xt::range(2 * cols * k, 2 * cols * (k + 1)), xt::all()) =
            xt::view(s.images[k], xt::range(0, 2 * cols), xt::all());
        char label[64];
        std::snprintf(label, sizeof label, "%s %.0f%%", s.names[k].c_str(), 100 * s.looks_real[k]);
        rows.push_back(label), rows.push_back("");
    }
    save_image_grid(out + "/random_codes.png", grid, cols, 28, 28, 2, false, rows,
                    "Decoded random codes (share that looks real)");
}

// Step 5: one arithmetic grid per space, and the VAE's traversal grid.
void direction_pictures(const std::string& out, const DataSplit& data, const Results& r) {
    const std::vector<std::string> names = short_class_names(data.class_names);
    std::vector<std::string> cols = {"original", "decoded"}, rows;
    for (const auto& n : names) cols.push_back("to " + n);
    for (int c : kGridClasses) rows.push_back(names[size_t(c)]);
    for (const ArithmeticSpace& s : r.arithmetic.spaces) {
        char title[160];
        std::snprintf(title, sizeof title,
                      "%s: moved from the row's class mean to the column's, decoded "
                      "(judged as the target: %.0f%%)",
                      s.name.c_str(), 100 * s.to_target);
        const std::string file = s.name.substr(0, s.name.find(' '));
        save_image_grid(out + "/arithmetic_" + file + ".png", s.grid, cols.size(), 28, 28, 2, false,
                        rows, title, cols);
    }
    const Traversals& t = r.traversals;
    std::vector<std::string> trows, tcols;
    for (size_t d : t.dims) {
        char label[48];
        std::snprintf(label, sizeof label, "dim %zu (%.2f)", d, t.models[0].activity[d]);
        trows.push_back(label);
    }
    for (float v : kTraversalValues) tcols.push_back(std::to_string(int(v)));
    save_image_grid(
        out + "/traversals_VAE.png", t.images, kTraversalValues.size(), 28, 28, 2, false, trows,
        "VAE: one dimension of a test image's code set to -3 ... 3 (its activity)", tcols);
}

Json scores(const ClusterScore& s) {
    Json j;
    j.set("nmi", s.nmi).set("ari", s.ari).set("purity", s.purity).set("inertia", s.inertia);
    return j;
}

}  // namespace

void report(const Options& opt, const Flags& f, const DataSplit& data, const Labels& labels,
            const Results& r, const Timer& total) {
    std::printf("\nk-means, K = 10, %zu restarts, on %zu test images (%.1fs for all runs):\n",
                f.restarts, f.points, r.kmeans_seconds);
    std::printf("  %-16s %7s %7s %7s   standardised: %7s %7s %7s\n", "representation", "NMI", "ARI",
                "purity", "NMI", "ARI", "purity");
    Json kmeans_json;
    for (size_t i = 0; i < r.names.size(); ++i) {
        const ClusterScore &a = r.raw[i], &b = r.scaled[i];
        std::printf("  %-16s %7.3f %7.3f %7.3f                 %7.3f %7.3f %7.3f\n",
                    r.names[i].c_str(), a.nmi, a.ari, a.purity, b.nmi, b.ari, b.purity);
        Json j;
        j.set("raw", scores(a)).set("standardised", scores(b));
        kmeans_json.set(r.names[i], j);
    }
    std::printf("\nMaps of the deep AE's codes (%zu points), trustworthiness at k = %zu:\n",
                f.points, f.trust_k);
    std::printf("  t-SNE (perplexity %.0f, %d steps, %.1fs): %.4f\n  PCA-2:%31s %.4f\n",
                f.perplexity, f.tsne_iterations, r.tsne_seconds, r.trust_tsne, "", r.trust_pca);
    const Invariance& inv = r.invariance;
    std::printf("\nInvariance: distance ratio (retrieval) of a moved image's code, %zu images:\n",
                f.points);
    std::printf("  %-16s", "representation");
    for (const auto& t : kTransforms) std::printf(" %15s", t.name.c_str());
    std::printf("\n");
    Json inv_json;
    for (size_t i = 0; i < inv.names.size(); ++i) {
        std::printf("  %-16s", inv.names[i].c_str());
        for (size_t t = 0; t < kTransforms.size(); ++t)
            std::printf("   %5.3f (%5.3f)", inv.ratio[i][t], inv.found[i][t]);
        std::printf("\n");
        Json j;
        j.set("ratio", inv.ratio[i]).set("retrieval", inv.found[i]);
        inv_json.set(inv.names[i], j);
    }
    std::printf("\nCode statistics of the test images (mean over dimensions):\n");
    std::printf("  %-16s %9s %9s %9s %9s\n", "model", "sd", "|skew|", "|kurt|", "|corr|");
    Json stats_json;
    for (const ModelCodes& mc : r.stats) {
        const CodeStats& c = mc.stats;
        const size_t z = c.sd.size();
        double sd = 0, sk = 0, ku = 0, co = 0;
        for (size_t t = 0; t < z; ++t)
            sd += c.sd[t] / z, sk += std::abs(c.skew[t]) / z, ku += std::abs(c.kurtosis[t]) / z;
        for (size_t a = 0; a < z; ++a)
            for (size_t b = 0; b < z; ++b)
                if (a != b) co += std::abs(c.correlation(a, b)) / double(z * (z - 1));
        std::printf("  %-16s %9.3f %9.3f %9.3f %9.3f\n", mc.name.c_str(), sd, sk, ku, co);
        Json j;
        j.set("mean_sd", sd).set("mean_abs_skew", sk).set("mean_abs_excess_kurtosis", ku);
        j.set("mean_abs_correlation", co).set("sd", c.sd).set("skew", c.skew);
        stats_json.set(mc.name, j.set("kurtosis", c.kurtosis).set("mean", c.mean));
    }
    const Sampling& smp = r.sampling;
    std::printf(
        "\nDecoded random codes that look real (a classifier >= %.0f%% sure of one class; "
        "real test images: %.3f):\n",
        100 * smp.threshold, smp.real);
    Json samp_json;
    for (size_t k = 0; k < smp.names.size(); ++k) {
        std::printf("  %-12s %.3f\n", smp.names[k].c_str(), smp.looks_real[k]);
        samp_json.set(smp.names[k], smp.looks_real[k]);
    }
    samp_json.set("threshold", smp.threshold)
        .set("real_test_images", smp.real)
        .set("samples", f.samples);
    const Arithmetic& ar = r.arithmetic;
    std::printf(
        "\nArithmetic with class means: %zu test images per class, all %zu ordered pairs a -> b, "
        "the code\nminus a's mean plus b's (training codes), decoded, judged by the classifier "
        "of the random codes:\n",
        ar.per_class, data.class_names.size() * (data.class_names.size() - 1));
    std::printf("  %-16s %10s %14s %13s %15s\n", "space", "as target", "target, sure",
                "still source", "unmoved as own");
    Json arith_json, spaces_json;
    for (const ArithmeticSpace& a : ar.spaces) {
        std::printf("  %-16s %10.3f %14.3f %13.3f %15.3f\n", a.name.c_str(), a.to_target,
                    a.to_target_sure, a.still_source, a.decoded_as_own);
        Json j, pairs;
        j.set("judged_as_target", a.to_target).set("judged_as_target_sure", a.to_target_sure);
        j.set("judged_as_source", a.still_source).set("unmoved_judged_as_own", a.decoded_as_own);
        for (size_t c = 0; c < a.pairs.size(); ++c) pairs.set(data.class_names[c], a.pairs[c]);
        spaces_json.set(a.name, j.set("pairs_source_to_target", pairs));
    }
    arith_json.set("images_per_class", ar.per_class).set("pairs", "all ordered pairs a != b");
    arith_json.set("sure_threshold", ar.threshold).set("spaces", spaces_json);
    const Traversals& tr = r.traversals;
    std::printf(
        "\nActive units: dimensions whose code varies over the %zu test images with a variance "
        "above %.2f\n(meaningful for the VAE, whose prior has unit variance; an AE's code has "
        "no set scale):\n",
        tr.measured_on, kActiveThreshold);
    Json active_json;
    for (const Activity& a : tr.models) {
        const auto [lo, hi] = std::minmax_element(a.activity.begin(), a.activity.end());
        std::printf("  %-16s %3zu of %3zu   (activity %.4f to %.3f)\n", a.name.c_str(), a.active,
                    a.activity.size(), *lo, *hi);
        Json j;
        j.set("active", a.active).set("dimensions", a.activity.size()).set("activity", a.activity);
        active_json.set(a.name, j);
    }
    std::vector<double> dims(tr.dims.begin(), tr.dims.end()),
        values(kTraversalValues.begin(), kTraversalValues.end());
    active_json.set("threshold", kActiveThreshold).set("test_images", tr.measured_on);
    Json trav_json;
    trav_json.set("vae_dimensions", dims).set("values", values);
    std::vector<std::string> tnames;
    for (const auto& t : kTransforms) tnames.push_back(t.name);
    inv_json.set("transforms", tnames);
    pictures(opt.out, f, data, head(data.test.images, f.points), labels, r);
    invariance_pictures(opt.out, inv);
    distribution_pictures(opt.out, r);
    direction_pictures(opt.out, data, r);
    Json s;
    s.set("data", data.describe()).set("points", f.points).set("models", r.model_from);
    s.set("kmeans", kmeans_json).set("kmeans_restarts", f.restarts);
    s.set("kmeans_seconds", r.kmeans_seconds);
    Json maps;
    maps.set("trust_k", f.trust_k).set("tsne_trustworthiness", r.trust_tsne);
    maps.set("pca2_trustworthiness", r.trust_pca).set("perplexity", double(f.perplexity));
    maps.set("tsne_iterations", f.tsne_iterations).set("tsne_seconds", r.tsne_seconds);
    s.set("invariance", inv_json).set("code_statistics", stats_json);
    s.set("random_codes_looking_real", samp_json);
    s.set("arithmetic", arith_json).set("active_units", active_json);
    s.set("vae_traversals", trav_json);
    s.set("maps", maps).set("epochs_if_trained_here", opt.epochs).set("seed", double(opt.seed));
    finish_run(s, opt.out, total);
}

}  // namespace ae::l11
