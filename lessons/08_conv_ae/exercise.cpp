// Lesson 08: a convolutional autoencoder. You write im2col/col2im, the convolution and its
// transpose as one matrix product each, their backward passes, and the model builder.
// Check with: ./workshop check 08 (one line per step), hints: ./workshop hint 08 S
#include "ae/todo.hpp"
#include "exercise.hpp"

namespace ae::l08 {

OutSize conv_output_size(const ConvGeometry& g) {
    // TODO(lesson 08, step 1): see README "Step 1: The output size".
    AE_TODO("08", "conv_output_size", g);
}

Matrix im2col(const Matrix& x, const ConvGeometry& g) {
    // TODO(lesson 08, step 2a): see README "Step 2a: im2col".
    AE_TODO("08", "im2col", x, g);
}

Matrix col2im(const Matrix& cols, const ConvGeometry& g, size_t n) {
    // TODO(lesson 08, step 2b): see README "Step 2b: col2im, the adjoint".
    AE_TODO("08", "col2im", cols, g, n);
}

Matrix conv2d_forward(const Matrix& x, const Matrix& W, const Matrix& b, const ConvGeometry& g,
                      Matrix& cols) {
    // TODO(lesson 08, step 3): see README "Step 3: The convolution as one GEMM".
    AE_TODO("08", "conv2d_forward", x, W, b, g, cols);
}

ConvGrads conv2d_backward(const Matrix& grad_out, const Matrix& cols, const Matrix& W,
                          const ConvGeometry& g, bool input_grad) {
    // TODO(lesson 08, step 4): see README "Step 4: The backward pass".
    AE_TODO("08", "conv2d_backward", grad_out, cols, W, g, input_grad);
}

Matrix conv_transpose_forward(const Matrix& x, const Matrix& W, const Matrix& b,
                              const ConvGeometry& g) {
    // TODO(lesson 08, step 5a): see README "Step 5a: The transposed convolution".
    AE_TODO("08", "conv_transpose_forward", x, W, b, g);
}

ConvGrads conv_transpose_backward(const Matrix& grad_out, const Matrix& x, const Matrix& W,
                                  const ConvGeometry& g, bool input_grad) {
    // TODO(lesson 08, step 5b): see README "Step 5b: Its backward pass".
    AE_TODO("08", "conv_transpose_backward", grad_out, x, W, g, input_grad);
}

ConvAutoencoder build_conv_autoencoder(const ConvAeConfig& config, Rng& rng) {
    // TODO(lesson 08, step 6): see README "Step 6: The model".
    AE_TODO("08", "build_conv_autoencoder", config, rng);
}

}  // namespace ae::l08
