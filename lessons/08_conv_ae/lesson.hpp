// Lesson 08, what the lesson gives you (given.cpp): the geometry of a convolution, the layers
// that wrap your functions (Conv2d, ConvTranspose2d: ae::Layer, so models are ae::Sequential),
// the model type, reconstruction and encoding in chunks, the training loop, and checkpoints.
// The functions you write are in exercise.hpp.
// Check with: ./workshop check 08      Run with: ./workshop run 08
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "ae/data.hpp"
#include "ae/nn.hpp"
#include "ae/optim.hpp"
#include "ae/tensor.hpp"
#include "ae/train.hpp"
#include "ae/training.hpp"

namespace ae::l08 {

// Image layout, everywhere in this lesson: one image per row of a Matrix, pixels row by row and
// the C channels of a pixel side by side ("channel-last", HWC): the value of channel c at pixel
// (y, x) is row[(y * W + x) * C + c]. For C = 1 this is exactly a Fashion-MNIST row.

// What one convolution reads: C channels of H x W pixels, a square K x K kernel moved by
// `stride` pixels over the image padded with `pad` zeros on every side.
struct ConvGeometry {
    size_t c = 1, h = 28, w = 28;
    size_t k = 3, stride = 1, pad = 0;
    std::string layer = "convolution";  // who asks, named in error messages
    // "Conv2d(1->16, 3x3, stride 2, pad 1) on a 1x28x28 input"
    std::string describe() const;
};

// Output size of a convolution (filled by your conv_output_size).
struct OutSize {
    size_t h = 0, w = 0;
};

// Throws ae::ShapeError unless x is (N, H*W*C) for g with N >= 1, saying what was expected and
// what came (and that the channels may not match). what: "im2col input", "conv2d input" ...
void require_images(const Matrix& x, const ConvGeometry& g, const std::string& what);

// Gradients of one convolution layer for one batch.
struct ConvGrads {
    Matrix dW;  // same shape as W
    Matrix db;  // same shape as b
    Matrix dx;  // same shape as the layer's input (empty when the input gradient was not asked)
};

enum class ConvInit { He, Xavier };  // He before a ReLU, Xavier before a sigmoid or a linear code

// The four functions the layers below call: by default yours (exercise.hpp). A benchmark may
// point them at another implementation of the same contract (bench_conv: the reference's tuned
// twins, solutions/08_conv_ae/exercise_fast.hpp); the lesson's program and tests never do.
struct ConvKernels {
    Matrix (*conv2d_forward)(const Matrix& x, const Matrix& W, const Matrix& b,
                             const ConvGeometry& g, Matrix& cols);
    ConvGrads (*conv2d_backward)(const Matrix& grad_out, const Matrix& cols, const Matrix& W,
                                 const ConvGeometry& g, bool input_grad);
    Matrix (*conv_transpose_forward)(const Matrix& x, const Matrix& W, const Matrix& b,
                                     const ConvGeometry& g);
    ConvGrads (*conv_transpose_backward)(const Matrix& grad_out, const Matrix& x, const Matrix& W,
                                         const ConvGeometry& g, bool input_grad);
};
ConvKernels& conv_kernels();

// What the two convolution layers below share: W, b, their gradients and the geometry, and
// backward's bookkeeping (dW and db add up over calls; dx only when asked).
class ConvLayer : public Layer {
  public:
    Matrix backward(const Matrix& grad_out) override;
    void backward_params_only(const Matrix& grad_out) override;
    std::vector<Param> params() override;
    std::string name() const override;  // "Conv2d(1->16, 3x3, stride 2, pad 1)"
    const ConvGeometry& geometry() const { return g_; }

    Matrix W, b, dW, db;

  protected:
    // The layer's gradients for grad_out, through your functions (conv_kernels()).
    virtual ConvGrads gradients(const Matrix& grad_out, bool input_grad) = 0;
    ConvGeometry g_;
};

// A 2-D convolution as an ae::Layer: x (N, H*W*C) -> y (N, OH*OW*F), through your
// conv2d_forward / conv2d_backward (conv_kernels()). W: (K*K*C, F), row (ky*K + kx)*C + c; b: (1,
// F).
class Conv2d : public ConvLayer {
  public:
    // Throws ae::ShapeError (from your conv_output_size) when the geometry is impossible.
    Conv2d(size_t in_channels, size_t out_channels, size_t kernel, size_t stride, size_t pad,
           size_t in_h, size_t in_w, Rng& rng, ConvInit init = ConvInit::He);
    Matrix forward(const Matrix& x) override;
    OutSize out_size() const { return out_; }
    size_t out_channels() const { return W.shape()[1]; }

  private:
    ConvGrads gradients(const Matrix& grad_out, bool input_grad) override;
    OutSize out_;
    Matrix cols_;  // im2col of the last input, for backward
};

// The transposed convolution as an ae::Layer: x (N, IH*IW*F) -> y (N, OH*OW*C), through your
// conv_transpose_forward / _backward. It is the adjoint of the Conv2d that maps C channels of
// OH x OW to F channels of IH x IW, so it takes the OUTPUT size and finds its input size with
// your conv_output_size. W: (K*K*C, F) like that Conv2d's; b: (1, C).
class ConvTranspose2d : public ConvLayer {
  public:
    ConvTranspose2d(size_t in_channels, size_t out_channels, size_t kernel, size_t stride,
                    size_t pad, size_t out_h, size_t out_w, Rng& rng, ConvInit init = ConvInit::He);
    Matrix forward(const Matrix& x) override;  // name(): "ConvT2d(32->16, 4x4, stride 2, pad 1)"
    // geometry(): that of the adjoint convolution, whose input is this layer's output.
    OutSize in_size() const { return in_; }

  private:
    ConvGrads gradients(const Matrix& grad_out, bool input_grad) override;
    OutSize in_;
    Matrix x_;  // the last input, for backward
};

// The architecture. Encoder: one Conv2d(enc_kernel, stride, pad 1) + ReLU per entry of
// channels, then Dense(to latent). Decoder: Dense(latent to the last feature map) + ReLU, then
// one ConvTranspose2d(dec_kernel, stride, pad 1) per level back to the image (ReLU between,
// Sigmoid after the last). Each level divides H and W by the stride exactly (28 -> 14 -> 7 for
// two levels of stride 2; stride 1 keeps 28 x 28, with dec_kernel 3 to keep the size).
struct ConvAeConfig {
    size_t channels_in = 1, height = 28, width = 28;
    std::vector<size_t> channels{16, 32};
    size_t latent = 32;            // Z
    size_t stride = 2;             // every convolution's stride
    size_t enc_kernel = 3;         // encoder convolutions
    size_t dec_kernel = 4;         // decoder transposed convolutions (4 = 2 x stride: even overlap)
    std::string describe() const;  // "1x28x28 -conv-> 16 -conv-> 32 -> 32, transposed back"
};

struct ConvAutoencoder {
    Sequential encoder;  // (N, H*W*C) -> (N, Z), a linear code
    Sequential decoder;  // (N, Z) -> (N, H*W*C), pixels in (0, 1)
    ConvAeConfig config;
    std::vector<Param> params();  // "enc.<i>.W", "enc.<i>.b", then "dec.<i>.W", "dec.<i>.b"
};

// x: (N, D) -> x_hat (N, D) in (0, 1), in chunks of 512 rows.
Matrix reconstruct(ConvAutoencoder& model, const Matrix& x);
// x: (N, D) -> codes (N, Z), in chunks of 512 rows.
Matrix encode(ConvAutoencoder& model, const Matrix& x);
// Mean over all N*D entries of (reconstruct(x) - x)^2, in double.
double test_mse(ConvAutoencoder& model, const Matrix& x);
// The output of every encoder Conv2d layer after its ReLU for the images x (n, D): one matrix
// (n, OH*OW*F) per conv layer, and the layers' output sizes.
struct FeatureMaps {
    std::vector<Matrix> maps;
    std::vector<OutSize> sizes;
    std::vector<size_t> channels;
};
FeatureMaps feature_maps(ConvAutoencoder& model, const Matrix& x);

// Trains on x (target = input, MSE per pixel) on the CPU with ae::train: one step per
// batch (forward, ae::mse_loss, backward through decoder and encoder, the optimiser of
// spec.optimizer). spec.device is not read: this lesson has no GPU path. on_epoch (may be
// empty) records test figures.
History train_conv_autoencoder(ConvAutoencoder& model, const Matrix& x, const TrainSpec& spec,
                               const EpochFn& on_epoch = nullptr);

// The default place of this lesson's trained model: the repository's out/08_conv_ae/model.ckpt
// (ae::repo_output: relative from the repository root).
inline std::string default_model_path() {
    return repo_output("out/08_conv_ae/model.ckpt");
}
// Saves the model to path: one checkpoint with its architecture inside, written atomically.
// Refuses (ae::DataError, nothing written) when path holds a checkpoint of another lesson.
void save_conv_autoencoder(const std::string& path, ConvAutoencoder& model);
// Rebuilds the architecture stored in path (every size bounded before anything is built) and
// loads the parameters. Throws ae::DataError naming the file, what it holds (lesson 02's MLP,
// say) and what was expected.
ConvAutoencoder load_conv_autoencoder(const std::string& path);
// Throws ae::DataError when path exists and is not a lesson 08 checkpoint: call it before
// training, so a wrong --save never costs a run and never overwrites another lesson's model.
void check_save_target(const std::string& path);

}  // namespace ae::l08
