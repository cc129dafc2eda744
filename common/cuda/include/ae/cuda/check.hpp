// Checked CUDA and cuBLAS calls: every failure throws ae::Error naming the call, the file, the
// line and the error's name, so a GPU problem reads like any other workshop error (exit code 1).
// Used by common/cuda and lesson 00; compiles with nvcc and with the host C++ compiler.
#pragma once
#include <cublas_v2.h>
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

inline void check_cublas(cublasStatus_t s, const char* what, const char* file, int line) {
    if (s != CUBLAS_STATUS_SUCCESS) {
        throw_cuda(what,
                   std::string(cublasGetStatusName(s)) + " (" + cublasGetStatusString(s) + ")",
                   file, line);
    }
}

}  // namespace ae::cuda

#define CUDA_CHECK(call) ::ae::cuda::check_cuda((call), #call, __FILE__, __LINE__)
#define CUBLAS_CHECK(call) ::ae::cuda::check_cublas((call), #call, __FILE__, __LINE__)
// After a <<<...>>> launch: a bad configuration shows here, a fault in the kernel at the next sync.
#define CUDA_CHECK_LAUNCH() CUDA_CHECK(cudaGetLastError())
