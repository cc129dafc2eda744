// Lesson 08: a convolutional autoencoder. The functions you write in exercise.cpp, with their
// shapes; README "Step S" explains each. Images are rows in the channel-last layout of
// lesson.hpp: channel c of pixel (y, x) is row[(y * W + x) * C + c].
// Check: ./workshop check 08   Watch: ./workshop watch 08   Hints: ./workshop hint 08 S
#pragma once
#include "lesson.hpp"

namespace ae::l08 {

// README step 1. The output height and width of the convolution g. Throws ae::ShapeError whose
// message starts with g.describe() when g is impossible: a stride of 0, or a kernel larger than
// the padded input (in either direction). The tests check sizes that divide evenly and sizes
// that do not (e.g. 7 pixels, kernel 3, stride 2, pad 1).
OutSize conv_output_size(const ConvGeometry& g);

// README step 2a. x: (N, H*W*C) -> cols: (N*OH*OW, K*K*C). Row (n*OH + oy)*OW + ox holds the
// K x K x C patch that output pixel (oy, ox) of image n sees, in the order of W's rows:
// column (ky*K + kx)*C + c. Patch entries that fall in the padding are 0. Checks x with
// require_images (a channel mismatch is an ae::ShapeError naming g.layer).
Matrix im2col(const Matrix& x, const ConvGeometry& g);

// README step 2b. The adjoint of im2col: cols: (N*OH*OW, K*K*C) -> (N, H*W*C), every entry of
// cols added into the input pixel it was copied from (entries that came from the padding are
// dropped). n: the number of images N. The tests check <im2col(x), y> = <x, col2im(y)>.
Matrix col2im(const Matrix& cols, const ConvGeometry& g, size_t n);

// README step 3. The forward pass of a convolution as one matrix product on im2col(x):
// x: (N, H*W*C), W: (K*K*C, F), b: (1, F) -> y: (N, OH*OW*F) (channel-last, so no transpose).
// cols receives im2col(x, g) for the backward pass. The tests compare with a direct loop.
Matrix conv2d_forward(const Matrix& x, const Matrix& W, const Matrix& b, const ConvGeometry& g,
                      Matrix& cols);

// README step 4. The backward pass of conv2d_forward: grad_out = dL/dy: (N, OH*OW*F), cols: the
// im2col matrix of that forward pass, W: (K*K*C, F) -> dL/dW (K*K*C, F), dL/db (1, F) and, when
// input_grad, dL/dx (N, H*W*C) (through col2im). The tests compare with central differences.
ConvGrads conv2d_backward(const Matrix& grad_out, const Matrix& cols, const Matrix& W,
                          const ConvGeometry& g, bool input_grad = true);

// README step 5a. The transposed convolution: the adjoint of the convolution g (whose input is
// C channels of H x W and whose output is F channels of OH x OW), used as a layer that goes up:
// x: (N, OH*OW*F), W: (K*K*C, F), b: (1, C) -> y: (N, H*W*C), plus b on every pixel's C channels.
Matrix conv_transpose_forward(const Matrix& x, const Matrix& W, const Matrix& b,
                              const ConvGeometry& g);

// README step 5b. Its backward pass: grad_out = dL/dy: (N, H*W*C), x: the forward's input
// (N, OH*OW*F) -> dL/dW (K*K*C, F), dL/db (1, C) and, when input_grad, dL/dx (N, OH*OW*F).
ConvGrads conv_transpose_backward(const Matrix& grad_out, const Matrix& x, const Matrix& W,
                                  const ConvGeometry& g, bool input_grad = true);

// README step 6. The model of config (ConvAeConfig in lesson.hpp says which layers, in which
// order), built from Conv2d, ConvTranspose2d (lesson.hpp), ae::Dense and the activations, seeded
// by rng. The tests check the layer list, e.g. "Conv2d(1->16, 3x3, stride 2, pad 1) -> ReLU ->
// ..." and the number of parameters. Throws ae::ShapeError when H or W does not halve evenly.
ConvAutoencoder build_conv_autoencoder(const ConvAeConfig& config, Rng& rng);

}  // namespace ae::l08
