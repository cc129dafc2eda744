// Lesson 05, the report of the program: charts, image grids, .npy codes, history.csv, the
// terminal summary with the README's expected ranges, and summary.json. main.cpp calls it.
#pragma once
#include <string>
#include <vector>

#include "ae/cli.hpp"
#include "ae/data.hpp"
#include "ae/io.hpp"
#include "lesson.hpp"

namespace ae::l05 {

// One trained VAE and its final test figures (one sample of z per image).
struct Run {
    Vae model;
    History history;
    Elbo test;
};

// The Z = 20 run: model.ckpt (for lessons 06 and 07), elbo/kl charts and history.csv,
// reconstructions, samples (drawn with rng), interpolations, test_mu.npy, and the terminal summary
// (det: the figures with z = mu).
void report_main_run(const std::string& out, Run& run, const Elbo& det, double floor,
                     const DataSplit& data, const Options& opt, float beta, bool default_run,
                     Rng& rng);

// The Z = 2 run: model_z2.ckpt, latent_scatter.png, latent_z2_test.npy, manifold.png and its
// summary lines.
void report_manifold(const std::string& out, Run& two, const DataSplit& data, int epochs,
                     bool default_run, Json& summary);

// The beta sweep: one line per beta and the two trade-off charts; returns its summary entry.
Json report_beta_sweep(const std::string& out, const std::vector<float>& betas,
                       const std::vector<Run>& runs, size_t z, int epochs);

// The summary of the Z = 20 run, appended to summary (after the manifold and sweep entries).
void fill_summary(Json& s, const Run& run, const Elbo& det, double floor, const DataSplit& data,
                  const Options& opt, float beta, size_t hidden);

}  // namespace ae::l05
