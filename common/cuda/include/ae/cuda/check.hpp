// Checked CUDA, cuBLAS and cuRAND calls: every failure throws ae::Error naming the call, the
// file and the line, so a GPU problem reads like any other workshop error (exit code 1).
// Used by common/cuda and lesson 00; compiles with nvcc and with the host C++ compiler.
#pragma once
#include <cuda_runtime_api.h>

#include <string>

#include "ae/error.hpp"

namespace ae::cuda {

[[noreturn]] inline void throw_cuda(const char* what, const std::string& detail, const char* file,
                                    int line) {
    throw ae::Error(std::string("CUDA error in ") + what + " at " + file + ":" +
                    std::to_string(line) + ": " + detail);
}

inline void check_cuda(cudaError_t e, const char* what, const char* file, int line) {
    if (e != cudaSuccess) {
        throw_cuda(what, std::string(cudaGetErrorName(e)) + " (" + cudaGetErrorString(e) + ")",
                   file, line);
    }
}

// cuBLAS and cuRAND status codes are enums with 0 = success; their names need their headers.
inline void check_status(int status, const char* what, const char* file, int line) {
    if (status != 0) throw_cuda(what, "status " + std::to_string(status), file, line);
}

}  // namespace ae::cuda

#define CUDA_CHECK(call) ::ae::cuda::check_cuda((call), #call, __FILE__, __LINE__)
#define CUBLAS_CHECK(call) \
    ::ae::cuda::check_status(static_cast<int>(call), #call, __FILE__, __LINE__)
// After a <<<...>>> launch: a bad configuration shows here, a fault in the kernel at the next sync.
#define CUDA_CHECK_LAUNCH() CUDA_CHECK(cudaGetLastError())
