// DeviceBuffer<T>: device memory owned by RAII (freed in the destructor, movable, not
// copyable), with checked copies from and to the host. Pointers into it are named d_ by habit.
#pragma once
#include <cuda_runtime_api.h>

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "ae/cuda/check.hpp"

namespace ae::cuda {

template <class T>
class DeviceBuffer {
  public:
    DeviceBuffer() = default;
    explicit DeviceBuffer(size_t n) { resize(n); }
    DeviceBuffer(const T* host, size_t n) : DeviceBuffer(n) { upload(host, n); }
    explicit DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.data(), host.size()) {}
    ~DeviceBuffer() { release(); }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    DeviceBuffer(DeviceBuffer&& o) noexcept
        : ptr_(std::exchange(o.ptr_, nullptr)), n_(std::exchange(o.n_, 0)) {}
    DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
        if (this != &o) {
            release();
            ptr_ = std::exchange(o.ptr_, nullptr);
            n_ = std::exchange(o.n_, 0);
        }
        return *this;
    }

    // Reallocates only when the size changes; the contents are then undefined.
    void resize(size_t n) {
        if (n == n_) return;
        release();
        if (n > 0) CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&ptr_), n * sizeof(T)));
        n_ = n;
    }
    void upload(const T* host, size_t n) {
        require(n, "upload");
        if (n) CUDA_CHECK(cudaMemcpy(ptr_, host, n * sizeof(T), cudaMemcpyHostToDevice));
    }
    void download(T* host, size_t n) const {
        require(n, "download");
        if (n) CUDA_CHECK(cudaMemcpy(host, ptr_, n * sizeof(T), cudaMemcpyDeviceToHost));
    }
    std::vector<T> to_host() const {
        std::vector<T> v(n_);
        download(v.data(), n_);
        return v;
    }
    void zero() {
        if (n_) CUDA_CHECK(cudaMemset(ptr_, 0, n_ * sizeof(T)));
    }
    T* data() { return ptr_; }
    const T* data() const { return ptr_; }
    size_t size() const { return n_; }

  private:
    void require(size_t n, const char* what) const {
        if (n > n_) {
            throw ae::Error(std::string("DeviceBuffer::") + what + ": " + std::to_string(n) +
                            " elements into a buffer of " + std::to_string(n_));
        }
    }
    void release() noexcept {
        if (ptr_) cudaFree(ptr_);  // no throw from a destructor; a failed free is not actionable
        ptr_ = nullptr;
        n_ = 0;
    }
    T* ptr_ = nullptr;
    size_t n_ = 0;
};

}  // namespace ae::cuda
