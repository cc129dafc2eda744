// Lesson 11's explorer page: one self-contained HTML file (out/11_latent/explorer.html) that lets
// the learner move through the latent space in a browser, with no server and no network: the
// t-SNE map (hover shows an image and its reconstructions, a click pins it), the 2-D VAE's latent
// plane decoded live under the mouse (the decoder's weights are embedded, the forward pass is
// the page's script) and latent arithmetic between two class means. Tested in headless chromium
// by tests/explorer_11.cpp; the page is explorer.html.in, inflate.js and explorer.js here.
#pragma once
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "ae/nn.hpp"
#include "ae/tensor.hpp"

namespace ae::l11 {

// What follows one Dense layer of the decoder (the page applies the same function).
enum class Activation { Linear, ReLU, LeakyReLU, Elu, Sigmoid, Tanh };

// One Dense layer and the activation after it: y = act(x W + b). W: (in, out), b: (1, out);
// param is LeakyReLU's slope or ELU's alpha (0 otherwise).
struct DenseStep {
    Matrix W, b;
    Activation act = Activation::Linear;
    float param = 0.f;
};

// The decoder as the page runs it: each Dense layer of `decoder` with the activation that follows
// it (none: Linear). With sigmoid_output the last layer's output, logits, goes through a sigmoid
// (lesson 05's decode does this after decoder.forward). Throws ae::Error naming the layer when
// the decoder holds anything but Dense, ReLU, LeakyReLU, ELU, Sigmoid, Tanh and Identity layers,
// two activations in a row, or layers whose sizes do not chain.
std::vector<DenseStep> dense_steps(Sequential& decoder, bool sigmoid_output);

// z: (N, Z) -> (N, D): the steps applied in order, on the CPU (what the page computes).
Matrix forward_steps(const std::vector<DenseStep>& steps, const Matrix& z);

// Everything the page shows. N points; every matrix has N rows.
struct ExplorerInput {
    Matrix map2d;   // (N, 2): the t-SNE map
    Matrix images;  // (N, 784): test images, pixels in [0, 1]
    Labels labels;  // N class numbers in [0, class_names.size())
    std::vector<std::string> class_names;
    // Model name -> its reconstructions of images, (N, 784) each, pixels in [0, 1].
    std::vector<std::pair<std::string, Matrix>> reconstructions;
    std::vector<DenseStep> decoder;  // the 2-D VAE's decoder: (., 2) -> (., 784) pixels in [0, 1]
    Matrix vae_codes;                // (N, 2): the VAE's codes (encoder means) of images
};

// Writes the page to html_path atomically (nothing half-written on an error). Images are stored
// as kGreyLevels grey levels (5 bits: invisible at thumbnail size, and it halves the page), the
// decoder's weights and the maps as float32, each array deflated and base64'd. Measured on
// Fashion-MNIST: 1.4 MB for lesson 05's decoder (2-400-784), plus 0.33-0.43 kB per point for each
// set of images (the test images, then each model's reconstructions): with 3 models, N = 1000
// gives about 3 MB, N = 2000 about 4.5 MB. Throws ae::ShapeError or ae::Error, saying what was
// expected and what was found, before writing anything.
void write_explorer(const std::string& html_path, const ExplorerInput& in);

// Pixels of the page's images: v in [0, 1] -> grey level round(v (kGreyLevels - 1)), clamped.
constexpr int kGreyLevels = 32;
inline int grey_level(float v) {
    return static_cast<int>(std::lround((v < 0.f ? 0.f : v > 1.f ? 1.f : v) * (kGreyLevels - 1)));
}

// Where the page's template (explorer.html.in) and scripts (inflate.js, explorer.js) are read from:
// this folder of the source tree, so an edited page needs a rerun, not a rebuild.
std::string explorer_source_dir();

}  // namespace ae::l11
