// Lesson 02, what the lesson gives you (given*.cpp): the model type and its builder, decoding,
// reconstruction, the training loops, and saving/loading a trained model. Lessons 03, 04, 06 and
// 07 reuse all of it. The functions you write are in exercise.hpp.
// Check with: ./workshop check 02      Run with: ./workshop run 02
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "ae/autoencoder.hpp"
#include "ae/data.hpp"
#include "ae/loss.hpp"
#include "ae/nn.hpp"
#include "ae/objective.hpp"
#include "ae/optim.hpp"
#include "ae/tensor.hpp"
#include "ae/training.hpp"

namespace CLI {
class App;
}

namespace ae::l02 {

// The reconstruction loss, which also fixes the decoder's output layer:
//   Mse: the decoder ends in a Sigmoid (pixels in (0, 1)), compared with x by squared error.
//   Bce: the decoder ends in raw logits, compared with x by binary cross-entropy.
//   L1:  the decoder ends in a Sigmoid, compared with x by absolute error (your step 5).
// Both are means over all N*D entries (ae::Reduction::Mean), so Adam's lr means the same.
// (The library's own loss kind, so the GPU trainer reads the same value.)
using Loss = LossKind;
Loss parse_loss(const std::string& name);  // "mse" | "bce" | "l1"; throws ae::Error otherwise
std::string loss_name(Loss loss);          // "mse" | "bce" | "l1"

// The architecture and the model are the library's MLP autoencoder (ae/autoencoder.hpp), which
// lessons 03-09 load from lesson 02's checkpoint: the widths D -> hidden... -> Z and the mirror
// back, the loss (which fixes the decoder's output layer) and the experiment's knobs.
using AeConfig = MlpArch;
// An encoder and a decoder, trained together. forward() of each caches what backward() needs,
// so the model is passed by non-const reference everywhere.
using Autoencoder = MlpAutoencoder;

// Your build_encoder + build_decoder for config, seeded by rng. When a knob is not at its
// default, your layers are kept and rearranged: each ReLU becomes config.activation (then a
// Dropout when config.dropout > 0), the code layer gets config.code_activation, and with
// config.tied every decoder Dense becomes a TiedDense on its mirror encoder layer.
Autoencoder make_autoencoder(const AeConfig& config, Rng& rng);
// The activation layer of a name accepted by --activation / --code-activation (not "linear").
std::unique_ptr<Layer> make_activation(const std::string& name);
// Switches every Dropout layer of the model to training (true) or evaluation (false).
void set_training(Autoencoder& model, bool training);

// A decoder layer tied to an encoder Dense layer (in -> out): out -> in with the encoder's W
// transposed (your tied_forward / tied_backward, step 7) and its own bias b (1, in). Its only
// own parameter is b; the gradient of W goes into the encoder layer's dW.
class TiedDense : public Layer {
  public:
    explicit TiedDense(Dense& source);
    Matrix forward(const Matrix& x) override;
    Matrix backward(const Matrix& grad_out) override;
    std::vector<Param> params() override;
    std::string name() const override;  // "Tied(64, 256)"
    Matrix b, db;

  private:
    Dense* source_;
    Matrix x_;
};

// Momentum and RMSprop built on your updates (steps 6a, 6b), and Adam with weight decay as an L2
// gradient term (--optimizer adam --weight-decay): weight decay is decoupled (w -= lr wd w before
// the update) for Momentum and RmsProp, added to the gradient (g += wd w) when spec.l2. Returns
// nullptr for what ae::train builds itself (Adam and AdamW, SGD).
std::unique_ptr<Optimizer> lesson_optimizer(const OptimizerSpec& spec);

// Why the library's GPU trainer cannot run this configuration ("the L1 loss, dropout"), or ""
// when it can. train_autoencoder then trains on the CPU instead, and says so.
std::string gpu_unsupported(const AeConfig& config, const OptimizerSpec& spec);

// Code units never active (never > 0) on any row of codes (N, Z): the dead units of a ReLU code.
size_t dead_units(const Matrix& codes);

// The experiment's flags (main.cpp), each checked while parsing (bad value or combination: the
// flag, the accepted values, exit 2, nothing written).
struct ExperimentFlags {
    std::string hidden = "256,64", activation = "relu", code_activation = "linear";
    std::string loss = "mse", optimizer = "adam";  // sgd|momentum|rmsprop|adam|adamw
    float momentum = 0.9f, weight_decay = 0.f, dropout = 0.f;
    bool tied = false;
    bool layerwise = false;   // greedy layer-wise training (train_layerwise)
    int fine_tune = 0;        // with layerwise: end-to-end epochs after stacking
    bool is_default() const;  // every flag above at its default
};
void add_experiment_flags(CLI::App& app, ExperimentFlags& flags);
// "256,64" -> {256, 64}; throws ae::Error naming the problem (empty, zero, not a number).
std::vector<size_t> parse_widths(const std::string& list);
AeConfig make_config(const ExperimentFlags& flags, size_t input, size_t latent);
OptimizerSpec make_optimizer_spec(const ExperimentFlags& flags, float lr);
// codes: (N, Z) -> images (N, D) in [0, 1] (the sigmoid is applied to Bce logits), in chunks.
Matrix decode(Autoencoder& model, const Matrix& codes);
// x: (N, D) -> x_hat: (N, D) in [0, 1]: decoder after encoder, in chunks (independent of step 4).
Matrix reconstruct(Autoencoder& model, const Matrix& x);
// Mean over all N*D entries of (reconstruct(x) - x)^2: the figure compared with PCA.
double test_mse(Autoencoder& model, const Matrix& x);

// Trains on x (target = input) with ae::train: your train_step on the CPU (Dropout layers in
// training mode during the step only; lesson_optimizer's optimiser when it builds one), or the
// library's CUDA trainer with the same loss (model.config.loss) when spec.device picks a GPU
// and gpu_unsupported finds nothing (otherwise: a note, and the CPU). spec holds the optimiser
// (its learning rate), epochs, batch size and seed; on_epoch (may be empty) records test figures.
History train_autoencoder(Autoencoder& model, const Matrix& x, TrainSpec spec,
                          const EpochFn& on_epoch = nullptr);

// Greedy layer-wise training (--layerwise): a shallow autoencoder per layer, trained with
// train_autoencoder for spec.fit.epochs: the first encoder Dense layer (with its activation)
// and the last decoder one on x, then the second and the one before last on the first's codes
// (MSE: they redraw hidden activations), and so on inwards; then fine_tune_epochs of
// end-to-end training of the stacked model (0: none). on_epoch runs after every epoch of every
// stage (the model is the whole stack, its untrained inner layers included), and the returned
// History holds them all in order. CPU only.
History train_layerwise(Autoencoder& model, const Matrix& x, TrainSpec spec, int fine_tune_epochs,
                        const EpochFn& on_epoch = nullptr);

// The default place of lesson 02's trained model: the repository's out/02_deep_ae/model.ckpt,
// where ./workshop solution 02 writes it (ae::repo_output: relative from the repository root).
inline std::string default_model_path() {
    return repo_output("out/02_deep_ae/model.ckpt");
}
// Saves the model to path: one checkpoint that carries its architecture (ae::save_mlp_autoencoder),
// with an optional one-line note (what it was trained with), written atomically.
void save_autoencoder(const std::string& path, Autoencoder& model, const std::string& note = "");
// Rebuilds the architecture stored in path (your builders) and loads the parameters; input: the
// image size of the program's data (0: any). Throws ae::DataError naming the file, what it holds
// and what was expected, and which command trains and saves the model.
Autoencoder load_autoencoder(const std::string& path, size_t input = 0,
                             std::string* note = nullptr);

// Error figures of a trained model (given.cpp), which the report draws and prints.
// x_hat: (N, D), x: (N, D) -> N values, the mean over each row of (x_hat - x)^2, in double.
std::vector<double> per_image_mse(const Matrix& x_hat, const Matrix& x);
// The mean of v (NaN when v is empty).
double mean_of(const std::vector<double>& v);
// The mean of err over the images of each class 0-9 (NaN for a class with no image).
std::vector<double> per_class_mean(const std::vector<double>& err, const Labels& labels);

}  // namespace ae::l02
